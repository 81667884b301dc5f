/* The bind sources of a container with a user namespace. The container's
 * root may not reach them (a directory only the host's root can enter), so
 * the runtime opens them (O_PATH), as runc 1.1 does (nsexec.c
 * send_mountsources): in the container's mount namespace, which stage 1 has
 * just made, before any mount. Opened there, the fds name that namespace's
 * copies of the mounts, with the locks the kernel put on them (a bind from
 * them keeps the host's ro/nosuid/nodev); a mount of the host's namespace
 * could not be bound there at all. setns into a mount namespace needs a
 * single-threaded caller: a helper forked from the runtime joins it, opens
 * the sources and passes the fds to the runtime, which passes them on to
 * stage 1; the init mounts /proc/self/fd/N (mounts.c). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "sources.h"
#include "util.h"

/* helper -> runtime: one per source, the fd attached when err is 0 */
struct source_msg {
	int index; /* mount index, -1: joining the namespace failed */
	int err;
};

static void helper_report(int sock, int index, int err, int fd)
{
	struct source_msg m;
	m.index = index;
	m.err = err;
	if (fd >= 0)
		(void)fdpass_send(sock, &m, sizeof(m), fd);
	else
		(void)send(sock, &m, sizeof(m), MSG_NOSIGNAL);
}

/* the helper: a fork of the multi-threaded runtime, so raw system calls and
 * async-signal-safe functions only */
static void source_helper(const struct plan *p, pid_t stage1, int sock) __attribute__((noreturn));
static void source_helper(const struct plan *p, pid_t stage1, int sock)
{
	char path[64], num[16];
	int ns, i;
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (!int_to_str(num, sizeof(num), stage1) || s_copy(path, sizeof(path), "/proc/") < 0 ||
	    s_copy(path + 6, sizeof(path) - 6, num) < 0 || s_copy(path + s_len(path), sizeof(path) - s_len(path), "/ns/mnt") < 0) {
		helper_report(sock, -1, ENAMETOOLONG, -1);
		_exit(1);
	}
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWNS) < 0) {
		helper_report(sock, -1, errno, -1);
		_exit(1);
	}
	close(ns);
	for (i = 0; i < p->rootfs.nmounts; i++) {
		const struct plan_mount *m = &p->rootfs.mounts[i];
		int fd;
		if (!m->open_source)
			continue;
		fd = open(m->source, O_PATH | O_CLOEXEC);
		helper_report(sock, i, fd < 0 ? errno : 0, fd);
		if (fd < 0)
			_exit(1);
		close(fd);
	}
	_exit(0);
}

/* the helper's messages, each fd passed on to stage 1; 0 at the helper's end */
static int forward(const struct plan *p, int from, int sock, int *index, int *err)
{
	for (;;) {
		struct source_msg m;
		struct sync_msg out;
		int fd = -1;
		ssize_t n = fdpass_recv(from, &m, sizeof(m), &fd, 0);
		if (n == 0)
			return 0;
		if (n != (ssize_t)sizeof(m) || m.index < -1 || m.index >= p->rootfs.nmounts || (m.err == 0 && fd < 0)) {
			if (fd >= 0)
				close(fd);
			*index = -2;
			*err = n < 0 ? (int)-n : EPROTO;
			return -1;
		}
		if (m.err != 0) {
			*index = m.index;
			*err = m.err;
			return -1;
		}
		memset(&out, 0, sizeof(out));
		out.type = SYNC_SOURCE_FD;
		out.pid = m.index;
		n = fdpass_send(sock, &out, sizeof(out), fd);
		close(fd);
		if (n != (ssize_t)sizeof(out)) {
			*index = m.index;
			*err = n < 0 ? (int)-n : EPROTO;
			return -1;
		}
	}
}

int send_mount_sources(const struct plan *p, pid_t stage1, int sock, int *index, int *err)
{
	int sv[2], rc, status = 0;
	pid_t pid;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		*index = -2;
		*err = errno;
		return -1;
	}
	pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		close(sv[0]);
		source_helper(p, stage1, sv[1]);
	}
	close(sv[1]);
	if (pid < 0) {
		*index = -2;
		*err = errno;
		close(sv[0]);
		return -1;
	}
	rc = forward(p, sv[0], sock, index, err);
	close(sv[0]);
	if (rc < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
	if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		*index = -2;
		*err = ECHILD;
		return -1;
	}
	return rc;
}
