/* N-API glue: spawn a container init from a LaunchPlan, wait for and signal
 * processes through pidfds. The parent half of the spawn protocol runs here
 * synchronously (a few milliseconds); it writes the id maps and the cgroup
 * placement the plan names, and reports {step, path, errno} on failure. */
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <termios.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "napi_util.h"
#include "plan.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

struct failure {
	char step[64];
	char path[512];
	int err;
};

static void set_failure(struct failure *f, const char *step, const char *path, int err)
{
	snprintf(f->step, sizeof(f->step), "%s", step);
	snprintf(f->path, sizeof(f->path), "%s", path ? path : "");
	f->err = err;
}

static int write_all(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	if (n != (ssize_t)len) {
		int e = n < 0 ? errno : EIO;
		close(fd);
		return -e;
	}
	if (close(fd) < 0)
		return -errno;
	return 0;
}

static int proc_write(pid_t pid, const char *file, const char *data, struct failure *f)
{
	char path[64];
	int rc;
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	rc = write_all(path, data, strlen(data));
	if (rc < 0)
		set_failure(f, "write id mapping", path, -rc);
	return rc;
}

/* One message; *passed is an fd that came with it (SCM_RIGHTS) or -1. recv()
 * would make the kernel drop such an fd, so this is always a recvmsg. */
static int recv_msg(int fd, struct sync_msg *m, int *passed)
{
	ssize_t n = fdpass_recv(fd, m, sizeof(*m), passed, 0);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(*m)) {
		if (*passed >= 0)
			close(*passed);
		*passed = -1;
		if (n >= 0)
			errno = EPROTO;
		return -1;
	}
	return 1;
}

static int send_type(int fd, int type)
{
	struct sync_msg m;
	memset(&m, 0, sizeof(m));
	m.type = type;
	return send(fd, &m, sizeof(m), MSG_NOSIGNAL) == (ssize_t)sizeof(m) ? 0 : -1;
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
}

/* The parent half of the protocol. Returns the init pid or -1 with f set. */
/* the JS function spawn() was given for the create hooks, or NULL */
struct hooks_cb {
	napi_env env;
	napi_value fn;
	int thrown; /* the callback threw: the exception is pending in env */
};

/* Calls onHooks(initPid) synchronously; 0, or -1 when it threw. */
static int call_hooks(struct hooks_cb *cb, pid_t init)
{
	napi_value global, arg, ret;
	bool pending = false;
	if (!cb || !cb->fn)
		return 0;
	napi_get_global(cb->env, &global);
	napi_create_int64(cb->env, init, &arg);
	if (napi_call_function(cb->env, global, cb->fn, 1, &arg, &ret) != napi_ok ||
	    (napi_is_exception_pending(cb->env, &pending) == napi_ok && pending)) {
		cb->thrown = 1;
		return -1;
	}
	return 0;
}

static pid_t run_parent(struct plan *p, int sock, pid_t stage1, struct failure *f, struct hooks_cb *cb)
{
	pid_t init = -1;
	struct sync_msg m;
	int rc, i, passed = -1;
	char pidbuf[16];

	for (;;) {
		rc = recv_msg(sock, &m, &passed);
		if (passed >= 0 && (rc <= 0 || m.type != SYNC_SECCOMP_FD)) {
			close(passed); /* an fd nobody asked for */
			passed = -1;
		}
		if (rc <= 0) {
			if (f->step[0] == 0)
				set_failure(f, "container init exited during setup", "", rc == 0 ? EPIPE : errno);
			goto failed;
		}
		switch (m.type) {
		case SYNC_NEED_MAPS:
			if (p->setgroups[0] && proc_write(stage1, "setgroups", p->setgroups, f) < 0)
				goto failed;
			if (p->uid_map[0] && proc_write(stage1, "uid_map", p->uid_map, f) < 0)
				goto failed;
			if (p->gid_map[0] && proc_write(stage1, "gid_map", p->gid_map, f) < 0)
				goto failed;
			if (send_type(sock, SYNC_MAPS_DONE) < 0) {
				set_failure(f, "sync with child", "", errno);
				goto failed;
			}
			break;
		case SYNC_INIT_PID:
			init = m.pid;
			reap(stage1);
			stage1 = -1;
			snprintf(pidbuf, sizeof(pidbuf), "%d", (int)init);
			for (i = 0; i < p->ncgroup_procs; i++) {
				rc = write_all(p->cgroup_procs[i], pidbuf, strlen(pidbuf));
				if (rc < 0) {
					set_failure(f, "join cgroup", p->cgroup_procs[i], -rc);
					goto failed;
				}
			}
			if (send_type(sock, SYNC_GO) < 0) {
				set_failure(f, "sync with child", "", errno);
				goto failed;
			}
			break;
		case SYNC_SECCOMP_FD:
			/* the init loaded a filter with SCMP_ACT_NOTIFY rules: the agent
			 * gets the fd now, before the init goes on (it may already be
			 * making syscalls that wait for the agent) */
			if (passed < 0) {
				set_failure(f, "receive seccomp notify fd", "", EPROTO);
				goto failed;
			}
			rc = seccomp_send_listener(&p->seccomp, init, passed);
			close(passed);
			passed = -1;
			if (rc < 0) {
				set_failure(f, "send seccomp fd to listener", p->seccomp.listener_path, -rc);
				goto failed;
			}
			break;
		case SYNC_HOOKS:
			if (call_hooks(cb, init) < 0)
				goto failed;
			if (send_type(sock, SYNC_HOOKS_DONE) < 0) {
				set_failure(f, "sync with child", "", errno);
				goto failed;
			}
			break;
		case SYNC_READY:
			return init;
		case SYNC_ERROR:
			m.step[sizeof(m.step) - 1] = 0;
			m.path[sizeof(m.path) - 1] = 0;
			set_failure(f, m.step, m.path, m.err);
			goto failed;
		default:
			set_failure(f, "sync with child", "unexpected message", EPROTO);
			goto failed;
		}
	}
failed:
	if (init > 0) {
		kill(init, SIGKILL);
		reap(init);
	}
	if (stage1 > 0) {
		kill(stage1, SIGKILL);
		reap(stage1);
	}
	return -1;
}

static napi_value make_int(napi_env env, int64_t v)
{
	napi_value r;
	napi_create_int64(env, v, &r);
	return r;
}

static napi_value make_str(napi_env env, const char *s)
{
	napi_value r;
	napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &r);
	return r;
}

static napi_value failure_value(napi_env env, const struct failure *f)
{
	napi_value obj, err;
	napi_create_object(env, &obj);
	napi_create_object(env, &err);
	napi_set_named_property(env, err, "step", make_str(env, f->step));
	napi_set_named_property(env, err, "path", make_str(env, f->path));
	napi_set_named_property(env, err, "errno", make_int(env, f->err));
	napi_set_named_property(env, err, "message", make_str(env, strerror(f->err)));
	napi_set_named_property(env, obj, "error", err);
	return obj;
}

/* A user namespace with the given maps, for an idmapped mount: a helper child
 * is cloned into a new user namespace, its maps written, its namespace file
 * kept open (at IDMAP_FD_BASE or above), and the helper let go. */
static int make_idmap_userns(const char *uid_map, const char *gid_map, const char *dest, struct failure *f)
{
	int pipefd[2], fd, nfd = -1;
	pid_t pid;
	char path[64];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		set_failure(f, "create idmap user namespace", dest, errno);
		return -1;
	}
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		char c;
		close(pipefd[1]);
		(void)read(pipefd[0], &c, 1); /* until the parent has the namespace */
		_exit(0);
	}
	close(pipefd[0]);
	if (pid < 0) {
		set_failure(f, "create idmap user namespace", dest, errno);
		close(pipefd[1]);
		return -1;
	}
	if (proc_write(pid, "uid_map", uid_map, f) == 0 && proc_write(pid, "gid_map", gid_map, f) == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			set_failure(f, "open idmap user namespace", path, errno);
		} else {
			nfd = fcntl(fd, F_DUPFD_CLOEXEC, IDMAP_FD_BASE);
			if (nfd < 0)
				set_failure(f, "keep idmap user namespace", path, errno);
			close(fd);
		}
	}
	close(pipefd[1]);
	reap(pid);
	return nfd;
}

/* The master of a foreground run/exec, which runts proxies to its own stdio:
 * without ONLCR, so the container's "\n" reaches a pipe as "\n" (runc clears it
 * too; the caller's own tty adds the "\r" if it is one), and non-blocking, so
 * that after the process has exited runts can read what is left and stop at
 * EAGAIN when something else in the container still holds the slave. */
static int prepare_foreground_master(int fd, struct failure *f)
{
	struct termios t;
	int fl;
	if (tcgetattr(fd, &t) < 0) {
		set_failure(f, "get pty attributes", "", errno);
		return -1;
	}
	t.c_oflag &= ~(tcflag_t)ONLCR;
	if (tcsetattr(fd, TCSANOW, &t) < 0) {
		set_failure(f, "clear ONLCR on pty", "", errno);
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		set_failure(f, "make pty master non-blocking", "", errno);
		return -1;
	}
	return 0;
}

/* Connects to the --console-socket path; the child sends the pty master there. */
static int connect_console(const char *path, struct failure *f)
{
	struct sockaddr_un addr;
	int fd;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		set_failure(f, "connect to console socket", path, ENAMETOOLONG);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		set_failure(f, "connect to console socket", path, errno);
		return -1;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		set_failure(f, "connect to console socket", path, errno);
		close(fd);
		return -1;
	}
	return fd;
}

/* the fd that came with one message on sock, or -1 */
static int recv_fd(int sock)
{
	char buf[256];
	int fd;
	if (fdpass_recv(sock, buf, sizeof(buf), &fd, MSG_DONTWAIT) < 0)
		return -1;
	return fd;
}

/* spawn(plan, onHooks?) -> {pid, consoleFd?} | {error: {step, path, errno, message}};
 * onHooks(initPid) is called while the init waits before its pivot; if it
 * throws, the container is killed and the exception propagates. */
static napi_value js_spawn(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], result = NULL;
	struct hooks_cb hooks = {env, NULL, 0};
	struct plan p;
	struct failure f;
	int sv[2] = {-1, -1}, console_peer = -1, console_fd = -1, i;
	pid_t parent = getpid(), stage1, init = -1;

	memset(&f, 0, sizeof(f));
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
		napi_throw_type_error(env, NULL, "spawn(plan) needs a plan");
		return NULL;
	}
	if (argc >= 2) {
		napi_valuetype t;
		if (napi_typeof(env, argv[1], &t) == napi_ok && t == napi_function)
			hooks.fn = argv[1];
	}
	if (!plan_from_js(env, argv[0], &p)) {
		plan_free(&p);
		return NULL;
	}
	if (p.seccomp.err) {
		/* libseccomp refused the filter: "seccomp <field>: <what>: <errno>" */
		set_failure(&f, "seccomp", p.seccomp.what, p.seccomp.err);
		plan_free(&p);
		return failure_value(env, &f);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		set_failure(&f, "create sync socket", "", errno);
		goto out;
	}
	if (p.fifo_path[0]) {
		/* opened here, before any namespace is entered: the path is a host
		 * path that the child may no longer see */
		p.fifo_fd = open(p.fifo_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (p.fifo_fd < 0) {
			set_failure(&f, "open exec fifo", p.fifo_path, errno);
			goto out;
		}
	}
	if (p.terminal && p.console_socket[0]) {
		p.console_fd = connect_console(p.console_socket, &f);
		if (p.console_fd < 0)
			goto out;
	} else if (p.terminal) {
		/* a foreground run: the master comes back to us */
		int cv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cv) < 0) {
			set_failure(&f, "create console socket", "", errno);
			goto out;
		}
		console_peer = cv[0];
		p.console_fd = cv[1];
	}
	for (i = 0; i < p.nmounts; i++) {
		struct plan_mount *m = &p.mounts[i];
		if (!m->idmap_uid[0])
			continue;
		m->userns_fd = make_idmap_userns(m->idmap_uid, m->idmap_gid, m->destination, &f);
		if (m->userns_fd < 0)
			goto out;
	}
	/* the init inherits node's malloc heap (~1.7 MB resident after this
	 * process exits): give back its free pages first */
	malloc_trim(0);
	/* a raw clone is fork() without glibc's atfork handlers: the child
	 * touches nothing that the other node threads may hold */
	stage1 = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (stage1 == 0) {
		close(sv[0]);
		if (console_peer >= 0)
			close(console_peer);
		child_stage1(&p, sv[1], parent);
	}
	if (stage1 < 0) {
		set_failure(&f, "clone", "", errno);
		goto out;
	}
	close(sv[1]);
	sv[1] = -1;
	init = run_parent(&p, sv[0], stage1, &f, &hooks);
	if (init > 0 && console_peer >= 0) {
		console_fd = recv_fd(console_peer);
		if (console_fd < 0)
			set_failure(&f, "receive pty master", "", errno ? errno : EPROTO);
		else if (prepare_foreground_master(console_fd, &f) < 0) {
			close(console_fd);
			console_fd = -1;
		}
		if (console_fd < 0) {
			kill(init, SIGKILL);
			reap(init);
			init = -1;
		}
	}
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (p.fifo_fd >= 0)
		close(p.fifo_fd);
	if (p.console_fd >= 0)
		close(p.console_fd);
	if (console_peer >= 0)
		close(console_peer);
	plan_free(&p);
	if (hooks.thrown)
		return NULL; /* the hook's exception goes to the caller */
	if (init < 0)
		return failure_value(env, &f);
	napi_create_object(env, &result);
	napi_set_named_property(env, result, "pid", make_int(env, init));
	if (console_fd >= 0)
		napi_set_named_property(env, result, "consoleFd", make_int(env, console_fd));
	return result;
}

static int arg_ints(napi_env env, napi_callback_info info, size_t want, int64_t *out, napi_value *extra)
{
	size_t argc = 3, i;
	napi_value argv[3];
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
		napi_throw_type_error(env, NULL, "missing arguments");
		return 0;
	}
	for (i = 0; i < want; i++) {
		if (extra && i == want - 1) {
			*extra = argv[i];
			continue;
		}
		if (napi_get_value_int64(env, argv[i], &out[i]) != napi_ok) {
			napi_throw_type_error(env, NULL, "expected a number");
			return 0;
		}
	}
	return 1;
}

/* pidfdOpen(pid) -> fd, or -errno */
static napi_value js_pidfd_open(napi_env env, napi_callback_info info)
{
	int64_t a[1];
	long fd;
	if (!arg_ints(env, info, 1, a, NULL))
		return NULL;
	fd = syscall(SYS_pidfd_open, (pid_t)a[0], 0);
	if (fd >= 0 && fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0) {
		int e = errno;
		close((int)fd);
		return make_int(env, -e);
	}
	return make_int(env, fd < 0 ? -errno : fd);
}

/* pidfdSendSignal(fd, sig) -> 0 or -errno */
static napi_value js_pidfd_send_signal(napi_env env, napi_callback_info info)
{
	int64_t a[2];
	if (!arg_ints(env, info, 2, a, NULL))
		return NULL;
	if (syscall(SYS_pidfd_send_signal, (int)a[0], (int)a[1], NULL, 0) < 0)
		return make_int(env, -errno);
	return make_int(env, 0);
}

/* pidfdWait(fd, timeoutMs) -> true when the process has exited */
static napi_value js_pidfd_wait(napi_env env, napi_callback_info info)
{
	int64_t a[2];
	struct pollfd pfd;
	int rc;
	napi_value r;
	if (!arg_ints(env, info, 2, a, NULL))
		return NULL;
	pfd.fd = (int)a[0];
	pfd.events = POLLIN;
	pfd.revents = 0;
	do
		rc = poll(&pfd, 1, (int)a[1]);
	while (rc < 0 && errno == EINTR);
	napi_get_boolean(env, rc > 0, &r);
	return r;
}

/* ---- waitExit(pid, cb): reaps a child of ours without blocking the loop ----
 *
 * napi async work, not a libuv poll handle: Bun's N-API has no libuv, and this
 * must behave the same under node and Bun. The execute half runs on a worker
 * thread (node: one of libuv's threadpool threads, for as long as the process
 * lives; runts waits for one process at a time, so one thread of the four) and
 * blocks there in poll(pidfd) + waitid; the complete half calls cb on the JS
 * thread. Pending work keeps the event loop alive, as the poll handle did. */

struct exit_watch {
	napi_async_work work;
	napi_ref cb;
	int pidfd;
	int code;   /* exit code, or -1 when killed by a signal or not reaped */
	int signal; /* the signal that killed it, or 0 */
};

/* worker thread: no N-API calls here */
static void wait_exit_execute(napi_env env, void *data)
{
	struct exit_watch *w = data;
	struct pollfd pfd = {.fd = w->pidfd, .events = POLLIN};
	siginfo_t si;
	(void)env;
	w->code = -1;
	w->signal = 0;
	for (;;) {
		int rc = poll(&pfd, 1, -1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return; /* cannot happen with a valid fd: reported as -1, 0 */
		memset(&si, 0, sizeof(si));
		do
			rc = waitid((idtype_t)P_PIDFD, (id_t)w->pidfd, &si, WEXITED | WNOHANG | __WALL);
		while (rc < 0 && errno == EINTR);
		if (rc < 0)
			return; /* reaped by someone else (ECHILD): -1, 0 as before */
		if (si.si_pid != 0)
			break;
		/* readable but not yet a zombie: a spurious wake-up, wait again */
	}
	if (si.si_code == CLD_EXITED) {
		w->code = si.si_status;
	} else {
		w->code = -1;
		w->signal = si.si_status; /* CLD_KILLED or CLD_DUMPED */
	}
}

/* JS thread: hands the status to cb and frees the watch */
static void wait_exit_complete(napi_env env, napi_status status, void *data)
{
	struct exit_watch *w = data;
	napi_value cb, global, args[2];
	(void)status; /* never cancelled: nothing calls napi_cancel_async_work */
	args[0] = make_int(env, w->code);
	args[1] = make_int(env, w->signal);
	if (napi_get_reference_value(env, w->cb, &cb) == napi_ok && napi_get_global(env, &global) == napi_ok)
		napi_call_function(env, global, cb, 2, args, NULL);
	napi_delete_reference(env, w->cb);
	napi_delete_async_work(env, w->work);
	close(w->pidfd);
	free(w);
}

/* waitExit(pid, cb(code, signal)) -> 0 or -errno */
static napi_value js_wait_exit(napi_env env, napi_callback_info info)
{
	int64_t a[2];
	napi_value cb, name;
	struct exit_watch *w;
	long fd;
	if (!arg_ints(env, info, 2, a, &cb))
		return NULL;
	fd = syscall(SYS_pidfd_open, (pid_t)a[0], 0);
	if (fd < 0)
		return make_int(env, -errno);
	if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0) {
		int e = errno;
		close((int)fd);
		return make_int(env, -e);
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		close((int)fd);
		napi_throw_error(env, NULL, "out of memory");
		return NULL;
	}
	w->pidfd = (int)fd;
	if (napi_create_reference(env, cb, 1, &w->cb) != napi_ok) {
		close((int)fd);
		free(w);
		napi_throw_error(env, NULL, "cannot watch the process");
		return NULL;
	}
	if (napi_create_string_utf8(env, "runts.waitExit", NAPI_AUTO_LENGTH, &name) != napi_ok ||
	    napi_create_async_work(env, NULL, name, wait_exit_execute, wait_exit_complete, w, &w->work) != napi_ok) {
		napi_delete_reference(env, w->cb);
		close((int)fd);
		free(w);
		napi_throw_error(env, NULL, "cannot watch the process");
		return NULL;
	}
	if (napi_queue_async_work(env, w->work) != napi_ok) {
		napi_delete_async_work(env, w->work);
		napi_delete_reference(env, w->cb);
		close((int)fd);
		free(w);
		napi_throw_error(env, NULL, "cannot watch the process");
		return NULL;
	}
	return make_int(env, 0);
}

/* setWinsize(fd, rows, cols) -> 0 or -errno: resize a pty (foreground run) */
static napi_value js_set_winsize(napi_env env, napi_callback_info info)
{
	int64_t a[3];
	struct winsize ws;
	if (!arg_ints(env, info, 3, a, NULL))
		return NULL;
	memset(&ws, 0, sizeof(ws));
	ws.ws_row = (unsigned short)a[1];
	ws.ws_col = (unsigned short)a[2];
	if (ioctl((int)a[0], TIOCSWINSZ, &ws) < 0)
		return make_int(env, -errno);
	return make_int(env, 0);
}

/* mkfifo(path, mode) -> 0 or -errno (node has no mkfifo) */
static napi_value js_mkfifo(napi_env env, napi_callback_info info)
{
	size_t argc = 2, len = 0;
	napi_value argv[2];
	char path[4096];
	int64_t mode = 0;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
	    napi_get_value_string_utf8(env, argv[0], path, sizeof(path), &len) != napi_ok ||
	    napi_get_value_int64(env, argv[1], &mode) != napi_ok) {
		napi_throw_type_error(env, NULL, "mkfifo(path, mode)");
		return NULL;
	}
	if (len >= sizeof(path) - 1)
		return make_int(env, -ENAMETOOLONG);
	if (mkfifo(path, (mode_t)mode) < 0)
		return make_int(env, -errno);
	return make_int(env, 0);
}

void bpf_register(napi_env env, napi_value exports); /* bpf.c */
void rootread_register(napi_env env, napi_value exports); /* rootread.c */

static napi_value init_module(napi_env env, napi_value exports)
{
	napi_property_descriptor props[] = {
		{"spawn", NULL, js_spawn, NULL, NULL, NULL, napi_default, NULL},
		{"pidfdOpen", NULL, js_pidfd_open, NULL, NULL, NULL, napi_default, NULL},
		{"pidfdSendSignal", NULL, js_pidfd_send_signal, NULL, NULL, NULL, napi_default, NULL},
		{"pidfdWait", NULL, js_pidfd_wait, NULL, NULL, NULL, napi_default, NULL},
		{"waitExit", NULL, js_wait_exit, NULL, NULL, NULL, napi_default, NULL},
		{"mkfifo", NULL, js_mkfifo, NULL, NULL, NULL, napi_default, NULL},
		{"setWinsize", NULL, js_set_winsize, NULL, NULL, NULL, napi_default, NULL},
	};
	napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
	bpf_register(env, exports);
	rootread_register(env, exports);
	seccomp_register(env, exports);
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init_module)
