/* The native child's parts, one file per lifecycle step (docs/DESIGN.md,
 * "The native child"). Everything declared here runs in a process forked
 * from a multi-threaded node: raw system calls and async-signal-safe
 * functions only; no malloc, no stdio, no locks. */
#ifndef RUNTS_CHILD_H
#define RUNTS_CHILD_H

#include <stdint.h>

#include "plan.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

/* The only state the child keeps: fds it was handed by the parent, which
 * close_other_fds may move (child_sync.c). */
extern int g_sync, g_fifo, g_console, g_hooks;

/* child_sync.c: messages to and from the parent on the sync socket */
void send_msg(int type, int pid, int err, const char *step, const char *path);
void fail(const char *step, const char *path, int err) __attribute__((noreturn));
void expect(int type, const char *step);
void write_file(const char *path, const char *data, const char *step);

/* paths.c: every path inside the rootfs is resolved in the root */
long openat2_in(int dirfd, const char *path, uint64_t flags, uint64_t resolve);
int open_in_root(int rootfd, const char *path, int flags);
int mkpath_in_root(int rootfd, const char *path, int is_file, const char *step);
int open_parent_in_root(int rootfd, const char *path, int create, char *scratch, size_t scratch_len,
			const char **name, const char *step);

/* mounts.c: one entry of plan.rootfs.mounts */
void do_mount(int rootfd, const struct plan_mount *m);
void remount_dev_readonly(int rootfd);

/* devices.c: device nodes and /dev symlinks */
void make_device(int rootfd, const struct plan_device *d, char *scratch, size_t scratch_len);
void make_link(int rootfd, const struct plan_devlink *l, char *scratch, size_t scratch_len);

/* restrict.c: sysctls, read-only and masked paths, before the pivot */
void finish_rootfs(const struct plan_rootfs *r, int rootfd);

/* rootfs.c: the whole root file system, and the new root */
void setup_rootfs(const struct plan *p);
void chroot_without_mount_ns(const struct plan *p);
void join_container_root(const struct plan *p);

/* console.c: process.terminal */
void setup_console(const struct plan *p, int rootfd);

/* credentials.c: keyring, attributes, user and capabilities */
void set_hostname(const struct plan_namespaces *ns);
void set_rlimits(const struct plan_process *pr);
void join_session_keyring(const struct plan_process *pr);
void apply_attrs(const struct plan_process *pr);
void set_user_and_caps(const struct plan_process *pr, const struct plan_namespaces *ns);
void cwd_before_user(const struct plan_process *pr);
void set_umask_and_cwd(const struct plan_process *pr, char *scratch);

/* exec.c: the last steps: the executable, seccomp, the sealed exec helper */
const char *find_executable(const struct plan_process *pr, char *buf);

/* lsm.c: process.apparmorProfile, for the sealed exec helper to write */
struct sealed_exec;
void prepare_exec_label(const struct plan_process *pr, struct sealed_exec *se);
void load_seccomp(const struct plan_process *pr);
void wait_for_hooks(const struct plan *p);
void wait_for_start(int fifo);
struct sealed_exec;
/* filtered: a seccomp filter is loaded in this process (not left to the helper) */
void exec_container_process(const char *exe, struct sealed_exec *sealed, int filtered) __attribute__((noreturn));

/* hooks.c: startContainer hooks, between the exec fifo and the execve */
struct sealed_exec;
int start_hooks_prepare(const struct plan *p, const struct sealed_exec *sealed);
void run_start_hooks(const struct plan *p, int fifo, int via_proc);
void start_hooks_label(const struct plan *p, const struct sealed_exec *sealed);

/* init.c: stage 2, the container's init */
void init_stage2(const struct plan *p) __attribute__((noreturn));

#endif
