/* Shared by the helper and the addon (addon/src/sealed_exec.c,
 * addon/src/spawn.c). */
#ifndef RUNTS_EXEC_HELPER_H
#define RUNTS_EXEC_HELPER_H

/* argv[0] of the helper when the runtime starts it; a leading \001 so no
 * file name or shebang line means it by accident */
#define SEALED_EXEC_MARKER "\001runts-sealed-exec"

/* the helper's argv: [marker, sync fd or "-", fifo fd or "-", n, label fd,
 * attr, label, filter fd, filter length, filter flags (each "-" for none)];
 * its envp: the
 * container process's n environment entries, then its path and its argv.
 * The program's arguments are not in the helper's argv, so the cmdline of a
 * created container's init (world-readable in /proc) shows none of them;
 * environ is readable only by who may ptrace it, and it is non-dumpable. */
#define SEALED_EXEC_ARG_SYNC 1
#define SEALED_EXEC_ARG_FIFO 2
#define SEALED_EXEC_ARG_NENV 3
/* an LSM exec label to write just before the program's execve (AppArmor's
 * "exec <profile>", addon/src/lsm.c), or "-" in all three: the container's
 * procfs root fd, the attr file under it, the label */
#define SEALED_EXEC_ARG_LABEL_FD 4
#define SEALED_EXEC_ARG_LABEL_ATTR 5
#define SEALED_EXEC_ARG_LABEL 6
/* a seccomp filter to load just before the program's execve, after the fifo
 * wait and the label (a late filter, plan_filter_in_helper in plan.h), or "-"
 * in all three: a sealed memfd holding exactly `length` struct sock_filter
 * (at most SEALED_EXEC_MAX_INSNS), and the seccomp(2) flags, in decimal */
#define SEALED_EXEC_ARG_FILTER_FD 7
#define SEALED_EXEC_ARG_FILTER_LEN 8
#define SEALED_EXEC_ARG_FILTER_FLAGS 9
#define SEALED_EXEC_ARGC 10
/* the kernel's BPF_MAXINSNS, and the size of one struct sock_filter */
#define SEALED_EXEC_MAX_INSNS 4096
#define SEALED_EXEC_INSN_SIZE 8

/* the one-byte record the helper sends on the sync socket once it runs (and,
 * for a create, is non-dumpable and about to wait on the exec fifo): the
 * parent's proof that the runtime's fork is gone. Not a valid first byte of
 * a struct sync_msg (types are small integers, and that record is longer). */
#define SEALED_EXEC_RUNNING 0x5a

#endif
