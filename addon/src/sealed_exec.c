/* Starting the container's process through the sealed exec helper.
 *
 * Why: the init and the exec child are forks of the runtime, so their
 * /proc/<pid>/exe is the host binary that runs runts (node, or a compiled
 * runts). An execve of the container's program from there lets a
 * `#!/proc/self/exe` script run that host binary as its interpreter, inside
 * the container, as its root, and write it once no runtime process holds it
 * busy (CVE-2019-5736). Instead the child execs the helper, copied into a
 * memfd that is sealed against any change: from that execve on, every
 * /proc/<pid>/exe the container can reach is that memfd, its own copy, and
 * the helper, run as an interpreter, refuses (exec-helper.c).
 *
 * Why a helper and not runc's way (re-executing the runtime itself from a
 * sealed copy): runts' binary is node (~100 MB) or a Bun executable; copying
 * it per container costs more than the whole create, and a re-executed node
 * would have to boot before it could execve. The helper is ~3 KB.
 *
 * Runs in the forked child: raw system calls only, no malloc, no stdio. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/memfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../helper/exec-helper.h"
#include "sealed_exec.h"
#include "sealed_exec_helper.h" /* generated: the helper's bytes (embed.sh) */

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif
#ifndef SYS_execveat
#define SYS_execveat 322
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif

/* exec: the helper's memfd (MFD_EXEC), else one that holds data only */
static int make_memfd(const char *name, int exec)
{
	/* MFD_EXEC (Linux 6.3): without it a vm.memfd_noexec=1 host makes the
	 * memfd non-executable; older kernels refuse the flag (EINVAL), and
	 * MFD_NOEXEC_SEAL for the data one */
	unsigned int flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
	long fd = syscall(SYS_memfd_create, name, flags | (exec ? MFD_EXEC : MFD_NOEXEC_SEAL));
	if (fd < 0 && errno == EINVAL)
		fd = syscall(SYS_memfd_create, name, flags);
	if (fd < 0)
		return -errno;
	/* never 0..2: the console set-up dup2()s the pty onto those */
	if (fd < 3) {
		int high = fcntl((int)fd, F_DUPFD_CLOEXEC, 3);
		int e = errno;
		close((int)fd);
		if (high < 0)
			return -e;
		fd = high;
	}
	return (int)fd;
}

static int fill_and_seal(int fd, const void *data, size_t size)
{
	const unsigned char *bytes = data;
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, bytes + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	/* no write, no resize, no chmod, and no more seal changes; F_SEAL_EXEC
	 * is Linux 6.3, refused (EINVAL) before */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_EXEC | F_SEAL_SEAL) < 0) {
		if (errno != EINVAL)
			return -errno;
		if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
			return -errno;
	}
	return 0;
}

/* se->argv: [marker, sync, fifo, nenv, NULL]; se->envp: [env..., NULL (the
 * path, set by sealed_exec_run), argv..., NULL], in one mapping */
static int map_arrays(struct sealed_exec *se, char *const argv[], char *const envp[])
{
	size_t argc = 0, nenv = 0, i, page = 4096, slots;
	void *mem;

	se->argv = NULL;
	se->envp = NULL;
	se->map_len = 0;
	se->label_procfd = -1;
	se->label = NULL;
	se->filter_fd = -1;
	while (argv[argc])
		argc++;
	while (envp && envp[nenv])
		nenv++;
	se->nenv = nenv;
	/* both counts are bounded by the plan the parent built from JS arrays,
	 * far below SIZE_MAX / sizeof(char *) */
	slots = SEALED_EXEC_ARGC + 1 + nenv + 1 + argc + 1;
	se->map_len = (slots * sizeof(char *) + page - 1) / page * page;
	mem = mmap(NULL, se->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	se->argv = mem;
	se->argv[0] = (char *)SEALED_EXEC_MARKER;
	se->argv[SEALED_EXEC_ARG_SYNC] = se->sync;
	se->argv[SEALED_EXEC_ARG_FIFO] = se->fifo;
	se->argv[SEALED_EXEC_ARG_NENV] = se->nenv_text;
	se->argv[SEALED_EXEC_ARG_LABEL_FD] = (char *)"-";
	se->argv[SEALED_EXEC_ARG_LABEL_ATTR] = (char *)"-";
	se->argv[SEALED_EXEC_ARG_LABEL] = (char *)"-";
	se->argv[SEALED_EXEC_ARG_FILTER_FD] = (char *)"-";
	se->argv[SEALED_EXEC_ARG_FILTER_LEN] = (char *)"-";
	se->argv[SEALED_EXEC_ARG_FILTER_FLAGS] = (char *)"-";
	se->argv[SEALED_EXEC_ARGC] = NULL;
	se->envp = se->argv + SEALED_EXEC_ARGC + 1;
	for (i = 0; i < nenv; i++)
		se->envp[i] = envp[i];
	se->envp[nenv] = NULL;
	for (i = 0; i <= argc; i++)
		se->envp[nenv + 1 + i] = argv[i];
	return 0;
}

int sealed_exec_prepare(struct sealed_exec *se, char *const argv[], char *const envp[])
{
	int rc;

	se->fd = -1;
	rc = map_arrays(se, argv, envp);
	if (rc < 0)
		return rc;
	se->fd = make_memfd("runts-exec", 1);
	if (se->fd < 0)
		return se->fd;
	rc = fill_and_seal(se->fd, sealed_exec_helper, SEALED_EXEC_HELPER_SIZE);
	if (rc < 0) {
		close(se->fd);
		se->fd = -1;
	}
	return rc;
}

int sealed_exec_share(struct sealed_exec *se, const struct sealed_exec *from, char *const argv[], char *const envp[])
{
	se->fd = from->fd;
	return map_arrays(se, argv, envp);
}

static size_t text_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int sealed_exec_set_label(struct sealed_exec *se, int procfd, const char *attr, const char *label)
{
	static const char prefix[] = "thread-self/attr/";
	size_t n = text_len(attr), i;
	unsigned int v = (unsigned int)procfd;
	char digits[12];
	int k = 0;
	if (sizeof(prefix) - 1 + n + 1 > sizeof(se->label_attr))
		return -ENAMETOOLONG;
	for (i = 0; i < sizeof(prefix) - 1; i++)
		se->label_attr[i] = prefix[i];
	for (i = 0; i <= n; i++)
		se->label_attr[sizeof(prefix) - 1 + i] = attr[i];
	do {
		digits[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && k < 11);
	for (i = 0; k > 0; i++)
		se->label_procfd_text[i] = digits[--k];
	se->label_procfd_text[i] = 0;
	se->label_procfd = procfd;
	se->label = label;
	se->argv[SEALED_EXEC_ARG_LABEL_FD] = se->label_procfd_text;
	se->argv[SEALED_EXEC_ARG_LABEL_ATTR] = se->label_attr;
	se->argv[SEALED_EXEC_ARG_LABEL] = (char *)label;
	return 0;
}

/* n in decimal into buf (12 bytes: any int fits) */
static void int_text(char *buf, unsigned int v)
{
	char digits[12];
	int k = 0;
	size_t i;
	do {
		digits[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && k < 11);
	for (i = 0; k > 0; i++)
		buf[i] = digits[--k];
	buf[i] = 0;
}

int sealed_exec_set_filter(struct sealed_exec *se, const struct seccomp_prep *s)
{
	size_t bytes = (size_t)s->len * sizeof(*s->insns);
	int fd, rc;
	/* the helper refuses anything else; the parent never builds more */
	if (!s->insns || s->len == 0 || s->len > SEALED_EXEC_MAX_INSNS || sizeof(*s->insns) != SEALED_EXEC_INSN_SIZE)
		return -EINVAL;
	fd = make_memfd("runts-seccomp", 0);
	if (fd < 0)
		return fd;
	rc = fill_and_seal(fd, s->insns, bytes);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	se->filter_fd = fd;
	int_text(se->filter_fd_text, (unsigned int)fd);
	int_text(se->filter_len_text, s->len);
	int_text(se->filter_flags_text, s->flags);
	se->argv[SEALED_EXEC_ARG_FILTER_FD] = se->filter_fd_text;
	se->argv[SEALED_EXEC_ARG_FILTER_LEN] = se->filter_len_text;
	se->argv[SEALED_EXEC_ARG_FILTER_FLAGS] = se->filter_flags_text;
	return 0;
}

void sealed_exec_copy_label(struct sealed_exec *se, const struct sealed_exec *from)
{
	if (from->label_procfd < 0)
		return;
	memcpy(se->label_procfd_text, from->label_procfd_text, sizeof(se->label_procfd_text));
	memcpy(se->label_attr, from->label_attr, sizeof(se->label_attr));
	se->label_procfd = from->label_procfd;
	se->label = from->label;
	se->argv[SEALED_EXEC_ARG_LABEL_FD] = se->label_procfd_text;
	se->argv[SEALED_EXEC_ARG_LABEL_ATTR] = se->label_attr;
	se->argv[SEALED_EXEC_ARG_LABEL] = (char *)se->label;
}

/* prefix, then n in decimal ("-" for -1); buf holds 32 bytes */
static void num_text(char *buf, const char *prefix, long n_)
{
	char digits[24];
	int n = 0;
	size_t i = 0;
	unsigned long v = (unsigned long)n_;
	while (prefix[i]) {
		buf[i] = prefix[i];
		i++;
	}
	if (n_ < 0) {
		buf[i++] = '-';
		buf[i] = 0;
		return;
	}
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n > 0)
		buf[i++] = digits[--n];
	buf[i] = 0;
}

int sealed_exec_run(struct sealed_exec *se, const char *path, int via_proc, int sync, int fifo)
{
	char procpath[32], num[32];
	char **envp = se->envp;
	int err;
	envp[se->nenv] = (char *)path;
	num_text(num, "", sync);
	memcpy(se->sync, num, sizeof(se->sync));
	num_text(num, "", fifo);
	memcpy(se->fifo, num, sizeof(se->fifo));
	num_text(num, "", (long)se->nenv);
	memcpy(se->nenv_text, num, sizeof(se->nenv_text));
	num_text(procpath, "/proc/self/fd/", se->fd);
	/* the label's /proc stays close-on-exec until now, so nothing the init
	 * starts before (a hook) inherits it; only the helper does, and closes it */
	if (se->label_procfd >= 0 && fcntl(se->label_procfd, F_SETFD, 0) < 0)
		return -errno;
	/* the filter's memfd likewise: the helper loads it and closes it */
	if (se->filter_fd >= 0 && fcntl(se->filter_fd, F_SETFD, 0) < 0)
		return -errno;
	/* The memfd is close-on-exec: the helper (and so the container) never
	 * has it. execveat of an O_CLOEXEC fd works for an ELF binary; only a
	 * script would lose the fd its interpreter needs. */
	if (via_proc)
		(void)execve(procpath, se->argv, envp);
	(void)syscall(SYS_execveat, se->fd, "", se->argv, envp, AT_EMPTY_PATH);
	err = errno;
	if (!via_proc) {
		(void)execve(procpath, se->argv, envp);
		/* no /proc in the container: execveat's reason says more */
		if (errno != ENOENT)
			err = errno;
	}
	return -err;
}
