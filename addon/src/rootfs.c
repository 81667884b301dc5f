/* The container's root: propagation of /, the rootfs bind, every mount,
 * device and restriction under it (through one dirfd), the console, the
 * create hooks' pause, then the new root (pivot_root, or MS_MOVE with
 * --no-pivot) and its final propagation and read-only remount. exec only
 * joins the root the container already has. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

#ifndef SYS_pivot_root
#define SYS_pivot_root 155
#endif

static void pivot(const char *rootfs)
{
	int oldroot, newroot;
	oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0)
		fail("open old root", "/", errno);
	newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (newroot < 0)
		fail("open rootfs", rootfs, errno);
	if (fchdir(newroot) < 0)
		fail("chdir to rootfs", rootfs, errno);
	/* pivot_root(".", ".") stacks the old root on top of the new one; it is
	 * then unmounted lazily without ever needing a directory for it */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		fail("pivot_root", rootfs, errno);
	if (fchdir(oldroot) < 0)
		fail("chdir to old root", "/", errno);
	/* never let the unmount propagate back to the host */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		fail("make old root slave", "/", errno);
	if (umount2(".", MNT_DETACH) < 0)
		fail("unmount old root", "/", errno);
	if (chdir("/") < 0)
		fail("chdir", "/", errno);
	close(oldroot);
	close(newroot);
}

/* mountinfo of the container's mount namespace, read once by move_root */
static char g_mountinfo[256 * 1024];

/* a mountinfo path field in place: "\040" and the like back to bytes */
static void unescape(char *s)
{
	char *w = s;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 4;
		} else {
			*w++ = *s++;
		}
	}
	*w = 0;
}

static int under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == 0 || path[n] == '/');
}

/* --no-pivot leaves the host's mounts in the container's mount namespace,
 * under the chroot. The kernel lets a user namespace mount a new procfs or
 * sysfs only when a full one is visible in the mount namespace, and the
 * host's are: a process in the container could unshare and mount a bare
 * /proc (no masked paths). So, as runc does: every full proc and sysfs mount
 * outside the rootfs is detached, or covered by an empty tmpfs. */
static void hide_host_proc_and_sys(const char *given)
{
	static char rootfs[PATH_MAX];
	char link[FD_PATH_LEN];
	int fd = open(given, O_PATH | O_DIRECTORY | O_CLOEXEC);
	size_t len = 0;
	ssize_t rl;
	char *line, *next;
	/* mountinfo names the rootfs by its real path (the bundle's may be a link) */
	if (fd < 0)
		fail("open rootfs", given, errno);
	rl = readlink(fd_path(link, fd), rootfs, sizeof(rootfs) - 1);
	if (rl < 0)
		fail("resolve rootfs", given, errno);
	rootfs[rl] = 0;
	close(fd);
	fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("open", "/proc/self/mountinfo", errno);
	for (;;) {
		ssize_t n = read(fd, g_mountinfo + len, sizeof(g_mountinfo) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail("read", "/proc/self/mountinfo", errno);
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(g_mountinfo) - 1)
			fail("read", "/proc/self/mountinfo", E2BIG);
	}
	close(fd);
	g_mountinfo[len] = 0;
	for (line = g_mountinfo; line && *line; line = next) {
		/* id parent major:minor root mountpoint options [optional...] - fstype source super */
		char *field[5], *sep, *fstype, *p = line;
		int i;
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		for (i = 0; i < 5; i++) {
			field[i] = p;
			p = strchr(p, ' ');
			if (!p)
				break;
			*p++ = 0;
		}
		if (i < 5 || !p)
			continue;
		sep = strstr(p, " - ");
		if (!sep)
			continue;
		fstype = sep + 3;
		sep = strchr(fstype, ' ');
		if (sep)
			*sep = 0;
		if (strcmp(field[3], "/") || (strcmp(fstype, "proc") && strcmp(fstype, "sysfs")))
			continue;
		unescape(field[4]);
		if (under(field[4], rootfs))
			continue;
		/* never let the unmount propagate back to the host */
		if (mount(NULL, field[4], NULL, MS_SLAVE | MS_REC, NULL) < 0) {
			if (errno == ENOENT)
				continue; /* under a mount already detached */
			fail("make host mount slave", field[4], errno);
		}
		if (umount2(field[4], MNT_DETACH) < 0) {
			if (errno != EINVAL && errno != EPERM)
				fail("detach host mount", field[4], errno);
			if (mount("tmpfs", field[4], "tmpfs", 0, NULL) < 0)
				fail("cover host mount", field[4], errno);
		}
	}
}

static void move_root(const char *rootfs)
{
	hide_host_proc_and_sys(rootfs);
	if (chdir(rootfs) < 0)
		fail("chdir to rootfs", rootfs, errno);
	if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		fail("move rootfs to /", rootfs, errno);
	if (chroot(".") < 0)
		fail("chroot", rootfs, errno);
	if (chdir("/") < 0)
		fail("chdir", "/", errno);
}

/* the rootfs after the pivot: rootfsPropagation, then read-only if asked */
static void finish_new_root(const struct plan_rootfs *r)
{
	struct statvfs sv;
	if (r->rootfs_propagation && mount(NULL, "/", NULL, r->rootfs_propagation, NULL) < 0)
		fail("set rootfs propagation", "/", errno);
	if (!r->readonly_root)
		return;
	if (statvfs("/", &sv) < 0)
		fail("statfs", "/", errno);
	/* keep nosuid/nodev/noexec/atime flags the mount already has */
	if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | (sv.f_flag & ~ST_RDONLY), NULL) < 0)
		fail("remount rootfs read-only", "/", errno);
}

/* the mounts, device nodes and /dev links, in the plan's order */
static void populate_rootfs(const struct plan *p, int rootfd)
{
	const struct plan_rootfs *r = &p->rootfs;
	int i;
	for (i = 0; i < r->nmounts; i++)
		do_mount(rootfd, &r->mounts[i]);
	for (i = 0; i < r->ndevices; i++)
		make_device(rootfd, &r->devices[i], p->scratch, p->scratch_len);
	for (i = 0; i < r->ndevlinks; i++)
		make_link(rootfd, &r->devlinks[i], p->scratch, p->scratch_len);
}

void setup_rootfs(const struct plan *p)
{
	const struct plan_rootfs *r = &p->rootfs;
	int rootfd;

	if (mount(NULL, "/", NULL, r->root_propagation, NULL) < 0)
		fail("set propagation of /", "/", errno);
	if (mount(r->path, r->path, NULL, MS_BIND | MS_REC, NULL) < 0)
		fail("bind mount rootfs", r->path, errno);
	rootfd = open(r->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		fail("open rootfs", r->path, errno);
	populate_rootfs(p, rootfd);
	finish_rootfs(r, rootfd);
	setup_console(p, rootfd);
	remount_dev_readonly(rootfd);
	close(rootfd);
	wait_for_hooks(p);

	if (r->no_pivot)
		move_root(r->path);
	else
		pivot(r->path);
	finish_new_root(r);
}

/* no mount namespace: the container shares the runtime's, so its mounts are
 * made there, onto the rootfs (as runc does; delete unmounts them). No
 * propagation of an existing mount changes and the root is only chrooted. */
void chroot_without_mount_ns(const struct plan *p)
{
	const struct plan_rootfs *r = &p->rootfs;
	int rootfd = open(r->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		fail("open rootfs", r->path, errno);
	populate_rootfs(p, rootfd);
	finish_rootfs(r, rootfd);
	setup_console(p, rootfd);
	remount_dev_readonly(rootfd);
	close(rootfd);
	wait_for_hooks(p);
	if (chroot(r->path) < 0)
		fail("chroot", r->path, errno);
	if (chdir("/") < 0)
		fail("chdir", "/", errno);
}

/* exec: setns(mnt) already made the container's root ours; a container
 * without a mount namespace was only chrooted, and the plan says where to
 * (process.chroot). Then the console, if the process has a terminal. */
void join_container_root(const struct plan *p)
{
	int rootfd;
	if (p->proc.chroot[0] && chroot(p->proc.chroot) < 0)
		fail("chroot", p->proc.chroot, errno);
	if (chdir("/") < 0)
		fail("chdir", "/", errno);
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		fail("open /", "/", errno);
	setup_console(p, rootfd);
	close(rootfd);
}
