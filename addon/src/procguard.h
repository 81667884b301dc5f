#ifndef RUNTS_PROCGUARD_H
#define RUNTS_PROCGUARD_H

/* fails when `fd` (the resolved destination) is on a procfs but the plan's
 * destination is not under /proc */
void check_mount_target(int fd, const char *destination);

#endif
