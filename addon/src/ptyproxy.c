/* The caller's side of a foreground run/exec with a terminal: copies the
 * caller's stdin into the pty master and the master's output to stdout, on a
 * worker thread (napi async work), until the process has exited and what it
 * wrote has been read.
 *
 * In C rather than with node:tty streams: Bun's node:tty does not read an
 * arbitrary fd as node's does, and node's fs streams read in the threadpool
 * with blocking reads that cannot be stopped when a leftover process still
 * holds the slave. Here the master is non-blocking (the addon set it so when
 * it received it) and poll() watches it, stdin and a pidfd of the process:
 * once the pidfd says the process is gone, the master is read until EIO (no
 * holder of the slave is left) or EAGAIN (one is: stop, as runc does).
 *
 * The caller's terminal, the first of stderr, stdout, stdin that is one (runc
 * looks in that order), is put in raw mode for the copy and restored after. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "module.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

struct pty_proxy {
	napi_async_work work;
	napi_ref cb;
	int master;
	int pidfd;
	int host_tty;          /* fd of the caller's terminal, or -1 */
	struct termios saved;  /* its mode before raw */
	int err;               /* errno that ended the copy early, or 0 */
};

static int host_terminal(void)
{
	static const int order[] = {2, 1, 0};
	size_t i;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (isatty(order[i]))
			return order[i];
	return -1;
}

/* raw as libuv's UV_TTY_MODE_RAW: no echo, no signals, bytes as they come;
 * output processing stays on, so the container's "\n" shows as "\r\n" */
static int make_raw(int fd, struct termios *saved)
{
	struct termios t;
	if (tcgetattr(fd, saved) < 0)
		return -1;
	t = *saved;
	t.c_iflag &= ~(tcflag_t)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
	t.c_oflag |= ONLCR;
	t.c_cflag |= CS8;
	t.c_lflag &= ~(tcflag_t)(ECHO | ICANON | IEXTEN | ISIG);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSADRAIN, &t);
}

/* all of buf to fd, waiting for POLLOUT when it is non-blocking and full;
 * -1 with errno when the other side has gone */
static int write_all(int fd, const char *buf, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				return -1;
			continue;
		}
		return -1;
	}
	return 0;
}

/* copies what the master has now to stdout: 1 when the slave has no holder
 * left (EIO) or stdout is gone, 0 when the master has nothing more (EAGAIN) */
static int copy_out(struct pty_proxy *x)
{
	char buf[16384];
	for (;;) {
		ssize_t n = read(x->master, buf, sizeof(buf));
		if (n > 0) {
			/* a reader that went away (EPIPE) ends our side, not the container */
			if (write_all(1, buf, (size_t)n) < 0)
				return 1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		return 1; /* EIO, or 0 bytes: the last slave holder has gone */
	}
}

/* worker thread: no N-API calls here */
static void proxy_execute(napi_env env, void *data)
{
	struct pty_proxy *x = data;
	struct pollfd p[3];
	int stdin_open = 1;
	(void)env;
	for (;;) {
		nfds_t n = 0;
		int rc, i_master, i_pid, i_in = -1;
		p[n].fd = x->master, p[n].events = POLLIN, p[n].revents = 0, i_master = (int)n++;
		p[n].fd = x->pidfd, p[n].events = POLLIN, p[n].revents = 0, i_pid = (int)n++;
		if (stdin_open) {
			p[n].fd = 0, p[n].events = POLLIN, p[n].revents = 0;
			i_in = (int)n++;
		}
		rc = poll(p, n, -1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			x->err = errno;
			return;
		}
		if (p[i_master].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (copy_out(x))
				return;
		}
		if (p[i_pid].revents & POLLIN) {
			/* the process is gone: what it wrote is in the master now */
			copy_out(x);
			return;
		}
		if (i_in >= 0 && (p[i_in].revents & (POLLIN | POLLHUP | POLLERR))) {
			char buf[4096];
			ssize_t r = read(0, buf, sizeof(buf));
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			/* end of our stdin is not the container's end: runc keeps the pty */
			if (r <= 0)
				stdin_open = 0;
			else if (write_all(x->master, buf, (size_t)r) < 0)
				stdin_open = 0;
		}
	}
}

/* JS thread: restores the caller's terminal, closes the fds, calls cb(err) */
static void proxy_complete(napi_env env, napi_status status, void *data)
{
	struct pty_proxy *x = data;
	napi_value cb, global, arg;
	(void)status;
	if (x->host_tty >= 0)
		tcsetattr(x->host_tty, TCSADRAIN, &x->saved);
	close(x->master);
	close(x->pidfd);
	if (napi_create_int32(env, -x->err, &arg) == napi_ok && napi_get_reference_value(env, x->cb, &cb) == napi_ok &&
	    napi_get_global(env, &global) == napi_ok)
		napi_call_function(env, global, cb, 1, &arg, NULL);
	napi_delete_reference(env, x->cb);
	napi_delete_async_work(env, x->work);
	free(x);
}

/* resize(master): the caller's terminal size onto the pty -> 0 or -errno */
static int copy_size(int master)
{
	struct winsize ws;
	int host = host_terminal();
	if (host < 0)
		return 0;
	if (ioctl(host, TIOCGWINSZ, &ws) < 0)
		return -errno;
	if (ws.ws_row == 0 || ws.ws_col == 0)
		return 0;
	if (ioctl(master, TIOCSWINSZ, &ws) < 0)
		return -errno;
	return 0;
}

static napi_value int_value(napi_env env, int v)
{
	napi_value r;
	if (napi_create_int32(env, v, &r) != napi_ok)
		return NULL;
	return r;
}

/* proxyPty(master, pid, copySize, cb(err)) -> 0 or -errno. The proxy owns
 * master from here on and closes it when done. */
static napi_value js_proxy_pty(napi_env env, napi_callback_info info)
{
	size_t argc = 4;
	napi_value argv[4], name;
	int32_t master, pid;
	bool copy;
	napi_valuetype cbtype;
	struct pty_proxy *x;
	long fd;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 ||
	    napi_get_value_int32(env, argv[0], &master) != napi_ok || napi_get_value_int32(env, argv[1], &pid) != napi_ok ||
	    napi_get_value_bool(env, argv[2], &copy) != napi_ok || napi_typeof(env, argv[3], &cbtype) != napi_ok ||
	    cbtype != napi_function || master < 0 || pid <= 0) {
		napi_throw_type_error(env, NULL, "proxyPty(master, pid, copySize, cb)");
		return NULL;
	}
	fd = syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (fd < 0)
		return int_value(env, -errno);
	if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0) {
		int e = errno;
		close((int)fd);
		return int_value(env, -e);
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		close((int)fd);
		napi_throw_error(env, NULL, "out of memory");
		return NULL;
	}
	x->master = master;
	x->pidfd = (int)fd;
	x->host_tty = host_terminal();
	if (copy)
		copy_size(master); /* a size we cannot read or set leaves the pty's own */
	if (x->host_tty >= 0 && make_raw(x->host_tty, &x->saved) < 0)
		x->host_tty = -1; /* not a terminal we may change: copy without raw mode */
	if (napi_create_reference(env, argv[3], 1, &x->cb) != napi_ok)
		goto fail;
	if (napi_create_string_utf8(env, "runts.proxyPty", NAPI_AUTO_LENGTH, &name) != napi_ok ||
	    napi_create_async_work(env, NULL, name, proxy_execute, proxy_complete, x, &x->work) != napi_ok) {
		napi_delete_reference(env, x->cb);
		goto fail;
	}
	if (napi_queue_async_work(env, x->work) != napi_ok) {
		napi_delete_async_work(env, x->work);
		napi_delete_reference(env, x->cb);
		goto fail;
	}
	return int_value(env, 0);
fail:
	if (x->host_tty >= 0)
		tcsetattr(x->host_tty, TCSADRAIN, &x->saved);
	close(x->pidfd);
	free(x);
	napi_throw_error(env, NULL, "cannot proxy the terminal");
	return NULL;
}

/* resizePty(master) -> 0 or -errno: after SIGWINCH, the caller's size again */
static napi_value js_resize_pty(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1];
	int32_t master;
	if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
	    napi_get_value_int32(env, argv[0], &master) != napi_ok || master < 0) {
		napi_throw_type_error(env, NULL, "resizePty(master)");
		return NULL;
	}
	return int_value(env, copy_size(master));
}

/* called from addon.c's init */
void ptyproxy_register(napi_env env, napi_value exports)
{
	napi_property_descriptor props[] = {
		{"proxyPty", NULL, js_proxy_pty, NULL, NULL, NULL, napi_default, NULL},
		{"resizePty", NULL, js_resize_pty, NULL, NULL, NULL, napi_default, NULL},
	};
	napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
