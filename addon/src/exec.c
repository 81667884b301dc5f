/* The init's last steps: the create hooks' pause, finding the executable
 * (so a missing binary fails create, as with runc), seccomp, and the start
 * of the sealed exec helper, which waits on the exec fifo and starts the
 * container's process. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "sealed_exec.h"
#include "util.h"

/* The namespaces exist and the mounts are made, the root is not changed yet:
 * runtime.md's moment for prestart, createRuntime and createContainer. */
void wait_for_hooks(const struct plan *p)
{
	if (!p->sync.pause_for_hooks)
		return;
	send_msg(SYNC_HOOKS, 0, 0, "", "");
	expect(SYNC_HOOKS_DONE, "wait for create hooks");
}

/* Finds args[0] the way execvp would, so a missing binary is reported by
 * `create` (runc does the same) rather than lost after `start`. */
const char *find_executable(const struct plan_process *p, char *buf)
{
	const char *name = p->argv[0];
	const char *dir = p->search_path;
	struct stat st;
	int saw_eacces = 0;
	if (name == NULL || name[0] == 0)
		fail("exec", "", ENOENT);
	if (strchr(name, '/')) {
		if (stat(name, &st) < 0)
			fail("exec", name, errno);
		if (S_ISDIR(st.st_mode))
			fail("exec", name, EACCES);
		if (access(name, X_OK) < 0)
			fail("exec", name, errno);
		return name;
	}
	while (dir && *dir) {
		const char *end = strchr(dir, ':');
		size_t dlen = end ? (size_t)(end - dir) : s_len(dir);
		size_t nlen = s_len(name);
		if (dlen + 1 + nlen + 1 <= PATH_MAX) {
			if (dlen == 0) {
				buf[0] = '.';
				dlen = 1;
			} else {
				memcpy(buf, dir, dlen);
			}
			buf[dlen] = '/';
			memcpy(buf + dlen + 1, name, nlen + 1);
			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
				if (access(buf, X_OK) == 0)
					return buf;
				saw_eacces = 1;
			}
		}
		if (!end)
			break;
		dir = end + 1;
	}
	/* ENOEXEC is borrowed to say "not found in $PATH" to the parent */
	fail("exec", name, saw_eacces ? EACCES : ENOEXEC);
}

/* The init's own wait, when it keeps it (plan_init_waits_itself): on Linux a
 * FIFO read end with no writer yet polls as not ready until `start` has
 * opened it for writing and written its byte. */
void wait_for_start(int fifo)
{
	struct pollfd pfd;
	char c;
	pfd.fd = fifo;
	pfd.events = POLLIN;
	pfd.revents = 0;
	for (;;) {
		int rc = poll(&pfd, 1, -1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			_exit(127);
		break;
	}
	(void)read(fifo, &c, 1);
	close(fifo);
}

/* Loads the filter the parent built (seccomp.c); a notify fd goes to the
 * parent, which hands it to the agent at listenerPath with the state. */
void load_seccomp(const struct plan_process *p)
{
	struct sync_msg m;
	int listener = -1, rc = seccomp_apply(&p->seccomp, &listener);
	if (rc < 0)
		fail("load seccomp filter", "", -rc);
	if (listener < 0)
		return;
	memset(&m, 0, sizeof(m));
	m.type = SYNC_SECCOMP_FD;
	rc = seccomp_send_fd(g_sync, &m, sizeof(m), listener);
	if (rc < 0)
		fail("send seccomp notify fd", "", -rc);
	close(listener);
}

/* The container's process, at last, through the sealed exec helper: never an
 * execve from here, where the exe is the host's runtime binary
 * (CVE-2019-5736, sealed_exec.c). A filter loaded here (`filtered`) must
 * allow execve; it may deny execveat, so then /proc/self/fd/N goes first. The helper gets the
 * sync socket (it reports there that it runs, the parent waits for that) and
 * the exec fifo (it waits there for `start`). */
void exec_container_process(const char *exe, struct sealed_exec *sealed, int filtered)
{
	int rc = sealed_exec_run(sealed, exe, filtered, g_sync, g_fifo);
	if (g_sync >= 0)
		fail("start the sealed exec helper", "", -rc);
	{
		/* after start (the init ran startContainer hooks): nobody but
		 * the container's stderr to tell */
		static const char msg[] = "runts: cannot start the container process through the sealed exec helper\n";
		(void)!write(2, msg, sizeof(msg) - 1);
	}
	_exit(127);
}
