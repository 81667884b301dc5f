/* Who the process is: hostname, rlimits, session keyring, process
 * attributes (personality, scheduler, I/O priority, memory policy), groups,
 * uid/gid and capabilities, umask and cwd. In this order: the attributes need
 * the capabilities the user change then drops. */
#include <errno.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

void set_hostname(const struct plan_namespaces *ns)
{
	if (ns->hostname[0] && sethostname(ns->hostname, s_len(ns->hostname)) < 0)
		fail("sethostname", ns->hostname, errno);
	if (ns->domainname[0] && setdomainname(ns->domainname, s_len(ns->domainname)) < 0)
		fail("setdomainname", ns->domainname, errno);
}

void set_rlimits(const struct plan_process *pr)
{
	int i;
	for (i = 0; i < pr->nrlimits; i++) {
		if (prlimit64(0, pr->rlimits[i].resource, &pr->rlimits[i].lim, NULL) < 0) {
			/* runc's words: "error setting rlimit type 7: ..." */
			char what[24] = "type ";
			int_to_str(what + 5, sizeof(what) - 5, pr->rlimits[i].resource);
			fail("error setting rlimit", what, errno);
		}
	}
}

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_SETPERM 5
#endif

/* A session keyring of the container's own, as runc makes one: possessor
 * may do everything, the user may view/read/write/search/link/setattr. A
 * kernel without keys (ENOSYS) or one that refuses keyrings to this user
 * namespace (EACCES, EPERM) is not an error, as for runc. */
void join_session_keyring(const struct plan_process *p)
{
	long key;
	if (!p->session_keyring[0])
		return;
	key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, p->session_keyring, 0, 0, 0);
	if (key < 0) {
		if (errno == ENOSYS || errno == EACCES || errno == EPERM || errno == EDQUOT)
			return;
		fail("join session keyring", p->session_keyring, errno);
	}
	if (syscall(SYS_keyctl, KEYCTL_SETPERM, key, 0x3f3f0000, 0, 0) < 0)
		fail("set session keyring permissions", p->session_keyring, errno);
}

/* The kernel's struct sched_attr (sched_setattr(2)); glibc has no wrapper. */
struct kernel_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

#ifndef SYS_sched_setattr
#define SYS_sched_setattr 314
#endif
#ifndef SYS_ioprio_set
#define SYS_ioprio_set 251
#endif
#ifndef SYS_set_mempolicy
#define SYS_set_mempolicy 238
#endif

/* personality, scheduler, I/O priority, memory policy: while the init still
 * has its capabilities (real-time classes need them) */
void apply_attrs(const struct plan_process *p)
{
	const struct plan_attrs *a = &p->attrs;
	if (a->personality >= 0 && personality((unsigned long)a->personality) < 0)
		fail("set personality", "", errno);
	if (a->sched_set) {
		struct kernel_sched_attr sa;
		memset(&sa, 0, sizeof(sa));
		sa.size = sizeof(sa);
		sa.sched_policy = a->sched_policy;
		sa.sched_flags = a->sched_flags;
		sa.sched_nice = a->sched_nice;
		sa.sched_priority = a->sched_priority;
		sa.sched_runtime = a->sched_runtime;
		sa.sched_deadline = a->sched_deadline;
		sa.sched_period = a->sched_period;
		if (syscall(SYS_sched_setattr, 0, &sa, 0) < 0)
			fail("set scheduler", "", errno);
	}
	if (a->ioprio >= 0 && syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, a->ioprio) < 0)
		fail("set I/O priority", "", errno);
	if (a->mempolicy_mode >= 0 &&
	    syscall(SYS_set_mempolicy, a->mempolicy_mode, a->nmempolicy_nodes ? a->mempolicy_nodes : NULL,
		    a->nmempolicy_nodes ? (unsigned long)a->nmempolicy_nodes * 64 + 1 : 0) < 0)
		fail("set memory policy", "", errno);
}

static int cap_to_data(uint64_t mask, int word)
{
	return (int)(uint32_t)(word == 0 ? mask : mask >> 32);
}

void set_user_and_caps(const struct plan_process *p, const struct plan_namespaces *ns)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
	int i;

	for (i = 0; i <= p->last_cap; i++) {
		if (p->cap_bounding & (1ULL << i))
			continue;
		if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && errno != EINVAL)
			fail("drop bounding capability", "", errno);
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		fail("keep capabilities", "", errno);
	/* raw system calls: glibc's set*id wrappers broadcast to every thread
	 * of node that glibc still believes exists, and wait for them */
	/* with setgroups "deny" in a user namespace the call is refused */
	if (strcmp(ns->setgroups, "deny") != 0 && syscall(SYS_setgroups, (size_t)p->ngroups, p->groups) < 0)
		fail("setgroups", "", errno);
	if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
		fail("setgid", "", errno);
	if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
		fail("setuid", "", errno);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		fail("keep capabilities", "", errno);

	memset(&hdr, 0, sizeof(hdr));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = 0;
	for (i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)cap_to_data(p->cap_effective, i);
		data[i].permitted = (uint32_t)cap_to_data(p->cap_permitted, i);
		data[i].inheritable = (uint32_t)cap_to_data(p->cap_inheritable, i);
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		fail("set capabilities", "", errno);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		fail("clear ambient capabilities", "", errno);
	for (i = 0; i <= p->last_cap; i++) {
		/* as runc: an ambient capability missing from the inheritable or
		 * permitted set is not raised, and that is not an error */
		if (p->cap_ambient & (1ULL << i))
			(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0);
	}
}

/* set when cwd_before_user reached the cwd with the runtime's credentials */
static int g_cwd_reached;

/* As runc: the cwd is tried first while the process still has root's
 * credentials (a cwd only the runtime can enter, e.g. mode 700 of another
 * uid, still works for exec --user 0), and again after the user is set up
 * when that was refused (a cwd only the container's user can enter). */
void cwd_before_user(const struct plan_process *pr)
{
	if (chdir(pr->cwd) == 0) {
		g_cwd_reached = 1;
		return;
	}
	if (errno != EACCES && errno != EPERM)
		fail("chdir to cwd", pr->cwd, errno);
}

void set_umask_and_cwd(const struct plan_process *pr, char *scratch)
{
	if (pr->umask >= 0)
		umask((mode_t)pr->umask);
	if (!g_cwd_reached && chdir(pr->cwd) < 0)
		fail("chdir to cwd", pr->cwd, errno);
	/* a cwd outside the root reads as "(unreachable)/..." (CVE-2024-21626);
	 * scratch holds PLAN_SCRATCH_LEN > PATH_MAX bytes */
	if (syscall(SYS_getcwd, scratch, PATH_MAX) < 0 || scratch[0] != '/')
		fail("chdir to cwd", pr->cwd, EPERM);
}
