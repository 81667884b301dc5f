/* The mounts of plan.rootfs.mounts, each onto a destination resolved inside
 * the rootfs and reached through /proc/self/fd/N: plain and bind mounts,
 * idmapped binds (the new mount API), tmpfs with tmpcopyup, propagation and
 * recursive mount attributes. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procguard.h"
#include "child.h"
#include "util.h"

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif

/* A bind mount whose ids go through a user namespace (mount uidMappings /
 * gidMappings): a detached copy of the source tree is idmapped, then moved
 * onto the destination (the new mount API; mount(2) cannot do it). */
static void idmapped_bind(const struct plan_mount *m, int target_fd)
{
	struct mount_attr attr;
	/* the source the runtime opened for a user namespace (sources.c), or its path */
	int tree = (int)syscall(SYS_open_tree, m->source_fd >= 0 ? m->source_fd : AT_FDCWD, m->source_fd >= 0 ? "" : m->source,
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((m->flags & MS_REC) ? AT_RECURSIVE : 0) |
				    (m->source_fd >= 0 ? AT_EMPTY_PATH : 0));
	if (tree < 0)
		fail("open_tree for idmapped mount", m->source, errno);
	memset(&attr, 0, sizeof(attr));
	attr.attr_set = MOUNT_ATTR_IDMAP;
	attr.userns_fd = (uint64_t)m->userns_fd;
	/* "ridmap": every mount of the copied tree; "idmap": its top only */
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (m->idmap_recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
		fail("idmap mount", m->destination, errno);
	if (syscall(SYS_move_mount, tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		fail("move idmapped mount", m->destination, errno);
	close(tree);
}

#ifndef SYS_getdents64
#define SYS_getdents64 217
#endif

struct dirent64_raw {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* tmpcopyup: copies the tree under `from` into `to` (both directory fds),
 * keeping modes and owners; symlinks are copied as links, never followed.
 * No allocation: getdents64 into a stack buffer, one level per call. */
static void copy_tree(int from, int to, const char *dest, int depth)
{
	char buf[2048], lnk[PATH_MAX];
	long n;
	if (depth > 64)
		fail("tmpcopyup: directory tree too deep", dest, ELOOP);
	while ((n = syscall(SYS_getdents64, from, buf, sizeof(buf))) > 0) {
		long off;
		for (off = 0; off < n;) {
			struct dirent64_raw *d = (struct dirent64_raw *)(buf + off);
			const char *name = d->d_name;
			struct stat st;
			off += d->d_reclen;
			if (!strcmp(name, ".") || !strcmp(name, ".."))
				continue;
			if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				fail("tmpcopyup: stat", dest, errno);
			if (S_ISDIR(st.st_mode)) {
				int a, b;
				if (mkdirat(to, name, st.st_mode & 07777) < 0 && errno != EEXIST)
					fail("tmpcopyup: mkdir", dest, errno);
				a = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				b = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (a < 0 || b < 0)
					fail("tmpcopyup: open directory", dest, errno);
				copy_tree(a, b, dest, depth + 1);
				if (fchown(b, st.st_uid, st.st_gid) < 0 || fchmod(b, st.st_mode & 07777) < 0)
					fail("tmpcopyup: chown", dest, errno);
				close(a);
				close(b);
			} else if (S_ISREG(st.st_mode)) {
				int a = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
				int b = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777);
				ssize_t r;
				if (a < 0 || b < 0)
					fail("tmpcopyup: open file", dest, errno);
				while ((r = read(a, lnk, sizeof(lnk))) > 0)
					if (write(b, lnk, (size_t)r) != r)
						fail("tmpcopyup: write", dest, errno);
				if (r < 0)
					fail("tmpcopyup: read", dest, errno);
				if (fchown(b, st.st_uid, st.st_gid) < 0 || fchmod(b, st.st_mode & 07777) < 0)
					fail("tmpcopyup: chown", dest, errno);
				close(a);
				close(b);
			} else if (S_ISLNK(st.st_mode)) {
				ssize_t r = readlinkat(from, name, lnk, sizeof(lnk) - 1);
				if (r < 0)
					fail("tmpcopyup: readlink", dest, errno);
				lnk[r] = 0;
				if (symlinkat(lnk, to, name) < 0 || fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
					fail("tmpcopyup: symlink", dest, errno);
			} else {
				if (mknodat(to, name, st.st_mode, st.st_rdev) < 0 ||
				    fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
					fail("tmpcopyup: mknod", dest, errno);
			}
		}
	}
	if (n < 0)
		fail("tmpcopyup: read directory", dest, errno);
}

/* flags of a read-only mount at /dev, mounted read-write until /dev is
 * complete (0: none): devices, links, /dev/pts and the console go in first */
static unsigned long g_dev_ro_flags;

static int is_dev(const char *dest)
{
	while (*dest == '/')
		dest++;
	return !strncmp(dest, "dev", 3) && (dest[3] == 0 || (dest[3] == '/' && dest[4] == 0));
}

/* as runc (finalizeRootfs): a read-only /dev becomes so once it is complete */
/* The flags of the mount `fd` is on that the kernel locks in a user namespace
 * that does not own the mount (nosuid, nodev, noexec, ro, and the atime
 * flags when the remount names none): MS_* bits. */
static unsigned long locked_flags(int fd, unsigned long asked)
{
	struct statvfs sv;
	unsigned long f = 0;
	if (fstatvfs(fd, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_RDONLY)
		f |= MS_RDONLY;
	if (!(asked & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME))) {
		if (sv.f_flag & ST_NOATIME)
			f |= MS_NOATIME;
		if (sv.f_flag & ST_RELATIME)
			f |= MS_RELATIME;
		if (sv.f_flag & ST_NODIRATIME)
			f |= MS_NODIRATIME;
	}
	return f;
}

/* A bind mount's own flags (ro, nosuid...) need a remount. In a user
 * namespace the kernel refuses (EPERM) one that would clear a flag the source
 * mount has locked (a rootless container binding a nosuid host mount `ro`):
 * then the locked flags are kept and the remount tried once more, so the
 * mount gets what was asked plus what it cannot lose. As root nothing is
 * locked and the first remount does exactly what the config says. */
static void remount_bind(int fd, const char *target, const struct plan_mount *m)
{
	unsigned long flags = MS_BIND | MS_REMOUNT | m->remount_flags;
	if (mount(NULL, target, NULL, flags, NULL) == 0)
		return;
	if (errno != EPERM || mount(NULL, target, NULL, flags | locked_flags(fd, m->remount_flags), NULL) < 0)
		fail("remount bind mount", m->destination, errno);
}

void remount_dev_readonly(int rootfd)
{
	char target[FD_PATH_LEN];
	int fd;
	if (!g_dev_ro_flags)
		return;
	fd = open_in_root(rootfd, "/dev", O_PATH);
	if (fd < 0)
		fail("open mount", "/dev", errno);
	fd_path(target, fd);
	if (mount(NULL, target, NULL, MS_REMOUNT | g_dev_ro_flags, NULL) < 0 &&
	    mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | g_dev_ro_flags, NULL) < 0)
		fail("remount read-only", "/dev", errno);
	close(fd);
}

void do_mount(int rootfd, const struct plan_mount *m)
{
	unsigned long flags = m->flags;
	int below = -1; /* tmpcopyup: the directory the tmpfs will cover */
	char target[FD_PATH_LEN], source[FD_PATH_LEN];
	int fd;
	const char *src = m->source[0] ? m->source : NULL;
	int is_bind = (m->flags & MS_BIND) != 0;

	/* a bind source the runtime opened in our mount namespace (sources.c):
	 * the magic link reaches it where the path may not */
	if (is_bind && m->source_fd >= 0)
		src = fd_path(source, m->source_fd);

	if (!is_bind && (!strcmp(m->fstype, "proc") || !strcmp(m->fstype, "sysfs"))) {
		/* procfs/sysfs only on a real directory: a symlinked /proc in the
		 * image must not redirect it (CVE-2019-16884, CVE-2019-19921) */
		const char *rel = m->destination;
		while (*rel == '/')
			rel++;
		fd = (int)openat2_in(rootfd, *rel ? rel : ".", O_PATH | O_CLOEXEC,
				     RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
		if (fd < 0 && errno == ELOOP)
			/* runc's words: its suite and its users match them */
			fail(!strcmp(m->fstype, "proc") ? "proc must be mounted on ordinary directory"
							: "sysfs must be mounted on ordinary directory",
			     m->destination, ELOOP);
		if (fd >= 0)
			close(fd);
	}

	fd = mkpath_in_root(rootfd, m->destination, m->is_file, "create mount destination");
	check_mount_target(fd, m->destination);
	fd_path(target, fd);
	if (m->tmpcopyup) {
		below = open_in_root(rootfd, m->destination, O_RDONLY | O_DIRECTORY);
		if (below < 0)
			fail("tmpcopyup: open", m->destination, errno);
	}
	if (!is_bind && (flags & MS_RDONLY) && is_dev(m->destination)) {
		g_dev_ro_flags = flags;
		flags &= ~(unsigned long)MS_RDONLY;
	}
	if (m->userns_fd >= 0) {
		idmapped_bind(m, fd);
	} else if (mount(src, target, m->fstype[0] ? m->fstype : NULL, flags, m->data[0] ? m->data : NULL) < 0) {
		fail(m->fstype[0] && !is_bind ? "mount" : "bind mount", m->destination, errno);
	}
	if (m->source_fd >= 0)
		close(m->source_fd);
	/* the fd names the directory under the mount: reopen to reach the mount */
	close(fd);
	if (below >= 0) {
		int top = open_in_root(rootfd, m->destination, O_RDONLY | O_DIRECTORY);
		if (top < 0)
			fail("tmpcopyup: open", m->destination, errno);
		copy_tree(below, top, m->destination, 0);
		close(top);
		close(below);
	}
	fd = open_in_root(rootfd, m->destination, O_PATH);
	if (fd < 0)
		fail("open mount", m->destination, errno);
	fd_path(target, fd);
	if (is_bind && m->remount_flags)
		remount_bind(fd, target, m);
	if (m->propagation && mount(NULL, target, NULL, m->propagation, NULL) < 0)
		fail("set mount propagation", m->destination, errno);
	if (m->rec_attr_set || m->rec_attr_clear) {
		struct mount_attr attr;
		memset(&attr, 0, sizeof(attr));
		attr.attr_set = m->rec_attr_set;
		attr.attr_clr = m->rec_attr_clear;
		if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
			fail("set recursive mount options", m->destination, errno);
	}
	close(fd);
}
