/* The bind sources of a container with a user namespace, opened for it by
 * the runtime in the container's mount namespace (sources.c). */
#ifndef RUNTS_SOURCES_H
#define RUNTS_SOURCES_H

#include <sys/types.h>

#include "plan.h"

/* Opens every mount marked open_source in stage1's mount namespace and sends
 * each fd to stage 1 on sock (SYNC_SOURCE_FD, pid = mount index). 0, or -1
 * with *index (-1: joining the namespace, -2: the helper) and *err set. */
int send_mount_sources(const struct plan *p, pid_t stage1, int sock, int *index, int *err);

#endif
