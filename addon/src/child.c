/* The native child: everything between clone() and execve().
 *
 * Rules (DESIGN.md, "Rules for the native child"): this code runs in a process
 * forked from a multi-threaded node, so it uses only raw system calls and
 * async-signal-safe functions: no malloc, no stdio, no locks. Every path
 * inside the rootfs is resolved with openat2(RESOLVE_IN_ROOT) against a dirfd
 * of the rootfs, and mounts target /proc/self/fd/N of the resolved fd, so a
 * symlink in the image can never send a mount out of the rootfs. The process
 * stays non-dumpable until execve so nothing in the container can open
 * /proc/<pid>/exe (the host's node binary) or its fds. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <poll.h>
#include <termios.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fdpass.h"
#include "plan.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_pivot_root
#define SYS_pivot_root 155
#endif

/* The only state the child keeps: fds it was handed by the parent, which
 * close_other_fds may move. */
static int g_sync = -1;
static int g_fifo = -1;
static int g_console = -1;

/* ---------- small async-signal-safe helpers ---------- */

static size_t s_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void s_copy(char *dst, size_t cap, const char *src)
{
	size_t i = 0;
	if (cap == 0)
		return;
	for (; src && src[i] && i + 1 < cap; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

/* decimal digits of v into buf (NUL-terminated) */
static void u_to_s(char *buf, unsigned int v)
{
	char digits[12];
	int n = 0, i = 0;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n > 0)
		buf[i++] = digits[--n];
	buf[i] = 0;
}

/* "/proc/self/fd/<fd>" into buf */
static const char *fd_path(char *buf, int fd)
{
	static const char prefix[] = "/proc/self/fd/";
	char digits[16];
	int n = 0;
	size_t i;
	unsigned int v = (unsigned int)fd;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < (int)sizeof(digits));
	for (i = 0; i < sizeof(prefix) - 1; i++)
		buf[i] = prefix[i];
	while (n > 0)
		buf[i++] = digits[--n];
	buf[i] = 0;
	return buf;
}

static void send_msg(int type, int pid, int err, const char *step, const char *path)
{
	struct sync_msg m;
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.pid = pid;
	m.err = err;
	s_copy(m.step, sizeof(m.step), step);
	s_copy(m.path, sizeof(m.path), path);
	/* nothing to do if the parent is gone: we exit right after anyway */
	(void)send(g_sync, &m, sizeof(m), MSG_NOSIGNAL);
}

static void __attribute__((noreturn)) fail(const char *step, const char *path, int err)
{
	send_msg(SYNC_ERROR, 0, err, step, path);
	_exit(1);
}

static void expect(int type, const char *step)
{
	struct sync_msg m;
	ssize_t n;
	do
		n = recv(g_sync, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(m) || m.type != type)
		fail(step, "sync socket", n < 0 ? errno : EPIPE);
}

static long openat2_in(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how;
	memset(&how, 0, sizeof(how));
	how.flags = flags;
	how.mode = 0;
	how.resolve = resolve;
	return syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* Opens `path` (absolute inside the container) under rootfd with symlinks
 * resolved as if rootfd were "/". */
static int open_in_root(int rootfd, const char *path, int flags)
{
	while (*path == '/')
		path++;
	if (*path == 0)
		path = ".";
	return (int)openat2_in(rootfd, path, (uint64_t)flags | O_CLOEXEC,
			       RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/* mkdir -p of `path` inside the rootfs, the last component a file when
 * is_file; returns an O_PATH fd of it. Each prefix is resolved in the root,
 * so a symlinked component is followed as the container would see it and
 * never leaves the rootfs (CVE-2021-30465); a dangling symlink is followed by
 * making what it points to, inside the root. */
#define MKPATH_MAX_LINKS 8

static int mkpath_depth(int rootfd, const char *path, int is_file, const char *step, int depth)
{
	char prefix[PATH_MAX], link[PATH_MAX], next[PATH_MAX];
	size_t len = s_len(path), i;
	int fd;
	if (len >= PATH_MAX)
		fail(step, path, ENAMETOOLONG);
	fd = open_in_root(rootfd, path, O_PATH);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		fail(step, path, errno);
	for (i = 1; i <= len; i++) {
		int last = (i == len), pfd, rc;
		size_t j;
		if (!last && path[i] != '/')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = 0;
		fd = open_in_root(rootfd, prefix, O_PATH);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno != ENOENT)
			fail(step, prefix, errno);
		/* prefix = parent "/" name: split it */
		j = i;
		while (j > 0 && prefix[j - 1] != '/')
			j--;
		prefix[j > 0 ? j - 1 : 0] = 0;
		pfd = open_in_root(rootfd, j > 1 ? prefix : "/", O_PATH | O_DIRECTORY);
		if (pfd < 0)
			fail(step, path, errno);
		memcpy(link, path + j, i - j); /* the name, borrowed buffer */
		link[i - j] = 0;
		if (last && is_file) {
			rc = openat(pfd, link, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (rc >= 0)
				close(rc);
		} else {
			rc = mkdirat(pfd, link, 0755);
		}
		if (rc < 0 && errno == EEXIST) {
			ssize_t n = readlinkat(pfd, link, next, sizeof(next) - 1);
			if (n >= 0) {
				/* a dangling symlink: rebuild the path through its target */
				size_t plen = s_len(prefix), rest = len - i, k = 0;
				next[n] = 0;
				if (depth >= MKPATH_MAX_LINKS)
					fail(step, path, ELOOP);
				if (next[0] != '/') {
					if (plen + 1 + (size_t)n >= sizeof(link))
						fail(step, path, ENAMETOOLONG);
					memcpy(link, prefix, plen);
					k = plen;
					link[k++] = '/';
				}
				if (k + (size_t)n + rest >= sizeof(link))
					fail(step, path, ENAMETOOLONG);
				memcpy(link + k, next, (size_t)n);
				memcpy(link + k + n, path + i, rest + 1);
				close(pfd);
				return mkpath_depth(rootfd, link, is_file, step, depth + 1);
			}
		} else if (rc < 0) {
			fail(step, path, errno);
		}
		close(pfd);
	}
	fd = open_in_root(rootfd, path, O_PATH);
	if (fd < 0)
		fail(step, path, errno);
	return fd;
}

static int mkpath_in_root(int rootfd, const char *path, int is_file, const char *step)
{
	return mkpath_depth(rootfd, path, is_file, step, 0);
}

/* ---------- stage 1: namespaces ---------- */

static void reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	/* node ignores SIGPIPE and SIGXFSZ; the container must not inherit that */
	for (sig = 1; sig < _NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		(void)sigaction(sig, &sa, NULL); /* EINVAL for glibc-reserved ones is fine */
	}
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		fail("reset signal mask", "", errno);
}

/* Keep 0..2, the preserved fds 3..3+n-1, and the few fds the child itself
 * needs (sync socket, exec fifo, console socket); close the rest so no host fd
 * can reach the container (CVE-2024-21626). A kept fd that sits in the
 * preserved range is moved above it first. */
static void close_other_fds(const struct plan *p)
{
	int *own[] = {&g_sync, &g_fifo, &g_console};
	int keep[3 + PLAN_MAX_IDMAPS], nkeep = 0, i, j;
	unsigned int first = 3u + (unsigned int)p->preserve_fds, lo;

	for (i = 0; i < 3; i++) {
		if (*own[i] >= 0 && *own[i] < (int)first) {
			int nfd = fcntl(*own[i], F_DUPFD_CLOEXEC, (int)first + 3);
			if (nfd < 0)
				fail("move runtime fd", "", errno);
			*own[i] = nfd;
		}
	}
	for (i = 0; i < 3; i++)
		if (*own[i] >= 0)
			keep[nkeep++] = *own[i];
	/* the user namespaces of idmapped mounts: the parent put them at
	 * IDMAP_FD_BASE and up, above any preserved fd */
	for (i = 0; i < p->nmounts; i++) {
		if (p->mounts[i].userns_fd < 0)
			continue;
		if (p->mounts[i].userns_fd < (int)first || nkeep >= 3 + PLAN_MAX_IDMAPS)
			fail("keep idmap user namespace", p->mounts[i].destination, EBADF);
		keep[nkeep++] = p->mounts[i].userns_fd;
	}
	for (i = 1; i < nkeep; i++) /* insertion sort of a few */
		for (j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	lo = first;
	for (i = 0; i < nkeep; i++) {
		if ((unsigned int)keep[i] > lo && syscall(SYS_close_range, lo, (unsigned int)keep[i] - 1, 0) < 0)
			fail("close fds", "", errno);
		lo = (unsigned int)keep[i] + 1;
	}
	if (syscall(SYS_close_range, lo, ~0u, 0) < 0)
		fail("close fds", "", errno);
	/* node marks its stdio close-on-exec; the container must get them */
	for (i = 0; i < (int)first; i++) {
		int fl = fcntl(i, F_GETFD);
		if (fl >= 0 && (fl & FD_CLOEXEC) && fcntl(i, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			fail("keep stdio", "", errno);
	}
}

static void write_file(const char *path, const char *data, const char *step)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = s_len(data);
	if (fd < 0)
		fail(step, path, errno);
	if (write(fd, data, len) != (ssize_t)len)
		fail(step, path, errno);
	close(fd);
}

static void init_stage2(const struct plan *p) __attribute__((noreturn));

void child_stage1(const struct plan *p, int syncfd, pid_t parent)
{
	int i, rest;
	long pid;
	g_sync = syncfd;
	g_fifo = p->fifo_fd;
	g_console = p->console_fd;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		fail("set parent death signal", "", errno);
	if (getppid() != parent)
		_exit(1);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fail("set non-dumpable", "", errno);
	reset_signals();
	close_other_fds(p);
	/* execCPUAffinity.initial: before the init joins the container's cgroup */
	if (p->attrs.naff_initial &&
	    sched_setaffinity(0, (size_t)p->attrs.naff_initial * sizeof(uint64_t), (cpu_set_t *)p->attrs.aff_initial) < 0)
		fail("set initial CPU affinity", "", errno);

	if (p->oom_score_adj != -1001) {
		char buf[16];
		int n = 0, v = p->oom_score_adj, neg = v < 0;
		char digits[12];
		int k = 0;
		unsigned int u = (unsigned int)(neg ? -v : v);
		do {
			digits[k++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (neg)
			buf[n++] = '-';
		while (k > 0)
			buf[n++] = digits[--k];
		buf[n] = 0;
		write_file("/proc/self/oom_score_adj", buf, "set oom_score_adj");
	}

	/* join namespaces given by path, user first (the plan orders them) */
	for (i = 0; i < p->njoins; i++) {
		int fd = open(p->joins[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fail("open namespace", p->joins[i].path, errno);
		if (setns(fd, p->joins[i].flag) < 0)
			fail("join namespace", p->joins[i].path, errno);
		close(fd);
	}

	if (p->clone_flags & CLONE_NEWUSER) {
		if (unshare(CLONE_NEWUSER) < 0)
			fail("create user namespace", "", errno);
		send_msg(SYNC_NEED_MAPS, 0, 0, "", "");
		expect(SYNC_MAPS_DONE, "wait for id mappings");
		if (syscall(SYS_setresgid, 0, 0, 0) < 0)
			fail("become root in user namespace", "setresgid", errno);
		if (syscall(SYS_setresuid, 0, 0, 0) < 0)
			fail("become root in user namespace", "setresuid", errno);
	}

	/* the cgroup namespace is made by the init once it sits in its cgroup */
	rest = p->clone_flags & ~(CLONE_NEWUSER | CLONE_NEWCGROUP);
	if (rest && unshare(rest) < 0)
		fail("create namespaces", "", errno);
	/* linux.timeOffsets: only before the first process enters the namespace */
	if (p->attrs.time_offsets[0])
		write_file("/proc/self/timens_offsets", p->attrs.time_offsets, "set time offsets");

	/* CLONE_PARENT: the init becomes the runtime's child, so `run` can wait
	 * for it; a new pid namespace takes effect for this child only. */
	pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		fail("clone init", "", errno);
	if (pid == 0)
		init_stage2(p);
	send_msg(SYNC_INIT_PID, (int)pid, 0, "", "");
	_exit(0);
}

/* ---------- stage 2: the container's init ---------- */

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
	int tree = (int)syscall(SYS_open_tree, AT_FDCWD, m->source,
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((m->flags & MS_REC) ? AT_RECURSIVE : 0));
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

static void do_mount(int rootfd, const struct plan_mount *m, char *scratch)
{
	int below = -1; /* tmpcopyup: the directory the tmpfs will cover */
	char target[32];
	int fd;
	const char *src = m->source[0] ? m->source : NULL;
	int is_bind = (m->flags & MS_BIND) != 0;

	if (!is_bind && (!strcmp(m->fstype, "proc") || !strcmp(m->fstype, "sysfs"))) {
		/* procfs/sysfs only on a real directory: a symlinked /proc in the
		 * image must not redirect it (CVE-2019-16884, CVE-2019-19921) */
		const char *rel = m->destination;
		while (*rel == '/')
			rel++;
		fd = (int)openat2_in(rootfd, *rel ? rel : ".", O_PATH | O_CLOEXEC,
				     RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
		if (fd < 0 && errno == ELOOP)
			fail("mount destination is a symlink", m->destination, ELOOP);
		if (fd >= 0)
			close(fd);
	}

	fd = mkpath_in_root(rootfd, m->destination, m->is_file, "create mount destination");
	fd_path(target, fd);
	if (m->tmpcopyup) {
		below = open_in_root(rootfd, m->destination, O_RDONLY | O_DIRECTORY);
		if (below < 0)
			fail("tmpcopyup: open", m->destination, errno);
	}
	if (m->userns_fd >= 0) {
		idmapped_bind(m, fd);
	} else if (mount(src, target, m->fstype[0] ? m->fstype : NULL, m->flags, m->data[0] ? m->data : NULL) < 0) {
		fail(m->fstype[0] && !is_bind ? "mount" : "bind mount", m->destination, errno);
	}
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
	if (is_bind && m->remount_flags &&
	    mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | m->remount_flags, NULL) < 0)
		fail("remount bind mount", m->destination, errno);
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

/* The directory that holds `path` inside the root (made on the way when
 * `create`); *name is set to the last component. */
static int open_parent_in_root(int rootfd, const char *path, int create, char *scratch, const char **name, const char *step)
{
	size_t j = s_len(path);
	int pfd;
	while (j > 0 && path[j - 1] != '/')
		j--;
	*name = path + j;
	if (j <= 1) {
		pfd = open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
	} else {
		memcpy(scratch, path, j - 1);
		scratch[j - 1] = 0;
		pfd = create ? mkpath_in_root(rootfd, scratch, 0, step) : open_in_root(rootfd, scratch, O_PATH | O_DIRECTORY);
	}
	if (pfd < 0)
		fail(step, path, errno);
	return pfd;
}

static void make_device(int rootfd, const struct plan_device *d, char *scratch)
{
	char target[32];
	const char *name;
	struct stat st;
	int pfd = open_parent_in_root(rootfd, d->path, 1, scratch, &name, "create device directory"), fd;
	if (d->bind) {
		fd = mkpath_in_root(rootfd, d->path, 1, "create device");
		if (mount(d->path, fd_path(target, fd), NULL, MS_BIND, NULL) < 0)
			fail("bind mount device", d->path, errno);
		close(fd);
		close(pfd);
		return;
	}
	if (mknodat(pfd, name, d->mode, makedev(d->major, d->minor)) < 0 && errno != EEXIST)
		fail("mknod device", d->path, errno);
	/* whatever is there now is checked through an fd that never follows a
	 * symlink: an image's /dev/x -> /etc/shadow must not get chowned */
	fd = openat(pfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		fail("open device", d->path, errno);
	if (fstat(fd, &st) < 0)
		fail("stat device", d->path, errno);
	if ((st.st_mode & S_IFMT) != (d->mode & S_IFMT) || (!S_ISFIFO(st.st_mode) && st.st_rdev != makedev(d->major, d->minor)))
		fail("a different file is in the device's place", d->path, EEXIST);
	if (fchownat(fd, "", d->uid, d->gid, AT_EMPTY_PATH) < 0)
		fail("chown device", d->path, errno);
	if (chmod(fd_path(target, fd), d->mode & 07777) < 0)
		fail("chmod device", d->path, errno);
	close(fd);
	close(pfd);
}

static void make_link(int rootfd, const struct plan_devlink *l, char *scratch)
{
	const char *name;
	int pfd = open_parent_in_root(rootfd, l->path, 0, scratch, &name, "create symlink");
	if (symlinkat(l->target, pfd, name) < 0 && errno != EEXIST)
		fail("create symlink", l->path, errno);
	close(pfd);
}

static void pivot(const struct plan *p)
{
	int oldroot, newroot;
	oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0)
		fail("open old root", "/", errno);
	newroot = open(p->rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (newroot < 0)
		fail("open rootfs", p->rootfs, errno);
	if (fchdir(newroot) < 0)
		fail("chdir to rootfs", p->rootfs, errno);
	/* pivot_root(".", ".") stacks the old root on top of the new one; it is
	 * then unmounted lazily without ever needing a directory for it */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		fail("pivot_root", p->rootfs, errno);
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

static void move_root(const struct plan *p)
{
	if (chdir(p->rootfs) < 0)
		fail("chdir to rootfs", p->rootfs, errno);
	if (mount(p->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
		fail("move rootfs to /", p->rootfs, errno);
	if (chroot(".") < 0)
		fail("chroot", p->rootfs, errno);
	if (chdir("/") < 0)
		fail("chdir", "/", errno);
}

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
	char target[32];
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
	char target[32], source[32];
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
static void finish_rootfs(const struct plan *p, int rootfd)
{
	int nullfd = -1, i;
	for (i = 0; i < p->nsysctls; i++)
		write_sysctl(rootfd, &p->sysctls[i]);
	for (i = 0; i < p->nreadonly; i++)
		readonly_path(rootfd, p->readonly_paths[i]);
	for (i = 0; i < p->nmasked; i++) {
		if (nullfd < 0)
			nullfd = open_dev_null(rootfd);
		mask_path(rootfd, nullfd, p->masked_paths[i]);
	}
	if (nullfd >= 0)
		close(nullfd);
}

/* process.terminal: a pty from the container's devpts; the slave becomes
 * stdio, the controlling terminal and /dev/console, the master goes over the
 * console socket (runc's protocol: the name "/dev/ptmx" with SCM_RIGHTS). */
static void setup_console(const struct plan *p, int rootfd)
{
	char target[32], source[32];
	int master, slave, unlock = 0, fd, i;
	if (!p->terminal)
		return;
	if (setsid() < 0)
		fail("setsid", "", errno);
	master = open_in_root(rootfd, "/dev/ptmx", O_RDWR | O_NOCTTY);
	if (master < 0)
		fail("open pty master", "/dev/ptmx", errno);
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		fail("unlock pty", "/dev/ptmx", errno);
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		fail("open pty slave", "/dev/ptmx", errno);
	/* only the owner changes (runc too): the group and mode stay what the
	 * devpts mount gives new ptys (gid=5,mode=620 in the default config), so
	 * the container's user owns its terminal and the tty group may write it */
	if (fchown(slave, p->uid, (gid_t)-1) < 0)
		fail("chown pty slave", "", errno);
	if (p->console_rows && p->console_cols) {
		struct winsize ws;
		memset(&ws, 0, sizeof(ws));
		ws.ws_row = p->console_rows;
		ws.ws_col = p->console_cols;
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			fail("set console size", "", errno);
	}
	if ((p->clone_flags & CLONE_NEWNS) && !p->exec) {
		fd = mkpath_in_root(rootfd, "/dev/console", 1, "create /dev/console");
		if (mount(fd_path(source, slave), fd_path(target, fd), NULL, MS_BIND, NULL) < 0)
			fail("bind mount /dev/console", "/dev/console", errno);
		close(fd);
	}
	/* runc's protocol: the name "/dev/ptmx", the master with SCM_RIGHTS */
	{
		ssize_t n = fdpass_send(g_console, "/dev/ptmx", 9, master);
		if (n < 0)
			fail("send pty master to console socket", "", (int)-n);
	}
	close(master);
	close(g_console);
	g_console = -1;
	for (i = 0; i < 3; i++)
		if (dup2(slave, i) < 0)
			fail("dup pty slave", "", errno);
	if (slave > 2)
		close(slave);
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		fail("set controlling terminal", "", errno);
}

/* The namespaces exist and the mounts are made, the root is not changed yet:
 * runtime.md's moment for prestart, createRuntime and createContainer. */
static void wait_for_hooks(const struct plan *p)
{
	if (!p->pause_for_hooks)
		return;
	send_msg(SYNC_HOOKS, 0, 0, "", "");
	expect(SYNC_HOOKS_DONE, "wait for create hooks");
}

/* exec: setns(mnt) already made the container's root ours; a container
 * without a mount namespace was only chrooted, so chroot the same way. Then
 * the console, if the process has a terminal. */
static void join_container_root(const struct plan *p)
{
	int i, joined_mnt = 0, rootfd;
	for (i = 0; i < p->njoins; i++)
		if (p->joins[i].flag == CLONE_NEWNS)
			joined_mnt = 1;
	if (!joined_mnt) {
		if (chroot(p->rootfs) < 0)
			fail("chroot", p->rootfs, errno);
	}
	if (chdir("/") < 0)
		fail("chdir", "/", errno);
	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		fail("open /", "/", errno);
	setup_console(p, rootfd);
	close(rootfd);
}

static void setup_rootfs(const struct plan *p)
{
	int rootfd, i;
	char *scratch = p->scratch;

	if (mount(NULL, "/", NULL, p->root_propagation, NULL) < 0)
		fail("set propagation of /", "/", errno);
	if (mount(p->rootfs, p->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		fail("bind mount rootfs", p->rootfs, errno);
	rootfd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		fail("open rootfs", p->rootfs, errno);
	for (i = 0; i < p->nmounts; i++)
		do_mount(rootfd, &p->mounts[i], scratch);
	for (i = 0; i < p->ndevices; i++)
		make_device(rootfd, &p->devices[i], scratch);
	for (i = 0; i < p->ndevlinks; i++)
		make_link(rootfd, &p->devlinks[i], scratch);
	finish_rootfs(p, rootfd);
	setup_console(p, rootfd);
	close(rootfd);
	wait_for_hooks(p);

	if (p->no_pivot)
		move_root(p);
	else
		pivot(p);

	if (p->rootfs_propagation && mount(NULL, "/", NULL, p->rootfs_propagation, NULL) < 0)
		fail("set rootfs propagation", "/", errno);
	if (p->readonly_root) {
		struct statvfs sv;
		if (statvfs("/", &sv) < 0)
			fail("statfs", "/", errno);
		/* keep nosuid/nodev/noexec/atime flags the mount already has */
		if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | (sv.f_flag & ~ST_RDONLY), NULL) < 0)
			fail("remount rootfs read-only", "/", errno);
	}
}

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_SETPERM 5
#endif

/* A session keyring of the container's own, as runc makes one: possessor
 * may do everything, the user may view/read/write/search/link/setattr. A
 * kernel without keys (ENOSYS) or one that refuses keyrings to this user
 * namespace (EACCES, EPERM) is not an error, as for runc. */
static void join_session_keyring(const struct plan *p)
{
	long key;
	if (!p->session_keyring[0])
		return;
	key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, p->session_keyring, 0, 0, 0);
	if (key < 0) {
		if (errno == ENOSYS || errno == EACCES || errno == EPERM || errno == EDQUOT)
			return;
		fail("join session keyring", p->session_keyring, errno);
	}
	if (syscall(SYS_keyctl, KEYCTL_SETPERM, key, 0x3f3f0000, 0, 0) < 0)
		fail("set session keyring permissions", p->session_keyring, errno);
}

/* The kernel's struct sched_attr (sched_setattr(2)); glibc has no wrapper. */
struct kernel_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

#ifndef SYS_sched_setattr
#define SYS_sched_setattr 314
#endif
#ifndef SYS_ioprio_set
#define SYS_ioprio_set 251
#endif
#ifndef SYS_set_mempolicy
#define SYS_set_mempolicy 238
#endif

/* personality, scheduler, I/O priority, memory policy: while the init still
 * has its capabilities (real-time classes need them) */
static void apply_attrs(const struct plan *p)
{
	const struct plan_attrs *a = &p->attrs;
	if (a->personality >= 0 && personality((unsigned long)a->personality) < 0)
		fail("set personality", "", errno);
	if (a->sched_set) {
		struct kernel_sched_attr sa;
		memset(&sa, 0, sizeof(sa));
		sa.size = sizeof(sa);
		sa.sched_policy = a->sched_policy;
		sa.sched_flags = a->sched_flags;
		sa.sched_nice = a->sched_nice;
		sa.sched_priority = a->sched_priority;
		sa.sched_runtime = a->sched_runtime;
		sa.sched_deadline = a->sched_deadline;
		sa.sched_period = a->sched_period;
		if (syscall(SYS_sched_setattr, 0, &sa, 0) < 0)
			fail("set scheduler", "", errno);
	}
	if (a->ioprio >= 0 && syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, a->ioprio) < 0)
		fail("set I/O priority", "", errno);
	if (a->mempolicy_mode >= 0 &&
	    syscall(SYS_set_mempolicy, a->mempolicy_mode, a->nmempolicy_nodes ? a->mempolicy_nodes : NULL,
		    a->nmempolicy_nodes ? (unsigned long)a->nmempolicy_nodes * 64 + 1 : 0) < 0)
		fail("set memory policy", "", errno);
}

static int cap_to_data(uint64_t mask, int word)
{
	return (int)(uint32_t)(word == 0 ? mask : mask >> 32);
}

static void set_user_and_caps(const struct plan *p)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
	int i;

	for (i = 0; i <= p->last_cap; i++) {
		if (p->cap_bounding & (1ULL << i))
			continue;
		if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && errno != EINVAL)
			fail("drop bounding capability", "", errno);
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		fail("keep capabilities", "", errno);
	/* raw system calls: glibc's set*id wrappers broadcast to every thread
	 * of node that glibc still believes exists, and wait for them */
	/* with setgroups "deny" in a user namespace the call is refused */
	if (strcmp(p->setgroups, "deny") != 0 && syscall(SYS_setgroups, (size_t)p->ngroups, p->groups) < 0)
		fail("setgroups", "", errno);
	if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
		fail("setgid", "", errno);
	if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
		fail("setuid", "", errno);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		fail("keep capabilities", "", errno);

	memset(&hdr, 0, sizeof(hdr));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = 0;
	for (i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)cap_to_data(p->cap_effective, i);
		data[i].permitted = (uint32_t)cap_to_data(p->cap_permitted, i);
		data[i].inheritable = (uint32_t)cap_to_data(p->cap_inheritable, i);
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		fail("set capabilities", "", errno);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		fail("clear ambient capabilities", "", errno);
	for (i = 0; i <= p->last_cap; i++) {
		/* as runc: an ambient capability missing from the inheritable or
		 * permitted set is not raised, and that is not an error */
		if (p->cap_ambient & (1ULL << i))
			(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0);
	}
}

/* Finds args[0] the way execvp would, so a missing binary is reported by
 * `create` (runc does the same) rather than lost after `start`. */
static const char *find_executable(const struct plan *p, char *buf)
{
	const char *name = p->argv[0];
	const char *dir = p->search_path;
	struct stat st;
	int saw_eacces = 0;
	if (name == NULL || name[0] == 0)
		fail("exec", "", ENOENT);
	if (strchr(name, '/')) {
		if (stat(name, &st) < 0)
			fail("exec", name, errno);
		if (S_ISDIR(st.st_mode))
			fail("exec", name, EACCES);
		if (access(name, X_OK) < 0)
			fail("exec", name, errno);
		return name;
	}
	while (dir && *dir) {
		const char *end = strchr(dir, ':');
		size_t dlen = end ? (size_t)(end - dir) : s_len(dir);
		size_t nlen = s_len(name);
		if (dlen + 1 + nlen + 1 <= PATH_MAX) {
			if (dlen == 0) {
				buf[0] = '.';
				dlen = 1;
			} else {
				memcpy(buf, dir, dlen);
			}
			buf[dlen] = '/';
			memcpy(buf + dlen + 1, name, nlen + 1);
			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
				if (access(buf, X_OK) == 0)
					return buf;
				saw_eacces = 1;
			}
		}
		if (!end)
			break;
		dir = end + 1;
	}
	/* ENOEXEC is borrowed to say "not found in $PATH" to the parent */
	fail("exec", name, saw_eacces ? EACCES : ENOEXEC);
}

static void wait_for_start(int fifo)
{
	struct pollfd pfd;
	char c;
	pfd.fd = fifo;
	pfd.events = POLLIN;
	pfd.revents = 0;
	/* On Linux a FIFO read end with no writer yet polls as not ready until a
	 * writer has come: `start` opens it for writing and writes one byte. */
	for (;;) {
		int rc = poll(&pfd, 1, -1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			_exit(127);
		break;
	}
	(void)read(fifo, &c, 1);
	close(fifo);
}

/* Loads the filter the parent built (seccomp.c); a notify fd goes to the
 * parent, which hands it to the agent at listenerPath with the state. */
static void load_seccomp(const struct plan *p)
{
	struct sync_msg m;
	int listener = -1, rc = seccomp_apply(&p->seccomp, &listener);
	if (rc < 0)
		fail("load seccomp filter", "", -rc);
	if (listener < 0)
		return;
	memset(&m, 0, sizeof(m));
	m.type = SYNC_SECCOMP_FD;
	rc = seccomp_send_fd(g_sync, &m, sizeof(m), listener);
	if (rc < 0)
		fail("send seccomp notify fd", "", -rc);
	close(listener);
}

static void init_stage2(const struct plan *p)
{
	const char *exe;
	int i;
	char *scratch = p->scratch;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		fail("set parent death signal", "", errno);
	expect(SYNC_GO, "wait for cgroup placement");
	if ((p->clone_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		fail("create cgroup namespace", "", errno);

	if (p->exec) {
		join_container_root(p);
	} else if (p->clone_flags & CLONE_NEWNS) {
		setup_rootfs(p);
	} else {
		/* no mount namespace: only the root changes (the plan has no mounts) */
		int rootfd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			fail("open rootfs", p->rootfs, errno);
		finish_rootfs(p, rootfd);
		setup_console(p, rootfd);
		close(rootfd);
		wait_for_hooks(p);
		if (chroot(p->rootfs) < 0)
			fail("chroot", p->rootfs, errno);
		if (chdir("/") < 0)
			fail("chdir", "/", errno);
	}

	if (!p->exec && p->hostname[0] && sethostname(p->hostname, s_len(p->hostname)) < 0)
		fail("sethostname", p->hostname, errno);
	if (!p->exec && p->domainname[0] && setdomainname(p->domainname, s_len(p->domainname)) < 0)
		fail("setdomainname", p->domainname, errno);
	for (i = 0; i < p->nrlimits; i++) {
		if (prlimit64(0, p->rlimits[i].resource, &p->rlimits[i].lim, NULL) < 0) {
			/* runc's words: "error setting rlimit type 7: ..." */
			char what[24] = "type ";
			u_to_s(what + 5, (unsigned int)p->rlimits[i].resource);
			fail("error setting rlimit", what, errno);
		}
	}

	/* without no_new_privs the kernel takes a filter only from a holder of
	 * CAP_SYS_ADMIN: when the container keeps none, load it now (plan.early) */
	if (p->seccomp.insns && p->seccomp.early)
		load_seccomp(p);
	join_session_keyring(p);
	apply_attrs(p);
	set_user_and_caps(p);
	if (p->umask >= 0)
		umask((mode_t)p->umask);
	if (chdir(p->cwd) < 0)
		fail("chdir to cwd", p->cwd, errno);
	/* a cwd outside the root reads as "(unreachable)/..." (CVE-2024-21626) */
	if (syscall(SYS_getcwd, scratch, PATH_MAX) < 0 || scratch[0] != '/')
		fail("chdir to cwd", p->cwd, EPERM);
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail("set no_new_privs", "", errno);
	exe = find_executable(p, scratch);

	/* execCPUAffinity.final: now that the init sits in the container's cgroup */
	if (p->attrs.naff_final &&
	    sched_setaffinity(0, (size_t)p->attrs.naff_final * sizeof(uint64_t), (cpu_set_t *)p->attrs.aff_final) < 0)
		fail("set final CPU affinity", "", errno);
	/* from here on the runtime may exit: the init must outlive it */
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		fail("clear parent death signal", "", errno);
	/* as late as possible, so the profile need not allow the runtime's own
	 * set-up; still before READY and the fifo wait, so a notify fd reaches the
	 * agent during create and a load error fails create (docs/DESIGN.md) */
	if (p->seccomp.insns && !p->seccomp.early)
		load_seccomp(p);
	send_msg(SYNC_READY, 0, 0, "", "");
	close(g_sync);
	if (g_fifo >= 0)
		wait_for_start(g_fifo);
	execve(exe, p->argv, p->envp);
	/* the binary was checked before READY; nothing is left to report to */
	_exit(127);
}
