/* The terminal's files inside the rootfs, checked before use: /dev/console
 * never through a symlink (CVE-2025-52565: runc's os.Create followed one and
 * bound the pty over the link's target), and the pty must come from the
 * container's own devpts at /dev/pts, whatever /dev/ptmx in the image is. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "child.h"
#include "ptycheck.h"

int open_console_target(int rootfd, char *scratch, size_t scratch_len)
{
	const char *name;
	struct stat st;
	int pfd = open_parent_in_root(rootfd, "/dev/console", 1, scratch, scratch_len, &name, "create /dev/console");
	int fd = openat(pfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* O_EXCL|O_NOFOLLOW: made by this call, never through a link that appeared */
		int made = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (made < 0)
			fail("create /dev/console", "/dev/console", errno);
		close(made);
		fd = openat(pfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		fail("open /dev/console", "/dev/console", errno);
	if (fstat(fd, &st) < 0)
		fail("stat /dev/console", "/dev/console", errno);
	if (S_ISLNK(st.st_mode))
		fail("a symlink is in the console's place", "/dev/console", ELOOP);
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		fail("a different file is in the console's place", "/dev/console", EEXIST);
	close(pfd);
	return fd;
}

void check_container_pty(int rootfd, int slave)
{
	struct statfs sfs;
	struct stat pts, pty;
	int fd = open_in_root(rootfd, "/dev/pts", O_PATH | O_DIRECTORY);
	if (fd < 0)
		fail("open the container's devpts", "/dev/pts", errno);
	if (fstatfs(fd, &sfs) < 0 || fstat(fd, &pts) < 0)
		fail("stat the container's devpts", "/dev/pts", errno);
	close(fd);
	if (sfs.f_type != DEVPTS_SUPER_MAGIC)
		fail("the container's /dev/pts is not a devpts", "/dev/pts", EXDEV);
	if (fstat(slave, &pty) < 0)
		fail("stat pty slave", "/dev/ptmx", errno);
	if (pty.st_dev != pts.st_dev)
		fail("the pty is not from the container's devpts", "/dev/ptmx", EXDEV);
}
