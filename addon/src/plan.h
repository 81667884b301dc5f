/* The LaunchPlan in C memory. Filled by plan.c from the JS object before
 * clone(); the child only reads it. See lib/plan/types.ts for the meaning of
 * each field: the TypeScript side decides, this side acts. */
#ifndef RUNTS_PLAN_H
#define RUNTS_PLAN_H

#include <stdint.h>
#include <limits.h>
#include <sys/types.h>
#include <sys/resource.h>

#include "seccomp.h"

struct plan_mount {
	char *destination;
	char *source;
	char *fstype;
	char *data;
	unsigned long flags;
	unsigned long propagation;
	unsigned long remount_flags;
	int is_file;
	uint64_t rec_attr_set, rec_attr_clear;
	/* idmapped mount: "containerID hostID size" lines; the parent makes a
	 * user namespace with them and hands its fd over (-1 for none) */
	char *idmap_uid, *idmap_gid;
	int userns_fd;
	int idmap_recursive; /* ridmap */
	int tmpcopyup;       /* a tmpfs that starts with a copy of what it covers */
	/* a bind mount of a container with a user namespace: the parent opens
	 * the source (O_PATH) in the container's mount namespace, where the
	 * container's root may not reach it, and stage 1 gets the fd */
	int open_source;
	int source_fd; /* that fd in the child, -1 until then */
};

struct plan_join {
	int flag;
	char *path;
};

struct plan_devlink {
	char *target;
	char *path;
};

struct plan_device {
	char *path;
	mode_t mode;
	unsigned int major, minor;
	uid_t uid;
	gid_t gid;
	int bind;
};

struct plan_sysctl {
	char *path;
	char *value;
};

struct plan_rlimit {
	int resource;
	struct rlimit64 lim;
};

#define PLAN_CPU_WORDS 16 /* 1024 CPUs or NUMA nodes */
#define PLAN_SCRATCH_LEN (2 * PATH_MAX + 64)
#define PLAN_MAX_IDMAPS 64 /* idmapped mounts per container */
#define IDMAP_FD_BASE 512 /* where the parent puts their user namespace fds */

/* process attributes applied right before exec (personality, scheduling,
 * I/O priority, CPU affinity, memory policy) and the time offsets */
struct plan_attrs {
	long personality; /* -1 to leave */
	int sched_set;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	int ioprio; /* -1 to leave */
	int naff_initial, naff_final; /* words used, 0 to leave */
	uint64_t aff_initial[PLAN_CPU_WORDS], aff_final[PLAN_CPU_WORDS];
	int mempolicy_mode; /* -1 to leave; mode | flags */
	int nmempolicy_nodes;
	uint64_t mempolicy_nodes[PLAN_CPU_WORDS];
	char *time_offsets; /* for /proc/self/timens_offsets, "" to leave */
};

/* The plan's sections (lib/plan/types.ts): what namespaces the child makes or
 * joins, the root file system it sets up (absent for exec), the process it
 * becomes, and how it synchronises with the parent. */
struct plan_namespaces {
	int clone_flags;
	int njoins;
	struct plan_join *joins; /* user first, mount last */
	char *uid_map, *gid_map, *setgroups;
	/* rootless: newuidmap/newgidmap writes the map ("" to write it directly) */
	char *uid_map_tool, *gid_map_tool;
	/* rootless: stage 1 is dumpable while its maps are written (its /proc
	 * files are root's otherwise, which an unprivileged parent cannot open) */
	int dumpable_for_maps;
	char *hostname, *domainname; /* "" to leave */
	/* a cgroup namespace the init joins itself once it sits in its cgroups
	 * ("" for none; lib/plan/joins.ts): stage 1 opens it with the other
	 * namespace paths and keeps the runtime's own, so it may clone the init
	 * into its v2 cgroup (plan_sync.cgroup_into) */
	char *cgroup_after_placement;
	int cgroup_after_placement_fd;
};

struct plan_rootfs {
	char *path;
	unsigned long root_propagation, rootfs_propagation;
	int readonly_root, no_pivot;
	int nmounts;
	struct plan_mount *mounts;
	int ndevlinks;
	struct plan_devlink *devlinks;
	int ndevices;
	struct plan_device *devices;
	int nsysctls;
	struct plan_sysctl *sysctls;
	int nreadonly, nmasked;
	char **readonly_paths;
	char **masked_paths;
};

struct plan_process {
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t *groups;
	int umask; /* -1 to leave */
	uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
	int last_cap;
	int no_new_privileges;
	int oom_score_adj; /* -1001 to leave */
	int nrlimits;
	struct plan_rlimit *rlimits;
	/* a new session keyring of this name, so the container cannot see the
	 * host's keys (exec: the container's, joined by name); "" for none
	 * (--no-new-keyring) */
	char *session_keyring;
	/* exec into a container without a mount namespace: the root to chroot
	 * to; "" when the joined mount namespace already has it */
	char *chroot;

	/* process.terminal: make a pty and send its master over the console
	 * socket (plan_sync.console_fd) */
	int terminal;
	unsigned short console_rows, console_cols;

	char *cwd;
	char **argv; /* NULL-terminated */
	char **envp; /* NULL-terminated */
	char *search_path;
	/* "exec <profile>" for the helper to write to
	 * /proc/thread-self/attr/<exec_label_attr>; "" for none (lsm.c) */
	char *exec_label;
	char *exec_label_attr;
	int preserve_fds;
	struct plan_attrs attrs;
	/* linux.seccomp, built into BPF by the parent; insns NULL for none */
	struct seccomp_prep seccomp;
};

/* one startContainer hook (lib/plan/hooks.ts); the init runs it */
struct plan_hook {
	char *path;  /* absolute, in the container's root */
	char **argv; /* NULL-terminated, at least one element */
	char **envp; /* NULL-terminated */
	int timeout; /* seconds, 0 for none */
};

#define PLAN_MAX_START_HOOKS 256
#define PLAN_MAX_STATE (16 << 20) /* the state JSON a hook reads on stdin */

#define PLAN_MAX_CGROUP_TASKS 32 /* v1 hierarchies (the kernel has 14 controllers) */

struct plan_sync {
	/* How the init gets into its cgroups without the parent writing its pid
	 * into cgroup.procs: such a write moves another process, which takes
	 * the global cgroup_threadgroup_rwsem for writing and so waits for an
	 * RCU grace period (8-30 ms measured here, most of a create). A thread
	 * that moves itself into a v1 hierarchy through `tasks` takes no global
	 * lock, and a child cloned into a v2 cgroup (CLONE_INTO_CGROUP) is
	 * never migrated. docs/DESIGN.md "Cgroup placement". */
	/* v1 `tasks` files, opened by the parent before clone (the kernel checks
	 * the opener's credentials); the init writes "0" into each first thing */
	int ncgroup_tasks;
	char **cgroup_tasks;
	int cgroup_tasks_fd[PLAN_MAX_CGROUP_TASKS];
	/* the v2 directory stage 1 clones the init into, "" for none; opened by
	 * the parent. On a kernel without clone3 or CLONE_INTO_CGROUP, stage 1
	 * clones as before and the parent writes the pid into its cgroup.procs. */
	char *cgroup_into;
	int cgroup_into_fd;
	/* cgroup.procs files the parent writes the init's pid into (where stage
	 * 1 cannot clone into the cgroup: lib/cgroups/join.ts) */
	int ncgroup_procs;
	char **cgroup_procs;
	char *fifo_path;
	int fifo_fd; /* opened by the parent before clone, -1 for none */
	/* stop before the pivot so the runtime can run prestart, createRuntime
	 * and createContainer hooks */
	int pause_for_hooks;
	/* a socket the parent connected to --console-socket, or a socketpair
	 * whose other end the parent reads (a foreground run); -1 for none */
	char *console_socket;
	int console_fd;
	/* startContainer hooks, run by the init between the exec fifo and the
	 * execve (hooks.c); the state for their stdin comes through the fifo,
	 * at most state_max bytes, and the outcome goes to hooks_fd */
	int nstart_hooks;
	struct plan_hook *start_hooks;
	int state_max;
	char *hooks_fifo_path;
	int hooks_fd; /* opened O_RDWR by the parent before clone, -1 for none */
};

struct plan {
	struct plan_namespaces ns;
	/* exec: a process joins a running container; nothing of the container
	 * is set up again, and rootfs is all zero */
	int exec;
	struct plan_rootfs rootfs;
	struct plan_process proc;
	struct plan_sync sync;
	/* scratch space prepared by the parent so the child never allocates */
	char *scratch;
	size_t scratch_len;
};

/* Does the sealed exec helper load the container's seccomp filter, after
 * its wait on the exec fifo and right before its execve of the program,
 * rather than the init before READY? For a create's late filter under
 * no_new_privs (no capability needed, whatever the execve leaves): then the
 * profile need allow only the execve, and the created init is the helper.
 * Not with startContainer hooks (they run under the filter, hooks.c), not
 * for a notify filter (its fd must reach the agent during create, while a
 * runtime process exists to send it), not for exec (its parent reports a
 * load error as runc's "exec failed"). */
static inline int plan_filter_in_helper(const struct plan *p)
{
	const struct seccomp_prep *s = &p->proc.seccomp;
	return p->sync.fifo_fd >= 0 && p->sync.nstart_hooks == 0 && s->insns != NULL && !s->early &&
	       p->proc.no_new_privileges && (s->listener_path == NULL || s->listener_path[0] == 0);
}

/* Does the init wait on the exec fifo itself (and exec the sealed helper only
 * after start) rather than leave the wait to the helper? With startContainer
 * hooks it runs them (hooks.c). With a seccomp filter the init loaded late
 * (after its last prctl: a notify filter, or CAP_SYS_ADMIN kept without
 * no_new_privs) the helper could not make itself non-dumpable: the profile
 * need not allow prctl there. The init and the parent (spawn.c) ask the same
 * question. */
static inline int plan_init_waits_itself(const struct plan *p)
{
	return p->sync.fifo_fd >= 0 &&
	       (p->sync.nstart_hooks > 0 ||
		(p->proc.seccomp.insns != NULL && !p->proc.seccomp.early && !plan_filter_in_helper(p)));
}

/* Messages on the SOCK_SEQPACKET sync socket between parent and child. */
enum sync_type {
	SYNC_NEED_MAPS = 1, /* stage1 -> parent: write my uid/gid maps */
	SYNC_MAPS_DONE,     /* parent -> stage1 */
	SYNC_INIT_PID,      /* stage1 -> parent: the init's pid in the parent's pid ns;
			     * err: why the init is not in cgroup_into (0: it is) */
	SYNC_GO,            /* parent -> init: placed in cgroups, go on */
	SYNC_READY,         /* init -> parent: set up, about to exec the helper */
	SYNC_HOOKS,         /* init -> parent: mounted, not pivoted: run the create hooks */
	SYNC_HOOKS_DONE,    /* parent -> init */
	SYNC_ERROR,         /* either -> parent: {step, path, err} */
	SYNC_SECCOMP_FD,    /* init -> parent: the seccomp notify fd (SCM_RIGHTS) */
	SYNC_NEED_SOURCES,  /* stage1 -> parent: in my namespaces, open the bind sources */
	SYNC_SOURCE_FD,     /* parent -> stage1: pid = mount index, the source fd (SCM_RIGHTS) */
	SYNC_SOURCES_DONE,  /* parent -> stage1 */
	SYNC_HELPER_RUNNING, /* helper -> parent, after READY: the init is the sealed
			      * exec helper now (a one-byte record, exec-helper.h) */
};

struct sync_msg {
	int type;
	int pid;
	int err;
	char step[48];
	char path[464];
};

/* runs in the forked child; never returns */
void child_stage1(struct plan *p, int syncfd, pid_t parent) __attribute__((noreturn));

#endif
