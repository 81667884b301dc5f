/* The container's root: propagation of /, the rootfs bind, every mount,
 * device and restriction under it (through one dirfd), the console, the
 * create hooks' pause, then the new root (pivot_root, or MS_MOVE with
 * --no-pivot) and its final propagation and read-only remount. exec only
 * joins the root the container already has. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"

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

static void move_root(const char *rootfs)
{
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

void setup_rootfs(const struct plan *p)
{
	const struct plan_rootfs *r = &p->rootfs;
	int rootfd, i;

	if (mount(NULL, "/", NULL, r->root_propagation, NULL) < 0)
		fail("set propagation of /", "/", errno);
	if (mount(r->path, r->path, NULL, MS_BIND | MS_REC, NULL) < 0)
		fail("bind mount rootfs", r->path, errno);
	rootfd = open(r->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		fail("open rootfs", r->path, errno);
	for (i = 0; i < r->nmounts; i++)
		do_mount(rootfd, &r->mounts[i]);
	for (i = 0; i < r->ndevices; i++)
		make_device(rootfd, &r->devices[i], p->scratch, p->scratch_len);
	for (i = 0; i < r->ndevlinks; i++)
		make_link(rootfd, &r->devlinks[i], p->scratch, p->scratch_len);
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

/* no mount namespace: only the root changes (the plan has no mounts) */
void chroot_without_mount_ns(const struct plan *p)
{
	const struct plan_rootfs *r = &p->rootfs;
	int rootfd = open(r->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		fail("open rootfs", r->path, errno);
	finish_rootfs(r, rootfd);
	setup_console(p, rootfd);
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
