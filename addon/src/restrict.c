/* What restricts the container's view before the pivot, in runc's order:
 * sysctls, read-only paths, masked paths. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

/* Writes a sysctl under the container's /proc/sys. The proc mount is opened
 * and checked to be procfs, then the file is reached from it without
 * crossing into another mount (RESOLVE_NO_XDEV) or following any link: a
 * bind mount over /proc/sys/... (of the host's procfs, say) or a symlinked
 * /proc must not redirect the write (CVE-2019-19921, CVE-2025-52881). */
static void write_sysctl(int rootfd, const struct plan_sysctl *s)
{
	struct statfs sf;
	size_t n = s_len(s->path), v = s_len(s->value);
	char rel[PATH_MAX];
	int procfd, fd;
	if (n + 5 > sizeof(rel))
		fail("write sysctl", s->path, ENAMETOOLONG);
	procfd = (int)openat2_in(rootfd, "proc", O_PATH | O_DIRECTORY | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
	if (procfd < 0)
		fail("write sysctl: open /proc", s->path, errno);
	if (fstatfs(procfd, &sf) < 0)
		fail("write sysctl: statfs /proc", s->path, errno);
	if (sf.f_type != PROC_SUPER_MAGIC)
		fail("write sysctl: /proc is not procfs", s->path, EINVAL);
	memcpy(rel, "sys/", 4);
	memcpy(rel + 4, s->path, n + 1);
	fd = (int)openat2_in(procfd, rel, O_WRONLY | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS);
	if (fd < 0)
		fail("write sysctl", s->path, errno);
	if (write(fd, s->value, v) != (ssize_t)v)
		fail("write sysctl", s->path, errno);
	close(fd);
	close(procfd);
}

static void readonly_path(int rootfd, const char *path)
{
	char target[FD_PATH_LEN];
	struct statvfs sv;
	int fd = open_in_root(rootfd, path, O_PATH);
	if (fd < 0) {
		if (errno == ENOENT)
			return;
		fail("open readonly path", path, errno);
	}
	if (mount(fd_path(target, fd), fd_path(target, fd), NULL, MS_BIND | MS_REC, NULL) < 0)
		fail("bind readonly path", path, errno);
	close(fd);
	fd = open_in_root(rootfd, path, O_PATH);
	if (fd < 0)
		fail("open readonly path", path, errno);
	fd_path(target, fd);
	if (statvfs(target, &sv) < 0)
		fail("statfs readonly path", path, errno);
	/* keep the flags the mount has, or the kernel refuses a locked mount */
	if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | (sv.f_flag & ~ST_RDONLY), NULL) < 0)
		fail("remount readonly path", path, errno);
	close(fd);
}

/* /dev/null of the new root, checked to be the real device: an image that
 * swaps it for a symlink or another file must not get that bound over the
 * masked paths (CVE-2025-31133). */
static int open_dev_null(int rootfd)
{
	struct stat st;
	int fd = open_in_root(rootfd, "/dev/null", O_PATH);
	if (fd < 0)
		fail("open /dev/null for masking", "/dev/null", errno);
	if (fstat(fd, &st) < 0)
		fail("stat /dev/null", "/dev/null", errno);
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
		fail("/dev/null is not the null device", "/dev/null", EPERM);
	return fd;
}

static void mask_path(int rootfd, int nullfd, const char *path)
{
	char target[FD_PATH_LEN], source[FD_PATH_LEN];
	struct stat st;
	int fd = open_in_root(rootfd, path, O_PATH);
	if (fd < 0) {
		if (errno == ENOENT)
			return;
		fail("open masked path", path, errno);
	}
	if (fstat(fd, &st) < 0)
		fail("stat masked path", path, errno);
	fd_path(target, fd);
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", target, "tmpfs", MS_RDONLY, NULL) < 0)
			fail("mask directory", path, errno);
	} else if (mount(fd_path(source, nullfd), target, NULL, MS_BIND, NULL) < 0) {
		fail("mask file", path, errno);
	}
	close(fd);
}

/* Before the pivot, through the rootfs dirfd and the host's /proc/self/fd
 * (the container may have no /proc): sysctls, then read-only paths, then
 * masked paths, in runc's order (the default config makes /proc/sys
 * read-only). /proc/sys/net shows the opener's network namespace, which is
 * already the container's. */
void finish_rootfs(const struct plan_rootfs *r, int rootfd)
{
	int nullfd = -1, i;
	for (i = 0; i < r->nsysctls; i++)
		write_sysctl(rootfd, &r->sysctls[i]);
	for (i = 0; i < r->nreadonly; i++)
		readonly_path(rootfd, r->readonly_paths[i]);
	for (i = 0; i < r->nmasked; i++) {
		if (nullfd < 0)
			nullfd = open_dev_null(rootfd);
		mask_path(rootfd, nullfd, r->masked_paths[i]);
	}
	if (nullfd >= 0)
		close(nullfd);
}
