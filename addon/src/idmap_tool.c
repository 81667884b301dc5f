/* newuidmap/newgidmap (shadow's uidmap package) for a rootless create whose
 * id mappings an unprivileged process may not write itself (more than its
 * own uid, or ranges from /etc/subuid): the set-uid tool checks the caller's
 * subordinate ranges and writes the map. Runs in the parent (not the forked
 * child), so it may allocate; the tool and the map text come from the plan
 * (TypeScript chose the tool's path and checked the ranges first). */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "idmap_tool.h"

extern char **environ;

#define MAX_MAP_WORDS (3 * 340) /* the kernel takes 340 lines per map */

/* argv = tool, pid, then every word of the map ("inside outside count" lines) */
static char **map_argv(const char *tool, const char *pid, char *words)
{
	char **argv = calloc(MAX_MAP_WORDS + 3, sizeof(char *));
	char *save = NULL, *w;
	int n = 0;
	if (!argv)
		return NULL;
	argv[n++] = (char *)tool;
	argv[n++] = (char *)pid;
	for (w = strtok_r(words, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		if (n >= MAX_MAP_WORDS + 2) {
			free(argv);
			errno = E2BIG;
			return NULL;
		}
		argv[n++] = w;
	}
	argv[n] = NULL;
	return argv;
}

int run_idmap_tool(const char *tool, pid_t pid, const char *map, int *status)
{
	char pidbuf[16];
	char *words = strdup(map);
	char **argv;
	pid_t child;
	int rc, st = 0;
	*status = 0;
	if (!words)
		return -ENOMEM;
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	argv = map_argv(tool, pidbuf, words);
	if (!argv) {
		rc = -errno;
		free(words);
		return rc;
	}
	/* stdio inherited: the tool's own message ("uid range [...] not allowed") reaches the caller */
	rc = posix_spawn(&child, tool, NULL, NULL, argv, environ);
	free(argv);
	free(words);
	if (rc != 0)
		return -rc;
	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*status = st;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EPERM;
}
