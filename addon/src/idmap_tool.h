#ifndef RUNTS_IDMAP_TOOL_H
#define RUNTS_IDMAP_TOOL_H
#include <sys/types.h>

/* Runs `tool pid <words of map>` and waits: 0 when it exited 0, -EPERM when it
 * failed (*status: its wait status), another -errno when it could not start. */
int run_idmap_tool(const char *tool, pid_t pid, const char *map, int *status);

#endif
