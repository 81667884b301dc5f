/* Stage 1 of the child (a raw clone of node's main thread): a clean process
 * (parent death signal, non-dumpable, signals, fds), then the namespaces:
 * join by path, a new user namespace whose maps the parent writes, the other
 * new ones; then the init is cloned (CLONE_PARENT) and stage 1 exits. Two
 * processes, as runc's nsexec has, because a new pid namespace and joining
 * one by path both only apply to children. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "fdpass.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

static void reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	/* node ignores SIGPIPE and SIGXFSZ; the container must not inherit that */
	for (sig = 1; sig < _NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		(void)sigaction(sig, &sa, NULL); /* EINVAL for glibc-reserved ones is fine */
	}
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		fail("reset signal mask", "", errno);
}

/* Keep 0..2, the preserved fds 3..3+n-1, and the few fds the child itself
 * needs (sync socket, exec fifo, console socket, hooks fifo, the cgroup files
 * it joins by); close the rest so no host fd
 * can reach the container (CVE-2024-21626). A kept fd that sits in the
 * preserved range is moved above it first. */
static void close_other_fds(struct plan *p)
{
	int *own[5 + PLAN_MAX_CGROUP_TASKS] = {&g_sync, &g_fifo, &g_console, &g_hooks, &p->sync.cgroup_into_fd};
	int nown = 5;
	int keep[5 + PLAN_MAX_CGROUP_TASKS + PLAN_MAX_IDMAPS], nkeep = 0, i, j;
	unsigned int first = 3u + (unsigned int)p->proc.preserve_fds, lo;

	/* the cgroup files the init joins by (plan.h) */
	for (i = 0; i < p->sync.ncgroup_tasks; i++)
		own[nown++] = &p->sync.cgroup_tasks_fd[i];
	for (i = 0; i < nown; i++) {
		if (*own[i] >= 0 && *own[i] < (int)first) {
			int nfd = fcntl(*own[i], F_DUPFD_CLOEXEC, (int)first + 3);
			if (nfd < 0)
				fail("move runtime fd", "", errno);
			*own[i] = nfd;
		}
	}
	for (i = 0; i < nown; i++)
		if (*own[i] >= 0)
			keep[nkeep++] = *own[i];
	/* the user namespaces of idmapped mounts: the parent put them at
	 * IDMAP_FD_BASE and up, above any preserved fd */
	for (i = 0; i < p->rootfs.nmounts; i++) {
		if (p->rootfs.mounts[i].userns_fd < 0)
			continue;
		if (p->rootfs.mounts[i].userns_fd < (int)first || nkeep >= (int)(sizeof(keep) / sizeof(keep[0])))
			fail("keep idmap user namespace", p->rootfs.mounts[i].destination, EBADF);
		keep[nkeep++] = p->rootfs.mounts[i].userns_fd;
	}
	for (i = 1; i < nkeep; i++) /* insertion sort of a few */
		for (j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	lo = first;
	for (i = 0; i < nkeep; i++) {
		if ((unsigned int)keep[i] > lo && syscall(SYS_close_range, lo, (unsigned int)keep[i] - 1, 0) < 0)
			fail("close fds", "", errno);
		lo = (unsigned int)keep[i] + 1;
	}
	if (syscall(SYS_close_range, lo, ~0u, 0) < 0)
		fail("close fds", "", errno);
	/* node marks its stdio close-on-exec; the container must get them */
	for (i = 0; i < (int)first; i++) {
		int fl = fcntl(i, F_GETFD);
		if (fl >= 0 && (fl & FD_CLOEXEC) && fcntl(i, F_SETFD, fl & ~FD_CLOEXEC) < 0)
			fail("keep stdio", "", errno);
	}
}

/* oom_score_adj and execCPUAffinity.initial: before the init joins the
 * container's cgroup */
static void set_initial_attrs(const struct plan_process *pr)
{
	char buf[16];
	if (pr->attrs.naff_initial &&
	    sched_setaffinity(0, (size_t)pr->attrs.naff_initial * sizeof(uint64_t), (cpu_set_t *)pr->attrs.aff_initial) < 0)
		fail("set initial CPU affinity", "", errno);
	if (pr->oom_score_adj != -1001)
		write_file("/proc/self/oom_score_adj", int_to_str(buf, sizeof(buf), pr->oom_score_adj), "set oom_score_adj");
}

/* join namespaces given by path, user first (the plan orders them); the
 * cgroup namespace the init joins later is opened now, while the path still
 * resolves in the runtime's mount namespace */
static void join_namespaces(struct plan_namespaces *ns)
{
	int i;
	if (ns->cgroup_after_placement[0]) {
		ns->cgroup_after_placement_fd = open(ns->cgroup_after_placement, O_RDONLY | O_CLOEXEC);
		if (ns->cgroup_after_placement_fd < 0)
			fail("open namespace", ns->cgroup_after_placement, errno);
	}
	for (i = 0; i < ns->njoins; i++) {
		int fd = open(ns->joins[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fail("open namespace", ns->joins[i].path, errno);
		if (setns(fd, ns->joins[i].flag) < 0)
			fail("join namespace", ns->joins[i].path, errno);
		close(fd);
	}
}

/* a new user namespace first, its maps written by the parent; then the
 * others, except cgroup: the init makes that once it sits in its cgroup */
static void create_namespaces(const struct plan_namespaces *ns, const struct plan_process *pr)
{
	int rest;
	if (ns->clone_flags & CLONE_NEWUSER) {
		if (unshare(CLONE_NEWUSER) < 0)
			fail("create user namespace", "", errno);
		/* rootless, as runc's nsexec: dumpable only while the maps are
		 * written, before anything of the container exists; only the
		 * caller's own processes could reach it meanwhile */
		if (ns->dumpable_for_maps && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
			fail("set dumpable for id mappings", "", errno);
		send_msg(SYNC_NEED_MAPS, 0, 0, "", "");
		expect(SYNC_MAPS_DONE, "wait for id mappings");
		if (ns->dumpable_for_maps && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
			fail("set non-dumpable", "", errno);
		if (syscall(SYS_setresgid, 0, 0, 0) < 0)
			fail("become root in user namespace", "setresgid", errno);
		if (syscall(SYS_setresuid, 0, 0, 0) < 0)
			fail("become root in user namespace", "setresuid", errno);
	}
	rest = ns->clone_flags & ~(CLONE_NEWUSER | CLONE_NEWCGROUP);
	if (rest && unshare(rest) < 0)
		fail("create namespaces", "", errno);
	/* linux.timeOffsets: only before the first process enters the namespace */
	if (pr->attrs.time_offsets[0])
		write_file("/proc/self/timens_offsets", pr->attrs.time_offsets, "set time offsets");
}

/* The bind sources the parent opened in our mount namespace (a container
 * with a user namespace: its root may not reach them), one message each, kept
 * above the preserved fds until the init has mounted them (mounts.c). */
static void receive_sources(struct plan *p)
{
	int i, want = 0;
	for (i = 0; i < p->rootfs.nmounts; i++)
		want |= p->rootfs.mounts[i].open_source;
	if (!want)
		return;
	send_msg(SYNC_NEED_SOURCES, 0, 0, "", "");
	for (;;) {
		struct sync_msg m;
		struct plan_mount *pm;
		int fd = -1, nfd;
		ssize_t n = fdpass_recv(g_sync, &m, sizeof(m), &fd, 0);
		if (n != (ssize_t)sizeof(m)) {
			if (fd >= 0)
				close(fd);
			fail("receive mount sources", "sync socket", n < 0 ? (int)-n : EPIPE);
		}
		if (m.type == SYNC_SOURCES_DONE && fd < 0)
			return;
		if (m.type != SYNC_SOURCE_FD || fd < 0 || m.pid < 0 || m.pid >= p->rootfs.nmounts ||
		    !p->rootfs.mounts[m.pid].open_source || p->rootfs.mounts[m.pid].source_fd >= 0) {
			if (fd >= 0)
				close(fd);
			fail("receive mount sources", "sync socket", EPROTO);
		}
		pm = &p->rootfs.mounts[m.pid];
		nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3 + p->proc.preserve_fds);
		if (nfd < 0)
			fail("keep mount source", pm->source, errno);
		close(fd);
		pm->source_fd = nfd;
	}
}

/* clone3's arguments up to .cgroup (CLONE_ARGS_SIZE_VER2), spelled out: the
 * build machine's headers may predate it */
struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* CLONE_PARENT: the init becomes the runtime's child, so `run` can wait for
 * it; a new pid namespace takes effect for this child only. With a v2 cgroup
 * in the plan the init is cloned into it (it is never migrated: plan.h).
 * A kernel without clone3 (ENOSYS) or without CLONE_INTO_CGROUP (E2BIG,
 * EINVAL) refuses before it makes anything: then *into_err says so, the
 * clone is the old one and the parent places the init (spawn.c). Any other
 * refusal is the cgroup's (permissions, pids.max, a threaded or busy cgroup)
 * and fails the spawn as a refused write would; it also came after the new
 * pid namespace's first pid was taken, which leaves that namespace unable to
 * get another. The exit signal of a CLONE_PARENT child is stage 1's own
 * (SIGCHLD), and clone3 wants 0 given for it. */
static long clone_init(const struct plan *p, int *into_err)
{
	struct clone_args_v2 a;
	long pid;
	if (p->sync.cgroup_into_fd >= 0) {
		memset(&a, 0, sizeof(a));
		a.flags = (uint64_t)CLONE_PARENT | CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)p->sync.cgroup_into_fd;
		pid = syscall(SYS_clone3, &a, sizeof(a));
		if (pid >= 0)
			return pid;
		if (errno != ENOSYS && errno != E2BIG && errno != EINVAL)
			fail("join cgroup", p->sync.cgroup_into, errno);
		*into_err = errno;
	}
	return syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
}

void child_stage1(struct plan *p, int syncfd, pid_t parent)
{
	long pid;
	int into_err = 0;
	g_sync = syncfd;
	g_fifo = p->sync.fifo_fd;
	g_console = p->sync.console_fd;
	g_hooks = p->sync.hooks_fd;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		fail("set parent death signal", "", errno);
	if (getppid() != parent)
		_exit(1);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fail("set non-dumpable", "", errno);
	reset_signals();
	close_other_fds(p);
	set_initial_attrs(&p->proc);
	join_namespaces(&p->ns);
	create_namespaces(&p->ns, &p->proc);
	receive_sources(p);

	pid = clone_init(p, &into_err);
	if (pid < 0)
		fail("clone init", "", errno);
	if (pid == 0)
		init_stage2(p);
	send_msg(SYNC_INIT_PID, (int)pid, into_err, "", "");
	_exit(0);
}
