/* The child's side of the sync socket (SOCK_SEQPACKET, one struct sync_msg
 * per message): reporting {step, path, errno} and waiting for the parent. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "child.h"
#include "util.h"

int g_sync = -1;
int g_fifo = -1;
int g_console = -1;
int g_hooks = -1;

void send_msg(int type, int pid, int err, const char *step, const char *path)
{
	struct sync_msg m;
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.pid = pid;
	m.err = err;
	/* a path longer than the message is cut: it only names what failed */
	(void)s_copy(m.step, sizeof(m.step), step);
	(void)s_copy(m.path, sizeof(m.path), path);
	/* nothing to do if the parent is gone: we exit right after anyway */
	(void)send(g_sync, &m, sizeof(m), MSG_NOSIGNAL);
}

void fail(const char *step, const char *path, int err)
{
	send_msg(SYNC_ERROR, 0, err, step, path);
	_exit(1);
}

void expect(int type, const char *step)
{
	struct sync_msg m;
	ssize_t n;
	do
		n = recv(g_sync, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(m) || m.type != type)
		fail(step, "sync socket", n < 0 ? errno : EPIPE);
}

void write_file(const char *path, const char *data, const char *step)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = s_len(data);
	if (fd < 0)
		fail(step, path, errno);
	if (write(fd, data, len) != (ssize_t)len)
		fail(step, path, errno);
	close(fd);
}
