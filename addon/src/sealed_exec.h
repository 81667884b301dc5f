/* The container's process is started through a sealed copy of a tiny static
 * helper (addon/helper/exec-helper.c), never by an execve from the runtime's
 * own forked process: CVE-2019-5736. docs/DESIGN.md, "CVE-2019-5736". */
#ifndef RUNTS_SEALED_EXEC_H
#define RUNTS_SEALED_EXEC_H

#include <stddef.h>

struct sealed_exec {
	int fd;          /* the helper in a sealed memfd, close-on-exec */
	char **argv;     /* [marker, path, argv[0], ..., NULL], mmap'd */
	size_t argv_len; /* bytes mapped at argv */
};

/* In the child, before rlimits and any seccomp filter apply (it makes a
 * memfd, writes to it and maps memory): 0, or -errno. argv is the container
 * process's, NULL-terminated; it is referred to, not copied. */
int sealed_exec_prepare(struct sealed_exec *se, char *const argv[]);

/* Another program through the same helper (a startContainer hook): its own
 * argv, from's memfd; before seccomp and rlimits too. 0, or -errno. */
int sealed_exec_share(struct sealed_exec *se, const struct sealed_exec *from, char *const argv[]);

/* The child's last step: starts the helper, which execve()s path with the
 * argv given to prepare and envp. Through execveat(fd, "", AT_EMPTY_PATH),
 * or, first when via_proc is set (a seccomp filter is loaded and may deny
 * execveat but must allow execve), through execve("/proc/self/fd/<fd>").
 * Never returns: exit status 127 if neither starts the helper. */
void sealed_exec_run(const struct sealed_exec *se, const char *path, char *const envp[], int via_proc)
	__attribute__((noreturn));

#endif
