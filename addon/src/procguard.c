/* A mount destination that lands on a procfs although the config did not
 * name a path under /proc: an image symlink (/sneaky -> /proc/sys/...) took
 * it there after the plan checked the declared path (runc's checkProcMount,
 * lib/plan/procmount.ts). Mounting over a procfs file lets a config redirect
 * the runtime's writes or the container's view (CVE-2019-19921, 2023-27561,
 * 2025-52881's class), so such a mount fails. */
#include <errno.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/statfs.h>

#include "child.h"
#include "procguard.h"

static int declared_in_proc(const char *dest)
{
	return !strcmp(dest, "/proc") || !strncmp(dest, "/proc/", 6);
}

void check_mount_target(int fd, const char *destination)
{
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0)
		fail("statfs mount destination", destination, errno);
	if (sfs.f_type == PROC_SUPER_MAGIC && !declared_in_proc(destination))
		fail("mount destination resolves into /proc", destination, EXDEV);
}
