/* process.terminal: the pty, its slave as stdio and /dev/console, its master
 * to the console socket. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <termios.h>
#include <unistd.h>

#include "child.h"
#include "fdpass.h"
#include "ptycheck.h"
#include "util.h"

/* process.terminal: a pty from the container's devpts; the slave becomes
 * stdio, the controlling terminal and /dev/console, the master goes over the
 * console socket (runc's protocol: the name "/dev/ptmx" with SCM_RIGHTS). */
void setup_console(const struct plan *p, int rootfd)
{
	char target[FD_PATH_LEN], source[FD_PATH_LEN];
	int master, slave, unlock = 0, fd, i;
	if (!p->proc.terminal)
		return;
	if (setsid() < 0)
		fail("setsid", "", errno);
	master = open_in_root(rootfd, "/dev/ptmx", O_RDWR | O_NOCTTY);
	if (master < 0)
		fail("open pty master", "/dev/ptmx", errno);
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		fail("unlock pty", "/dev/ptmx", errno);
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		fail("open pty slave", "/dev/ptmx", errno);
	check_container_pty(rootfd, slave);
	/* only the owner changes (runc too): the group and mode stay what the
	 * devpts mount gives new ptys (gid=5,mode=620 in the default config), so
	 * the container's user owns its terminal and the tty group may write it */
	if (fchown(slave, p->proc.uid, (gid_t)-1) < 0)
		fail("chown pty slave", "", errno);
	/* a foreground run/exec: runts copies the master to its stdout, which
	 * may be a pipe; without ONLCR the process's "\n" arrives as "\n" (runc
	 * clears it too). Here, before the process can write anything. */
	if (!p->sync.console_socket || !p->sync.console_socket[0]) {
		struct termios t;
		if (tcgetattr(slave, &t) < 0)
			fail("get pty attributes", "", errno);
		t.c_oflag &= ~(tcflag_t)ONLCR;
		if (tcsetattr(slave, TCSANOW, &t) < 0)
			fail("clear ONLCR on the pty", "", errno);
	}
	if (p->proc.console_rows && p->proc.console_cols) {
		struct winsize ws;
		memset(&ws, 0, sizeof(ws));
		ws.ws_row = p->proc.console_rows;
		ws.ws_col = p->proc.console_cols;
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			fail("set console size", "", errno);
	}
	if ((p->ns.clone_flags & CLONE_NEWNS) && !p->exec) {
		fd = open_console_target(rootfd, p->scratch, p->scratch_len);
		if (mount(fd_path(source, slave), fd_path(target, fd), NULL, MS_BIND, NULL) < 0)
			fail("bind mount /dev/console", "/dev/console", errno);
		close(fd);
	}
	/* runc's protocol: the name "/dev/ptmx", the master with SCM_RIGHTS */
	{
		ssize_t n = fdpass_send(g_console, "/dev/ptmx", 9, master);
		if (n < 0)
			fail("send pty master to console socket", "", (int)-n);
	}
	close(master);
	close(g_console);
	g_console = -1;
	for (i = 0; i < 3; i++)
		if (dup2(slave, i) < 0)
			fail("dup pty slave", "", errno);
	if (slave > 2)
		close(slave);
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		fail("set controlling terminal", "", errno);
}
