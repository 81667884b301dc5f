/* The container's process is started through a sealed copy of a tiny static
 * helper (addon/helper/exec-helper.c), never by an execve from the runtime's
 * own forked process: CVE-2019-5736. docs/DESIGN.md, "CVE-2019-5736". */
#ifndef RUNTS_SEALED_EXEC_H
#define RUNTS_SEALED_EXEC_H

#include <stddef.h>

#include "seccomp.h"

struct sealed_exec {
	int fd;          /* the helper in a sealed memfd, close-on-exec */
	char **argv;     /* [marker, sync, fifo, nenv, NULL], mmap'd */
	char **envp;     /* [env..., path, argv[0], ..., NULL], after argv */
	size_t nenv;
	size_t map_len;  /* bytes mapped at argv */
	char sync[12];   /* the helper's numbers, in decimal */
	char fifo[12];
	char nenv_text[24];
	/* an exec label for the helper to write (sealed_exec_set_label): the
	 * container's /proc, close-on-exec but for the helper's execve; -1 for none */
	int label_procfd;
	const char *label; /* "exec <profile>" */
	char label_procfd_text[12];
	char label_attr[64]; /* under the procfs root: "thread-self/attr/..." */
	/* a late seccomp filter for the helper to load (sealed_exec_set_filter):
	 * a sealed memfd, close-on-exec but for the helper's execve; -1 for none */
	int filter_fd;
	char filter_fd_text[12];
	char filter_len_text[12];
	char filter_flags_text[12];
};

/* In the child, before rlimits and any seccomp filter apply (it makes a
 * memfd, writes to it and maps memory): 0, or -errno. argv and envp are the
 * container process's, NULL-terminated; they are referred to, not copied. */
int sealed_exec_prepare(struct sealed_exec *se, char *const argv[], char *const envp[]);

/* Another program through the same helper (a startContainer hook): its own
 * argv and envp, from's memfd; before seccomp and rlimits too. 0, or -errno. */
int sealed_exec_share(struct sealed_exec *se, const struct sealed_exec *from, char *const argv[], char *const envp[]);

/* The helper will write `label` to `attr` (relative to the procfs root
 * `procfd`, checked by the caller) just before its execve of the program, and
 * close procfd: addon/src/lsm.c. 0, or -ENAMETOOLONG. */
int sealed_exec_set_label(struct sealed_exec *se, int procfd, const char *attr, const char *label);

/* The helper will load s's filter just before its execve of the program,
 * after the fifo wait and the label (docs/DESIGN.md, "seccomp"): the BPF goes
 * into a memfd sealed against any change. In the child before rlimits (it
 * makes an fd and writes it). 0, or -errno. */
int sealed_exec_set_filter(struct sealed_exec *se, const struct seccomp_prep *s);

/* from's label (if any) for another program started through the helper: a
 * startContainer hook runs under the process's AppArmor profile, as runc's
 * hooks, forked after its init wrote the attribute, do */
void sealed_exec_copy_label(struct sealed_exec *se, const struct sealed_exec *from);

/* The child's last step: starts the helper, which reports on sync (an fd
 * without close-on-exec; -1 for none), waits on fifo (likewise; -1 for none:
 * exec, a hook, an init that ran startContainer hooks itself) and
 * execve()s path with the argv and envp given to prepare. Through
 * execveat(fd, "", AT_EMPTY_PATH), or, first when via_proc is set (a seccomp
 * filter is loaded and may deny execveat but must allow execve), through
 * execve("/proc/self/fd/<fd>"). Returns only if neither starts the helper:
 * -errno. */
int sealed_exec_run(struct sealed_exec *se, const char *path, int via_proc, int sync, int fifo);

#endif
