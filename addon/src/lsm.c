/* process.apparmorProfile: the init (or exec's child) prepares what the
 * sealed exec helper needs to write "exec <profile>" to
 * /proc/thread-self/attr/apparmor/exec just before the program's execve.
 *
 * Why the helper writes it: the attribute applies at the next execve, and
 * the init's next execve is the helper's own (CVE-2019-5736, sealed_exec.c);
 * written here, the profile would confine the helper and reach the program
 * only through the profile's exec rules. runc writes it in its init, whose
 * next execve is the program's; so does the helper. It cannot be handed an
 * open attr file: the kernel takes an attr write only with the credentials
 * of the opener (fs/proc/base.c), and the helper's execve makes new ones.
 *
 * Which /proc: the container's, after the pivot, checked to be the root of
 * a procfs (a tmpfs or a subdirectory mounted over /proc would take the
 * write and leave the process unconfined: CVE-2019-16884); the helper
 * reaches the attr file from it without crossing a mount (a bind of another
 * procfs file over the attr file: CVE-2025-52881). The file is opened here
 * once too, so a kernel or /proc without it fails create, not the start. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "child.h"
#include "sealed_exec.h"

#define PROC_ROOT_INO 1
/* a step is at most 47 bytes (struct sync_msg): the words go in the path */
#define STEP "apply AppArmor profile"

/* "/" is the container's root here: /proc itself, never a link to it.
 * Close-on-exec until sealed_exec_run hands it to the helper, which closes it. */
static int open_proc_root(void)
{
	struct statfs sf;
	struct stat st;
	int fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		fail(STEP ": open", "/proc", errno);
	if (fstatfs(fd, &sf) < 0 || fstat(fd, &st) < 0)
		fail(STEP ": stat", "/proc", errno);
	if (sf.f_type != PROC_SUPER_MAGIC)
		fail(STEP ":", "the container's /proc is not a procfs", EINVAL);
	if (st.st_ino != PROC_ROOT_INO)
		fail(STEP ":", "the container's /proc is not the root of a procfs", EINVAL);
	return fd;
}

/* opens /proc/thread-self/attr/<attr> as the helper will; 0 or -errno */
static int try_attr(int procfd, const char *attr, struct sealed_exec *se, const char *label)
{
	int rc = sealed_exec_set_label(se, procfd, attr, label);
	int fd;
	if (rc < 0)
		return rc;
	fd = (int)openat2_in(procfd, se->label_attr, O_WRONLY | O_CLOEXEC,
			     RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

void prepare_exec_label(const struct plan_process *pr, struct sealed_exec *se)
{
	int procfd, rc;
	if (!pr->exec_label[0])
		return;
	procfd = open_proc_root();
	rc = try_attr(procfd, pr->exec_label_attr, se, pr->exec_label);
	/* kernels before 5.8 have only the shared attr/exec */
	if (rc == -ENOENT)
		rc = try_attr(procfd, "exec", se, pr->exec_label);
	if (rc < 0)
		fail(STEP ": open", se->label_attr, -rc);
}
