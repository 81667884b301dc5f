/* Stage 2: the container's init, from its cgroup placement to execve. The
 * order of the steps is decided here, in C, because it follows from the
 * kernel (docs/DESIGN.md, "Where decisions are made"): each step needs what
 * the one before made (the cgroup namespace needs the cgroup, the mounts the
 * namespaces, the user change comes after what needs capabilities, seccomp
 * as late as the profile allows) and the plan only says what to do. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "child.h"
#include "sealed_exec.h"

/* the root file system: made (create), or joined (exec) */
static void enter_root(const struct plan *p)
{
	if (p->exec)
		join_container_root(p);
	else if (p->ns.clone_flags & CLONE_NEWNS)
		setup_rootfs(p);
	else
		chroot_without_mount_ns(p);
}

/* the sync socket and the exec fifo outlive the init's execve: the helper
 * reports on the one and waits on the other (exec-helper.c) */
static void keep_across_exec(int fd, const char *what)
{
	if (fd >= 0 && fcntl(fd, F_SETFD, 0) < 0)
		fail("keep fd for the sealed exec helper", what, errno);
}

/* execCPUAffinity.final: now that the init sits in the container's cgroup */
static void set_final_affinity(const struct plan_process *pr)
{
	if (pr->attrs.naff_final &&
	    sched_setaffinity(0, (size_t)pr->attrs.naff_final * sizeof(uint64_t), (cpu_set_t *)pr->attrs.aff_final) < 0)
		fail("set final CPU affinity", "", errno);
}

/* Into the container's v1 cgroups, by the init itself: a thread that writes
 * "0" to `tasks` moves only itself (the whole init: it has one thread) and
 * takes no global lock (plan.h). The v2 cgroup it was cloned into. */
static void join_own_cgroups(const struct plan *p)
{
	int i;
	for (i = 0; i < p->sync.ncgroup_tasks; i++) {
		ssize_t n = write(p->sync.cgroup_tasks_fd[i], "0", 1);
		if (n != 1)
			fail("join cgroup", p->sync.cgroup_tasks[i], n < 0 ? errno : EIO);
		close(p->sync.cgroup_tasks_fd[i]);
	}
	if (p->sync.cgroup_into_fd >= 0)
		close(p->sync.cgroup_into_fd);
}

void init_stage2(const struct plan *p)
{
	const struct plan_process *pr = &p->proc;
	struct sealed_exec sealed;
	const char *exe;
	int rc, waits_itself, filter_in_helper;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		fail("set parent death signal", "", errno);
	join_own_cgroups(p);
	expect(SYNC_GO, "wait for cgroup placement");
	if ((p->ns.clone_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		fail("create cgroup namespace", "", errno);
	if (p->ns.cgroup_after_placement_fd >= 0) {
		if (setns(p->ns.cgroup_after_placement_fd, CLONE_NEWCGROUP) < 0)
			fail("join namespace", p->ns.cgroup_after_placement, errno);
		close(p->ns.cgroup_after_placement_fd);
	}
	enter_root(p);
	if (!p->exec)
		set_hostname(&p->ns);
	/* the helper the process is started through (CVE-2019-5736): made
	 * before rlimits (RLIMIT_NOFILE, RLIMIT_FSIZE) and seccomp apply */
	rc = sealed_exec_prepare(&sealed, pr->argv, pr->envp);
	if (rc < 0)
		fail("prepare sealed exec", "", -rc);
	rc = start_hooks_prepare(p, &sealed);
	if (rc < 0)
		fail("prepare startContainer hooks", "", -rc);
	/* a late filter under no_new_privs goes to the helper, which loads it
	 * after the fifo wait, right before the program's execve (plan.h) */
	filter_in_helper = plan_filter_in_helper(p);
	if (filter_in_helper && (rc = sealed_exec_set_filter(&sealed, &pr->seccomp)) < 0)
		fail("prepare seccomp filter", "", -rc);
	/* with startContainer hooks or a late seccomp filter loaded here the
	 * init waits on the fifo itself (plan.h); then the helper only execs.
	 * Else the helper waits. (g_fifo is the plan's fifo_fd, maybe moved by
	 * stage 1.) */
	waits_itself = plan_init_waits_itself(p);
	if (!waits_itself) {
		keep_across_exec(g_sync, "sync socket");
		keep_across_exec(g_fifo, "exec fifo");
	}
	set_rlimits(pr);
	/* without no_new_privs the kernel takes a filter only from a holder of
	 * CAP_SYS_ADMIN: when the container keeps none, load it now (plan.early) */
	if (pr->seccomp.insns && pr->seccomp.early)
		load_seccomp(pr);
	join_session_keyring(pr);
	apply_attrs(pr);
	cwd_before_user(pr);
	set_user_and_caps(pr, &p->ns);
	set_umask_and_cwd(pr, p->scratch);
	if (pr->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail("set no_new_privs", "", errno);
	exe = find_executable(pr, p->scratch);
	/* as the process's user, which the helper's write will be made as */
	prepare_exec_label(pr, &sealed);
	start_hooks_label(p, &sealed);
	set_final_affinity(pr);
	/* from here on the runtime may exit: the init must outlive it */
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		fail("clear parent death signal", "", errno);
	/* as late as possible, so the profile need not allow the runtime's own
	 * set-up; still before READY and the fifo wait, so a notify fd reaches the
	 * agent during create and a load error fails create (docs/DESIGN.md) */
	if (pr->seccomp.insns && !pr->seccomp.early && !filter_in_helper)
		load_seccomp(pr);
	send_msg(SYNC_READY, 0, 0, "", "");
	if (waits_itself) {
		/* runc's order: the fifo, then startContainer hooks with
		 * everything above in force, then the execve */
		close(g_sync);
		g_sync = -1;
		if (p->sync.nstart_hooks > 0)
			run_start_hooks(p, g_fifo, pr->seccomp.insns != NULL);
		else
			wait_for_start(g_fifo);
		g_fifo = -1; /* read to its end and closed */
	}
	/* otherwise the fifo wait is the helper's: a created container's init
	 * is that small program, not this fork of the runtime */
	exec_container_process(exe, &sealed, pr->seccomp.insns != NULL && !filter_in_helper);
}
