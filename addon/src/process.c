/* Processes after the spawn: pidfds (open, signal, wait), reaping our child
 * without blocking the event loop (waitExit), and two small host calls the
 * CLI needs that node lacks (mkfifo, a pty's window size). */
#include <errno.h>
#include <sys/mount.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "module.h"
#include "napi_read.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

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

/* pidfdWait(fd, timeoutMs) -> true when the process has exited; waitReadable(fd, timeoutMs) -> true when fd is readable or its writers are gone */
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

/* unmountDetached(path) -> 0 or -errno: delete of a container without a
 * mount namespace takes its mounts off the rootfs (lazily: a process of the
 * host may still use one; never following a symlink put in its place) */
static napi_value js_unmount_detached(napi_env env, napi_callback_info info)
{
	size_t argc = 1, len = 0;
	napi_value argv[1];
	char path[4096];
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
	    napi_get_value_string_utf8(env, argv[0], path, sizeof(path), &len) != napi_ok) {
		napi_throw_type_error(env, NULL, "unmountDetached(path)");
		return NULL;
	}
	if (len >= sizeof(path) - 1)
		return make_int(env, -ENAMETOOLONG);
	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
		return make_int(env, -errno);
	return make_int(env, 0);
}

/* fifoWrite(path, data) -> 0 or -errno (-ENXIO: nobody reads it). Opened
 * without waiting, written blocking: `start` gives the init the state for its
 * startContainer hooks, which may be more than the pipe holds. */
static napi_value js_fifo_write(napi_env env, napi_callback_info info)
{
	size_t argc = 2, len = 0, size = 0, done = 0;
	napi_value argv[2];
	char path[4096];
	void *data = NULL;
	bool is_buffer = false;
	int fd, fl, rc = 0;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
	    napi_get_value_string_utf8(env, argv[0], path, sizeof(path), &len) != napi_ok ||
	    napi_is_buffer(env, argv[1], &is_buffer) != napi_ok || !is_buffer ||
	    napi_get_buffer_info(env, argv[1], &data, &size) != napi_ok) {
		napi_throw_type_error(env, NULL, "fifoWrite(path, buffer)");
		return NULL;
	}
	if (len >= sizeof(path) - 1)
		return make_int(env, -ENAMETOOLONG);
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return make_int(env, -errno);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		rc = -errno;
	while (rc == 0 && done < size) {
		ssize_t n = write(fd, (const char *)data + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = n < 0 ? -errno : -EIO;
		else
			done += (size_t)n;
	}
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return make_int(env, rc);
}

void process_register(napi_env env, napi_value exports)
{
	napi_property_descriptor props[] = {
		{"pidfdOpen", NULL, js_pidfd_open, NULL, NULL, NULL, napi_default, NULL},
		{"pidfdSendSignal", NULL, js_pidfd_send_signal, NULL, NULL, NULL, napi_default, NULL},
		{"pidfdWait", NULL, js_pidfd_wait, NULL, NULL, NULL, napi_default, NULL},
		/* the same poll(POLLIN), on a fifo */
		{"waitReadable", NULL, js_pidfd_wait, NULL, NULL, NULL, napi_default, NULL},
		{"fifoWrite", NULL, js_fifo_write, NULL, NULL, NULL, napi_default, NULL},
		{"waitExit", NULL, js_wait_exit, NULL, NULL, NULL, napi_default, NULL},
		{"mkfifo", NULL, js_mkfifo, NULL, NULL, NULL, napi_default, NULL},
		{"unmountDetached", NULL, js_unmount_detached, NULL, NULL, NULL, napi_default, NULL},
		{"setWinsize", NULL, js_set_winsize, NULL, NULL, NULL, napi_default, NULL},
	};
	napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
