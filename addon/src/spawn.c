/* spawn(plan, onHooks?, onPlaced?): the parent half of the spawn protocol. It runs
 * synchronously on the JS thread (a few milliseconds): reads the plan, opens
 * what must be opened before any namespace is entered (exec fifo, console
 * socket, idmap user namespaces), clones stage 1 (stage1.c), then answers the
 * child's messages: it writes the id maps and the cgroup placement the plan
 * names, hands a seccomp notify fd on, runs the create hooks, and reports
 * {step, path, errno} on failure. It returns once the init has become the
 * sealed exec helper (exec-helper.c), so no fork of the runtime is left. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../helper/exec-helper.h"
#include "fdpass.h"
#include "idmap_tool.h"
#include "module.h"
#include "napi_read.h"
#include "plan.h"
#include "sources.h"

struct failure {
	char step[64];
	char path[512];
	int err;
};

static void set_failure(struct failure *f, const char *step, const char *path, int err)
{
	snprintf(f->step, sizeof(f->step), "%s", step);
	/* a longer path is cut in the report, never in what is done */
	snprintf(f->path, sizeof(f->path), "%.*s", (int)sizeof(f->path) - 1, path ? path : "");
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
 * would make the kernel drop such an fd, so this is always a recvmsg. The
 * sealed exec helper's one-byte record comes as SYNC_HELPER_RUNNING. */
static int recv_msg(int fd, struct sync_msg *m, int *passed)
{
	ssize_t n = fdpass_recv(fd, m, sizeof(*m), passed, 0);
	if (n == 0)
		return 0;
	if (n == 1 && *passed < 0 && *(unsigned char *)m == SEALED_EXEC_RUNNING) {
		m->type = SYNC_HELPER_RUNNING;
		return 1;
	}
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


/* the JS function spawn() was given for the create hooks, or NULL */
struct hooks_cb {
	napi_env env;
	napi_value fn;
	napi_value placed; /* onPlaced(initPid), or NULL */
	napi_value going;  /* onGoing(initPid), or NULL */
	int thrown; /* the callback threw: the exception is pending in env */
};

/* Calls fn(initPid) synchronously; 0, or -1 when it threw. */
static int call_js(struct hooks_cb *cb, napi_value fn, pid_t init)
{
	napi_value global, arg, ret;
	bool pending = false;
	if (!cb || !fn)
		return 0;
	napi_get_global(cb->env, &global);
	napi_create_int64(cb->env, init, &arg);
	if (napi_call_function(cb->env, global, fn, 1, &arg, &ret) != napi_ok ||
	    (napi_is_exception_pending(cb->env, &pending) == napi_ok && pending)) {
		cb->thrown = 1;
		return -1;
	}
	return 0;
}


/* the parent's side of the protocol, one function per message */
struct parent {
	struct plan *p;
	int sock;
	pid_t stage1, init;
	struct failure *f;
	struct hooks_cb *cb;
	int ready; /* the init said SYNC_READY; the helper's record comes next */
};

static int reply(struct parent *ps, int type)
{
	if (send_type(ps->sock, type) < 0) {
		set_failure(ps->f, "sync with child", "", errno);
		return -1;
	}
	return 0;
}

/* one map, directly or through newuidmap/newgidmap */
static int write_map(struct parent *ps, const char *file, const char *map, const char *tool)
{
	char path[64];
	int rc, status;
	if (!map[0])
		return 0;
	if (!tool[0])
		return proc_write(ps->stage1, file, map, ps->f);
	rc = run_idmap_tool(tool, ps->stage1, map, &status);
	if (rc < 0) {
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)ps->stage1, file);
		set_failure(ps->f, rc == -EPERM ? "write id mapping (the tool failed)" : "start id mapping tool", rc == -EPERM ? path : tool, -rc);
	}
	return rc;
}

static int on_need_maps(struct parent *ps)
{
	struct plan_namespaces *ns = &ps->p->ns;
	if (ns->setgroups[0] && proc_write(ps->stage1, "setgroups", ns->setgroups, ps->f) < 0)
		return -1;
	if (write_map(ps, "uid_map", ns->uid_map, ns->uid_map_tool) < 0)
		return -1;
	if (write_map(ps, "gid_map", ns->gid_map, ns->gid_map_tool) < 0)
		return -1;
	return reply(ps, SYNC_MAPS_DONE);
}

/* The init's pid into one cgroup.procs file: a move of another process, the
 * slow way (plan.h) */
static int write_procs(struct parent *ps, const char *file, pid_t init)
{
	char pidbuf[16];
	int rc;
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)init);
	rc = write_all(file, pidbuf, strlen(pidbuf));
	if (rc < 0)
		set_failure(ps->f, "join cgroup", file, -rc);
	return rc;
}

/* The init joins every v1 hierarchy by its own write (init.c, before it
 * waits for SYNC_GO) and the v2 one by its clone; the parent moves it into
 * the plan's cgroup.procs files, and into the v2 cgroup when the kernel had
 * no clone into it (into_err). */
static int on_init_pid(struct parent *ps, pid_t init, int into_err)
{
	struct plan_sync *sy = &ps->p->sync;
	char procs[PATH_MAX + 16];
	int i;
	ps->init = init;
	reap(ps->stage1);
	ps->stage1 = -1;
	for (i = 0; i < sy->ncgroup_procs; i++)
		if (write_procs(ps, sy->cgroup_procs[i], init) < 0)
			return -1;
	if (into_err && sy->cgroup_into[0]) {
		if (snprintf(procs, sizeof(procs), "%s/cgroup.procs", sy->cgroup_into) >= (int)sizeof(procs)) {
			set_failure(ps->f, "join cgroup", sy->cgroup_into, ENAMETOOLONG);
			return -1;
		}
		if (write_procs(ps, procs, init) < 0)
			return -1;
	}
	/* the systemd driver asks systemd to place the init here (its cgroup
	 * namespace is unshared only after SYNC_GO) */
	if (call_js(ps->cb, ps->cb ? ps->cb->placed : NULL, init) < 0)
		return -1;
	if (reply(ps, SYNC_GO) < 0)
		return -1;
	/* the init sets up its root now (~1.5 ms): the runtime's own work that
	 * needs only the pid runs meanwhile, not after READY */
	return call_js(ps->cb, ps->cb ? ps->cb->going : NULL, init);
}

/* the init loaded a filter with SCMP_ACT_NOTIFY rules: the agent gets the fd
 * now, before the init goes on (it may already be making syscalls that wait
 * for the agent) */
static int on_seccomp_fd(struct parent *ps, int passed)
{
	int rc;
	if (passed < 0) {
		set_failure(ps->f, "receive seccomp notify fd", "", EPROTO);
		return -1;
	}
	rc = seccomp_send_listener(&ps->p->proc.seccomp, ps->init, passed);
	close(passed);
	if (rc < 0) {
		/* runc's words: its suite and its users look for them */
		set_failure(ps->f, "failed to connect with seccomp agent", ps->p->proc.seccomp.listener_path, -rc);
		return -1;
	}
	return 0;
}

/* stage 1 made its namespaces: the bind sources, opened there (sources.c) */
static int on_need_sources(struct parent *ps)
{
	int index = -2, err = 0;
	if (send_mount_sources(ps->p, ps->stage1, ps->sock, &index, &err) < 0) {
		if (index >= 0)
			set_failure(ps->f, "open mount source", ps->p->rootfs.mounts[index].source, err);
		else
			set_failure(ps->f, index == -1 ? "join container mount namespace" : "open mount sources", "", err);
		return -1;
	}
	return reply(ps, SYNC_SOURCES_DONE);
}

/* one message; 1 when the init is ready and has become the helper, 0 to go
 * on, -1 on failure */
static int on_message(struct parent *ps, struct sync_msg *m, int passed)
{
	switch (m->type) {
	case SYNC_NEED_MAPS:
		return on_need_maps(ps);
	case SYNC_INIT_PID:
		return on_init_pid(ps, m->pid, m->err);
	case SYNC_SECCOMP_FD:
		return on_seccomp_fd(ps, passed);
	case SYNC_NEED_SOURCES:
		return on_need_sources(ps);
	case SYNC_HOOKS:
		if (call_js(ps->cb, ps->cb ? ps->cb->fn : NULL, ps->init) < 0)
			return -1;
		return reply(ps, SYNC_HOOKS_DONE);
	case SYNC_READY:
		/* an init that waits on the fifo itself execs the helper only
		 * after start (plan.h, init.c) */
		if (plan_init_waits_itself(ps->p))
			return 1;
		ps->ready = 1;
		return 0;
	case SYNC_HELPER_RUNNING:
		if (ps->ready)
			return 1;
		set_failure(ps->f, "sync with child", "helper before ready", EPROTO);
		return -1;
	case SYNC_ERROR:
		m->step[sizeof(m->step) - 1] = 0;
		m->path[sizeof(m->path) - 1] = 0;
		set_failure(ps->f, m->step, m->path, m->err);
		return -1;
	default:
		set_failure(ps->f, "sync with child", "unexpected message", EPROTO);
		return -1;
	}
}

/* Returns the init pid, or -1 with f set (and init and stage 1 killed). */
static pid_t run_parent(struct plan *p, int sock, pid_t stage1, struct failure *f, struct hooks_cb *cb)
{
	struct parent ps = {p, sock, stage1, -1, f, cb, 0};
	struct sync_msg m;
	int rc, passed = -1;

	for (;;) {
		rc = recv_msg(sock, &m, &passed);
		if (passed >= 0 && (rc <= 0 || m.type != SYNC_SECCOMP_FD)) {
			close(passed); /* an fd nobody asked for */
			passed = -1;
		}
		if (rc <= 0) {
			/* after READY: the helper did not start, or refused (its
			 * reason is on the container's stderr) */
			if (f->step[0] == 0)
				set_failure(f, ps.ready ? "start the sealed exec helper" : "container init exited during setup", "",
					    rc == 0 ? EPIPE : errno);
			break;
		}
		rc = on_message(&ps, &m, passed);
		passed = -1; /* on_seccomp_fd closed it */
		if (rc > 0)
			return ps.init;
		if (rc < 0)
			break;
	}
	if (ps.init > 0) {
		kill(ps.init, SIGKILL);
		reap(ps.init);
	}
	if (ps.stage1 > 0) {
		kill(ps.stage1, SIGKILL);
		reap(ps.stage1);
	}
	return -1;
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

/* The master of a foreground run/exec, which the pty proxy (ptyproxy.c)
 * copies to runts' stdio: non-blocking, so that after the process has exited
 * the proxy reads what is left and stops at EAGAIN when something else in the
 * container still holds the slave. (The child cleared ONLCR on the slave.) */
static int prepare_foreground_master(int fd, struct failure *f)
{
	int fl = fcntl(fd, F_GETFL);
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

/* fds of one spawn, closed at the end whatever happened */
struct spawn_fds {
	int sv[2];        /* the sync socket */
	int console_peer; /* our end of a foreground run's console socketpair */
};

/* The cgroup files the child joins by (plan.h): opened here, by the runtime,
 * before any namespace is entered; the kernel checks a v1 `tasks` write
 * against the opener's credentials, so the init may write it from inside a
 * user namespace. */
static int open_cgroup_joins(struct plan_sync *sy, struct failure *f)
{
	int i;
	for (i = 0; i < sy->ncgroup_tasks; i++) {
		sy->cgroup_tasks_fd[i] = open(sy->cgroup_tasks[i], O_WRONLY | O_CLOEXEC);
		if (sy->cgroup_tasks_fd[i] < 0) {
			set_failure(f, "join cgroup", sy->cgroup_tasks[i], errno);
			return -1;
		}
	}
	if (sy->cgroup_into[0]) {
		sy->cgroup_into_fd = open(sy->cgroup_into, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sy->cgroup_into_fd < 0) {
			set_failure(f, "join cgroup", sy->cgroup_into, errno);
			return -1;
		}
	}
	return 0;
}

/* what must be opened before any namespace is entered: 0, or -1 with f set */
static int open_before_clone(struct plan *p, struct spawn_fds *fds, struct failure *f)
{
	int i;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds->sv) < 0) {
		set_failure(f, "create sync socket", "", errno);
		return -1;
	}
	if (p->sync.fifo_path[0]) {
		/* the path is a host path that the child may no longer see */
		p->sync.fifo_fd = open(p->sync.fifo_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (p->sync.fifo_fd < 0) {
			set_failure(f, "open exec fifo", p->sync.fifo_path, errno);
			return -1;
		}
	}
	if (p->sync.hooks_fifo_path[0]) {
		/* read and write: the open never waits for start, and start sees
		 * the end of the report when the init execs or exits */
		p->sync.hooks_fd = open(p->sync.hooks_fifo_path, O_RDWR | O_CLOEXEC);
		if (p->sync.hooks_fd < 0) {
			set_failure(f, "open hooks fifo", p->sync.hooks_fifo_path, errno);
			return -1;
		}
	}
	if (p->proc.terminal && p->sync.console_socket[0]) {
		p->sync.console_fd = connect_console(p->sync.console_socket, f);
		if (p->sync.console_fd < 0)
			return -1;
	} else if (p->proc.terminal) {
		/* a foreground run: the master comes back to us */
		int cv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cv) < 0) {
			set_failure(f, "create console socket", "", errno);
			return -1;
		}
		fds->console_peer = cv[0];
		p->sync.console_fd = cv[1];
	}
	if (open_cgroup_joins(&p->sync, f) < 0)
		return -1;
	for (i = 0; i < p->rootfs.nmounts; i++) {
		struct plan_mount *m = &p->rootfs.mounts[i];
		if (!m->idmap_uid[0])
			continue;
		m->userns_fd = make_idmap_userns(m->idmap_uid, m->idmap_gid, m->destination, f);
		if (m->userns_fd < 0)
			return -1;
	}
	return 0;
}

/* clones stage 1 and runs the protocol: the init's pid, or -1 with f set */
static pid_t clone_and_run(struct plan *p, struct spawn_fds *fds, struct failure *f, struct hooks_cb *hooks)
{
	pid_t parent = getpid(), stage1;
	/* the init inherits node's malloc heap (~1.7 MB resident after this
	 * process exits): give back its free pages first */
	malloc_trim(0);
	/* a raw clone is fork() without glibc's atfork handlers: the child
	 * touches nothing that the other node threads may hold */
	stage1 = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (stage1 == 0) {
		close(fds->sv[0]);
		if (fds->console_peer >= 0)
			close(fds->console_peer);
		child_stage1(p, fds->sv[1], parent);
	}
	if (stage1 < 0) {
		set_failure(f, "clone", "", errno);
		return -1;
	}
	close(fds->sv[1]);
	fds->sv[1] = -1;
	return run_parent(p, fds->sv[0], stage1, f, hooks);
}

static void close_spawn_fds(struct plan *p, struct spawn_fds *fds)
{
	int i;
	for (i = 0; i < p->sync.ncgroup_tasks; i++)
		if (p->sync.cgroup_tasks_fd[i] >= 0)
			close(p->sync.cgroup_tasks_fd[i]);
	if (p->sync.cgroup_into_fd >= 0)
		close(p->sync.cgroup_into_fd);
	if (fds->sv[0] >= 0)
		close(fds->sv[0]);
	if (fds->sv[1] >= 0)
		close(fds->sv[1]);
	if (p->sync.fifo_fd >= 0)
		close(p->sync.fifo_fd);
	if (p->sync.console_fd >= 0)
		close(p->sync.console_fd);
	if (p->sync.hooks_fd >= 0)
		close(p->sync.hooks_fd);
	if (fds->console_peer >= 0)
		close(fds->console_peer);
}

/* argv[i] when it is a function, else NULL */
static napi_value function_arg(napi_env env, napi_value *argv, size_t argc, size_t i)
{
	napi_valuetype t;
	if (i < argc && napi_typeof(env, argv[i], &t) == napi_ok && t == napi_function)
		return argv[i];
	return NULL;
}

/* spawn(plan, onHooks?, onPlaced?, onGoing?) -> {pid, consoleFd?} | {error: {step, path, errno, message}};
 * onPlaced(initPid) is called once the init's pid is known, while the init
 * waits before anything of the container is set up (it has placed itself in
 * the plan's cgroups, or is placed here just before); onGoing(initPid) once
 * it has been let go, while it sets up its root; onHooks(initPid) while the
 * init waits before its pivot. If any throws, the container is killed and
 * the exception propagates. */
static napi_value js_spawn(napi_env env, napi_callback_info info)
{
	size_t argc = 4;
	napi_value argv[4], result = NULL;
	struct hooks_cb hooks = {env, NULL, NULL, NULL, 0};
	struct spawn_fds fds = {{-1, -1}, -1};
	struct plan p;
	struct failure f;
	int console_fd = -1;
	pid_t init = -1;

	memset(&f, 0, sizeof(f));
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
		napi_throw_type_error(env, NULL, "spawn(plan) needs a plan");
		return NULL;
	}
	hooks.fn = function_arg(env, argv, argc, 1);
	hooks.placed = function_arg(env, argv, argc, 2);
	hooks.going = function_arg(env, argv, argc, 3);
	if (!plan_from_js(env, argv[0], &p)) {
		plan_free(&p);
		return NULL;
	}
	if (p.proc.seccomp.err) {
		/* libseccomp refused the filter: "seccomp <field>: <what>: <errno>" */
		set_failure(&f, "seccomp", p.proc.seccomp.what, p.proc.seccomp.err);
		plan_free(&p);
		return failure_value(env, &f);
	}
	if (open_before_clone(&p, &fds, &f) == 0)
		init = clone_and_run(&p, &fds, &f, &hooks);
	if (init > 0 && fds.console_peer >= 0) {
		console_fd = recv_fd(fds.console_peer);
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
	close_spawn_fds(&p, &fds);
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

void spawn_register(napi_env env, napi_value exports)
{
	napi_property_descriptor props[] = {
		{"spawn", NULL, js_spawn, NULL, NULL, NULL, napi_default, NULL},
	};
	napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
