/* seccomp: the filter TypeScript planned (lib/seccomp/plan.ts) is built with
 * libseccomp and exported as BPF in the parent, before clone(); a child only
 * hands that BPF to seccomp(2). Usable from any child (create's init, exec). */
#ifndef RUNTS_SECCOMP_H
#define RUNTS_SECCOMP_H

#include <linux/filter.h>
#include <node_api.h>
#include <stddef.h>
#include <sys/types.h>

struct seccomp_prep {
	struct sock_filter *insns; /* NULL: no filter */
	unsigned short len;
	unsigned int flags; /* SECCOMP_FILTER_FLAG_*, unsupported advisory ones dropped */
	int early;          /* load before capabilities are dropped (see SeccompPlan.early) */
	char *listener_path; /* "" unless a rule notifies */
	char *state[3];      /* the container process state JSON, cut where the pid goes */
	int skipped;         /* syscall names libseccomp does not know (skipped, as runc) */
	/* a build failure the caller reports: errno and "<JSON field>: <what>" */
	int err;
	char what[480];
};

/* Parent: reads LaunchPlan.seccomp (an object or null) and builds the BPF.
 * Returns 0 with a JS exception pending for a malformed plan; 1 otherwise, with
 * s->err set when libseccomp refused the filter. */
int seccomp_prep_from_js(napi_env env, napi_value plan_seccomp, struct seccomp_prep *s);
void seccomp_prep_free(struct seccomp_prep *s);

/* Child, async-signal-safe: loads the prepared filter. Returns 0 or -errno;
 * *listener is the notify fd (SECCOMP_FILTER_FLAG_NEW_LISTENER) or -1. */
int seccomp_apply(const struct seccomp_prep *s, int *listener);

/* Child, async-signal-safe: sends msg (len bytes) with fd attached (SCM_RIGHTS)
 * on the sync socket. Returns 0 or -errno. */
int seccomp_send_fd(int sock, const void *msg, size_t len, int fd);

/* Parent: connects to s->listener_path and sends the container process state
 * for pid with the notify fd (config-linux.md, "listenerPath"). Returns 0 or
 * -errno. */
int seccomp_send_listener(const struct seccomp_prep *s, pid_t pid, int notify_fd);

/* N-API: seccompCompile(plan.seccomp), seccompFlagSupported(bit), seccompArchSupported(token),
 * seccompSyscallNumbers(names, token) */
void seccomp_register(napi_env env, napi_value exports);

#endif
