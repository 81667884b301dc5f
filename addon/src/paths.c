/* Paths inside the rootfs: every one is resolved with openat2(RESOLVE_IN_ROOT)
 * against a dirfd of the rootfs, so a symlink in the image can never send a
 * mount, a mknod or a chown out of the rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

long openat2_in(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
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
int open_in_root(int rootfd, const char *path, int flags)
{
	while (*path == '/')
		path++;
	if (*path == 0)
		path = ".";
	return (int)openat2_in(rootfd, path, (uint64_t)flags | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/* mkdir -p of `path` inside the rootfs, the last component a file when
 * is_file; returns an O_PATH fd of it. Each prefix is resolved in the root,
 * so a symlinked component is followed as the container would see it and
 * never leaves the rootfs (CVE-2021-30465); a dangling symlink is followed by
 * making what it points to, inside the root. */
#define MKPATH_MAX_LINKS 8

static int mkpath_depth(int rootfd, const char *path, int is_file, const char *step, int depth);

/* path[0..i) named a dangling symlink in directory pfd (whose path is
 * `parent`): the same path rebuilt through the link's target, made again. */
static int follow_dangling(int rootfd, int pfd, const char *name, const char *parent, const char *path, size_t i,
			   int is_file, const char *step, int depth)
{
	char target[PATH_MAX], next[PATH_MAX];
	size_t plen = s_len(parent), rest = s_len(path) - i, k = 0;
	ssize_t n = readlinkat(pfd, name, target, sizeof(target) - 1);
	if (n < 0)
		return -1; /* not a symlink: it exists, go on */
	target[n] = 0;
	if (depth >= MKPATH_MAX_LINKS)
		fail(step, path, ELOOP);
	if (target[0] != '/') {
		if (plen + 1 + (size_t)n >= sizeof(next))
			fail(step, path, ENAMETOOLONG);
		memcpy(next, parent, plen);
		k = plen;
		next[k++] = '/';
	}
	if (k + (size_t)n + rest >= sizeof(next))
		fail(step, path, ENAMETOOLONG);
	memcpy(next + k, target, (size_t)n);
	memcpy(next + k + n, path + i, rest + 1);
	close(pfd);
	return mkpath_depth(rootfd, next, is_file, step, depth + 1);
}

/* makes the missing component path[j..i) of `path`; returns an fd of the end
 * of the path when a dangling symlink was followed, else -1 */
static int make_component(int rootfd, const char *path, size_t j, size_t i, int last, int is_file, const char *step,
			  int depth)
{
	char parent[PATH_MAX], name[NAME_MAX + 1];
	int pfd, rc;
	if (i - j > NAME_MAX)
		fail(step, path, ENAMETOOLONG);
	memcpy(parent, path, j > 0 ? j - 1 : 0);
	parent[j > 0 ? j - 1 : 0] = 0;
	pfd = open_in_root(rootfd, j > 1 ? parent : "/", O_PATH | O_DIRECTORY);
	if (pfd < 0)
		fail(step, path, errno);
	memcpy(name, path + j, i - j);
	name[i - j] = 0;
	if (last && is_file) {
		rc = openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (rc >= 0)
			close(rc);
	} else {
		rc = mkdirat(pfd, name, 0755);
	}
	if (rc < 0 && errno == EEXIST) {
		int fd = follow_dangling(rootfd, pfd, name, parent, path, i, is_file, step, depth);
		if (fd >= 0)
			return fd;
	} else if (rc < 0) {
		fail(step, path, errno);
	}
	close(pfd);
	return -1;
}

static int mkpath_depth(int rootfd, const char *path, int is_file, const char *step, int depth)
{
	char prefix[PATH_MAX];
	size_t len = s_len(path), i, j;
	int fd;
	if (len >= PATH_MAX)
		fail(step, path, ENAMETOOLONG);
	fd = open_in_root(rootfd, path, O_PATH);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		fail(step, path, errno);
	for (i = 1; i <= len; i++) {
		int last = (i == len);
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
		/* prefix = parent "/" name */
		for (j = i; j > 0 && prefix[j - 1] != '/'; j--)
			;
		fd = make_component(rootfd, path, j, i, last, is_file, step, depth);
		if (fd >= 0)
			return fd;
	}
	fd = open_in_root(rootfd, path, O_PATH);
	if (fd < 0)
		fail(step, path, errno);
	return fd;
}

int mkpath_in_root(int rootfd, const char *path, int is_file, const char *step)
{
	return mkpath_depth(rootfd, path, is_file, step, 0);
}

/* The directory that holds `path` inside the root (made on the way when
 * `create`); *name is set to the last component. The directory's path is
 * copied into scratch: longer than scratch is ENAMETOOLONG, never an
 * overflow (a 9 KB linux.devices[].path once overflowed it). */
int open_parent_in_root(int rootfd, const char *path, int create, char *scratch, size_t scratch_len,
			const char **name, const char *step)
{
	size_t j = s_len(path);
	int pfd;
	while (j > 0 && path[j - 1] != '/')
		j--;
	*name = path + j;
	if (j <= 1) {
		pfd = open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
	} else {
		if (j - 1 >= scratch_len || j - 1 >= PATH_MAX)
			fail(step, path, ENAMETOOLONG);
		memcpy(scratch, path, j - 1);
		scratch[j - 1] = 0;
		pfd = create ? mkpath_in_root(rootfd, scratch, 0, step) : open_in_root(rootfd, scratch, O_PATH | O_DIRECTORY);
	}
	if (pfd < 0)
		fail(step, path, errno);
	return pfd;
}
