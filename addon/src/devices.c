/* Device nodes (linux.devices and the default ones) and the /dev symlinks,
 * made after the mounts, inside the rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

void make_device(int rootfd, const struct plan_device *d, char *scratch, size_t scratch_len)
{
	char target[FD_PATH_LEN];
	const char *name;
	struct stat st;
	int pfd = open_parent_in_root(rootfd, d->path, 1, scratch, scratch_len, &name, "create device directory"), fd;
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

void make_link(int rootfd, const struct plan_devlink *l, char *scratch, size_t scratch_len)
{
	const char *name;
	int pfd = open_parent_in_root(rootfd, l->path, 0, scratch, scratch_len, &name, "create symlink");
	if (symlinkat(l->target, pfd, name) < 0 && errno != EEXIST)
		fail("create symlink", l->path, errno);
	close(pfd);
}
