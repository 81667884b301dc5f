/* startContainer hooks, run by the container's init as runc's does: after
 * `start` released the exec fifo and before the process's execve, so each
 * hook has what the process has: its user and capabilities, no_new_privs,
 * the seccomp filter (loaded before READY), the cgroup, the namespaces and
 * the root, in which the hook's path is resolved. Each hook is started
 * through the sealed exec helper, as the process is: a `#!/proc/self/exe`
 * hook never runs a host binary (CVE-2019-5736).
 *
 * The state JSON `start` built comes through the exec fifo ("<length>\n"
 * first, so a cut one is refused) and goes to each
 * hook's stdin; its stdout and stderr are kept (the first HOOK_OUTPUT_MAX
 * bytes each) for the report. The outcome goes to the hooks fifo, which
 * `start` reads until the init execs or exits:
 *   "ok\n", or
 *   "fail <hook> <exit|signal|timeout|error> <value> <outlen> <errlen>\n"
 *   followed by the output (for "error": the step that failed, value its
 *   errno). A failure ends the init with status 1 (as runc's), the process
 * never runs.
 *
 * The system calls this adds under the container's filter are those of a
 * fork and wait: pipe2, clone, dup2, fcntl, poll, read, write, wait4, kill,
 * rt_sigaction, and pidfd_open where allowed (10 ms polls without it). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "sealed_exec.h"
#include "util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define HOOK_OUTPUT_MAX 4096

/* prepared by start_hooks_prepare, before rlimits and seccomp apply */
static struct sealed_exec g_hook_exec[PLAN_MAX_START_HOOKS];
static char *g_state; /* state_max bytes, mmap'd */

/* one running hook: the init's ends of its pipes (-1 once done) and what it said */
struct hook_run {
	pid_t pid;
	int pidfd;
	int in, out, err;
	size_t state_len, state_off;
	char outbuf[HOOK_OUTPUT_MAX], errbuf[HOOK_OUTPUT_MAX];
	size_t outlen, errlen;
};
static struct hook_run g_run;

int start_hooks_prepare(const struct plan *p, const struct sealed_exec *sealed)
{
	const struct plan_sync *sy = &p->sync;
	int i, rc;
	void *mem;
	if (sy->nstart_hooks <= 0)
		return 0;
	if (sy->nstart_hooks > PLAN_MAX_START_HOOKS || sy->state_max <= 0 || sy->state_max > PLAN_MAX_STATE)
		return -EINVAL;
	for (i = 0; i < sy->nstart_hooks; i++) {
		rc = sealed_exec_share(&g_hook_exec[i], sealed, sy->start_hooks[i].argv, sy->start_hooks[i].envp);
		if (rc < 0)
			return rc;
	}
	/* untouched pages cost nothing until the state is read into them */
	mem = mmap(NULL, (size_t)sy->state_max, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	g_state = mem;
	return 0;
}

/* after prepare_exec_label: each hook is started under the process's
 * AppArmor profile too (runc's hooks are forked from its init after the
 * attribute is written, and the kernel copies it to the child) */
void start_hooks_label(const struct plan *p, const struct sealed_exec *sealed)
{
	int i;
	for (i = 0; i < p->sync.nstart_hooks && i < PLAN_MAX_START_HOOKS; i++)
		sealed_exec_copy_label(&g_hook_exec[i], sealed);
}

/* a line of the report, or the header of a failure, in one write */
static void report(const char *text, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(g_hooks, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* start is gone: nobody to tell */
		done += (size_t)n;
	}
}

static size_t put(char *buf, size_t at, size_t cap, const char *s)
{
	size_t n = s_len(s);
	if (at + n < cap) {
		memcpy(buf + at, s, n);
		at += n;
	}
	buf[at] = 0;
	return at;
}

static void __attribute__((noreturn)) report_failure(int index, const char *kind, long long value, const char *out,
						     size_t outlen, const char *err, size_t errlen)
{
	char head[160], num[24];
	long long fields[3];
	size_t at = 0;
	int i;
	fields[0] = value;
	fields[1] = (long long)outlen;
	fields[2] = (long long)errlen;
	at = put(head, at, sizeof(head), "fail ");
	at = put(head, at, sizeof(head), int_to_str(num, sizeof(num), index));
	at = put(head, at, sizeof(head), " ");
	at = put(head, at, sizeof(head), kind);
	for (i = 0; i < 3; i++) {
		at = put(head, at, sizeof(head), " ");
		at = put(head, at, sizeof(head), int_to_str(num, sizeof(num), fields[i]));
	}
	at = put(head, at, sizeof(head), "\n");
	report(head, at);
	report(out, outlen);
	report(err, errlen);
	_exit(1);
}

/* a step of running hook `index` failed: the report names it */
static void __attribute__((noreturn)) hook_error(int index, const char *step, int err)
{
	report_failure(index, "error", err, step, s_len(step), "", 0);
}

/* "<length>\n" in front of the state: a start killed in the middle of its
 * write leaves less, and the hooks must never read a cut state. The state's
 * offset in g_state, or 0 when the header is not one. */
static size_t state_header(size_t len)
{
	size_t i, want = 0;
	for (i = 0; i < len && i < 12 && g_state[i] >= '0' && g_state[i] <= '9'; i++)
		want = want * 10 + (size_t)(g_state[i] - '0');
	if (i == 0 || i >= len || i >= 12 || g_state[i] != '\n' || want != len - i - 1 || want == 0)
		return 0;
	return i + 1;
}

/* The state, written by start: until start closes the fifo, at most
 * state_max bytes with its header. Returns its length; *at its offset. */
static size_t read_state(int fifo, size_t cap, size_t *at)
{
	size_t len = 0;
	for (;;) {
		struct pollfd pfd = {.fd = fifo, .events = POLLIN};
		ssize_t n;
		char extra;
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			hook_error(-1, "wait for start", errno);
		}
		n = len < cap ? read(fifo, g_state + len, cap - len) : read(fifo, &extra, 1);
		if (n == 0)
			break;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			hook_error(-1, "read state", errno);
		if (len >= cap)
			hook_error(-1, "read state", EFBIG);
		len += (size_t)n;
	}
	close(fifo);
	/* start closed without a word, or with a cut state: killed meanwhile */
	*at = state_header(len);
	if (*at == 0)
		hook_error(-1, "read state", len == 0 ? ENODATA : EBADMSG);
	return len - *at;
}

/* in the forked hook: its pipes as stdio, nothing the process is given
 * (the preserved fds), SIGPIPE as it was; then the helper */
static void __attribute__((noreturn)) hook_child(const struct plan *p, int index, const int stdio[3], int via_proc)
{
	const struct plan_hook *h = &p->sync.start_hooks[index];
	struct sealed_exec *se = &g_hook_exec[index];
	struct sigaction sa;
	int fds[3], i, fd;
	for (i = 0; i < 3; i++) {
		/* above 2 first, so no dup2 below overwrites another's source */
		fds[i] = fcntl(stdio[i], F_DUPFD_CLOEXEC, 3);
		if (fds[i] < 0)
			_exit(127);
	}
	for (i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0)
			_exit(127);
	for (fd = 3; fd < 3 + p->proc.preserve_fds; fd++)
		if (fd != se->fd && fd != se->label_procfd)
			(void)close(fd);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		_exit(127);
	(void)sealed_exec_run(se, h->path, via_proc, -1, -1);
	{
		static const char msg[] = "runts: cannot start the hook through the sealed exec helper\n";
		(void)!write(2, msg, sizeof(msg) - 1);
	}
	_exit(127);
}

static void nonblocking(int index, int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		hook_error(index, "set up hook pipes", errno);
}

static void start_hook(const struct plan *p, int index, struct hook_run *r, int via_proc)
{
	int in[2], out[2], err[2], stdio[3];
	long pid;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		hook_error(index, "create hook pipes", errno);
	/* a raw clone, as stage 1's: no atfork handlers of node's libraries */
	pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		hook_error(index, "start hook", errno);
	if (pid == 0) {
		stdio[0] = in[0];
		stdio[1] = out[1];
		stdio[2] = err[1];
		hook_child(p, index, stdio, via_proc);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	r->pid = (pid_t)pid;
	r->in = in[1];
	r->out = out[0];
	r->err = err[0];
	r->outlen = r->errlen = 0;
	r->state_off = 0;
	nonblocking(index, r->in);
	nonblocking(index, r->out);
	nonblocking(index, r->err);
	/* a profile may deny it (ENOSYS, EPERM): then the loop polls every 10 ms */
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* what is there to read of a hook's stdout or stderr; past the first
 * HOOK_OUTPUT_MAX bytes it is read and dropped, so the hook never blocks */
static void read_output(int *fd, char *buf, size_t *len)
{
	char drop[512];
	for (;;) {
		ssize_t n = *len < HOOK_OUTPUT_MAX ? read(*fd, buf + *len, HOOK_OUTPUT_MAX - *len) : read(*fd, drop, sizeof(drop));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close_fd(fd);
			return;
		}
		if (*len < HOOK_OUTPUT_MAX)
			*len += (size_t)n;
	}
}

/* as much of the state as the pipe takes; a hook that does not read it
 * (EPIPE: the init ignores SIGPIPE meanwhile) is fine, as with runc */
static void feed_stdin(struct hook_run *r)
{
	while (r->in >= 0 && r->state_off < r->state_len) {
		ssize_t n = write(r->in, g_state + r->state_off, r->state_len - r->state_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		r->state_off += (size_t)n;
	}
	close_fd(&r->in);
}

static long long now_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* one poll of the hook's pipes and pidfd, for at most wait_ms */
static void poll_hook(int index, struct hook_run *r, int wait_ms)
{
	struct pollfd pfd[4];
	int n = 0, i;
	int *fds[4] = {&r->in, &r->out, &r->err, &r->pidfd};
	short ev[4] = {POLLOUT, POLLIN, POLLIN, POLLIN};
	for (i = 0; i < 4; i++) {
		pfd[n].fd = *fds[i];
		pfd[n].events = ev[i];
		pfd[n].revents = 0;
		n++;
	}
	/* poll ignores the negative fds */
	if (poll(pfd, (nfds_t)n, wait_ms) < 0 && errno != EINTR)
		hook_error(index, "wait for hook", errno);
	if (pfd[0].revents)
		feed_stdin(r);
	if (pfd[1].revents)
		read_output(&r->out, r->outbuf, &r->outlen);
	if (pfd[2].revents)
		read_output(&r->err, r->errbuf, &r->errlen);
}

/* Waits for the hook: 0 with its wait status, or 1 when it ran past its
 * timeout and was killed (SIGKILL, as Go's Process.Kill in runc). */
static int wait_hook(int index, struct hook_run *r, int timeout, int *status)
{
	long long deadline = timeout > 0 ? now_ms() + (long long)timeout * 1000 : -1;
	for (;;) {
		long long left = deadline < 0 ? -1 : deadline - now_ms();
		pid_t w = waitpid(r->pid, status, WNOHANG);
		int wait_ms;
		if (w == r->pid)
			return 0;
		if (w < 0 && errno != EINTR)
			hook_error(index, "wait for hook", errno);
		if (deadline >= 0 && left <= 0) {
			(void)kill(r->pid, SIGKILL);
			while (waitpid(r->pid, status, 0) < 0 && errno == EINTR)
				;
			return 1;
		}
		wait_ms = left < 0 || left > 1000000 ? (left < 0 ? -1 : 1000000) : (int)left;
		if (r->pidfd < 0 && (wait_ms < 0 || wait_ms > 10))
			wait_ms = 10;
		poll_hook(index, r, wait_ms);
	}
}

static void run_hook(const struct plan *p, int index, size_t state_len, int via_proc)
{
	struct hook_run *r = &g_run;
	int status = 0, timed_out;
	r->state_len = state_len;
	start_hook(p, index, r, via_proc);
	feed_stdin(r);
	timed_out = wait_hook(index, r, p->sync.start_hooks[index].timeout, &status);
	/* what it wrote before it ended (children it left may still write: not waited for) */
	if (r->out >= 0)
		read_output(&r->out, r->outbuf, &r->outlen);
	if (r->err >= 0)
		read_output(&r->err, r->errbuf, &r->errlen);
	close_fd(&r->in);
	close_fd(&r->out);
	close_fd(&r->err);
	close_fd(&r->pidfd);
	if (timed_out)
		report_failure(index, "timeout", p->sync.start_hooks[index].timeout, "", 0, "", 0);
	if (WIFSIGNALED(status))
		report_failure(index, "signal", WTERMSIG(status), r->outbuf, r->outlen, r->errbuf, r->errlen);
	if (WEXITSTATUS(status) != 0)
		report_failure(index, "exit", WEXITSTATUS(status), r->outbuf, r->outlen, r->errbuf, r->errlen);
}

void run_start_hooks(const struct plan *p, int fifo, int via_proc)
{
	struct sigaction sa;
	size_t len, at = 0;
	int i;
	len = read_state(fifo, (size_t)p->sync.state_max, &at);
	g_state += at;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		hook_error(-1, "ignore SIGPIPE", errno);
	for (i = 0; i < p->sync.nstart_hooks; i++)
		run_hook(p, i, len, via_proc);
	/* the process gets the dispositions stage 1 set: all default */
	sa.sa_handler = SIG_DFL;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		hook_error(-1, "restore SIGPIPE", errno);
	/* g_hooks closes at the execve (close-on-exec): start reads to its end,
	 * so it returns once the process is started */
	report("ok\n", 3);
}
