/* The sealed exec helper: the one program a container's process is started
 * through (docs/DESIGN.md, "CVE-2019-5736"), and what a created container's
 * init is while it waits for `start`.
 *
 * The container's init and exec children are forks of the runtime, whose
 * binary is the host's. If they execve'd the container's program directly, a
 * program that is a script with `#!/proc/self/exe` would make the kernel run
 * that host binary, inside the container, as its root, and the container
 * could then write it. So they execveat() this helper instead, from a sealed
 * memfd (addon/src/sealed_exec.c): from then on /proc/<pid>/exe is that memfd,
 * never a host file, and the helper execve()s the container's program.
 *
 * The init execs it as soon as it is set up, before `start`: the wait on the
 * exec fifo happens here, so a created container holds a ~3 KB program and
 * not a copy-on-write fork of the runtime (several MB of its heap). As runc's
 * init, it makes itself non-dumpable first (the exec made it dumpable again),
 * so no process of the container can open /proc/1/fd/<fifo>, a host file;
 * and it closes the fifo before the last execve instead of leaving that to
 * close-on-exec (CVE-2016-9962: runc does the same for kernels that reset
 * dumpable before closing such fds).
 *
 * argv (exec-helper.h): [SEALED_EXEC_MARKER, sync fd or "-", fifo fd or "-", n,
 * label fd, attr, label, filter fd, filter length, filter flags ("-" for none)];
 * envp: the program's n environment entries, its path, its argv. Run any other way (as the interpreter of a
 * `#!/proc/self/exe` script the kernel gives it the interpreter's path as
 * argv[0]) it refuses, instead of starting the script again and again. The
 * marker is not a security boundary: whoever can start the helper by hand can
 * start the program it would start.
 *
 * With an exec label (process.apparmorProfile) the helper writes it to the
 * attr file under the container's procfs root fd (opened and checked by the
 * init, addon/src/lsm.c) after the fifo wait, closes that fd and execs: the
 * LSM's exec attribute applies at the next execve, so it must be written
 * after the helper's own start, and by the helper itself (the kernel takes
 * an attr write only with the opener's credentials, which an execve
 * replaces). The file is reached with openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS: a mount over it cannot redirect
 * the write (CVE-2025-52881). Any failure stops here, exit 127: the program
 * never runs without the profile asked for. Only then are openat2, write and
 * close made too.
 *
 * With a late seccomp filter (process.noNewPrivileges) the helper loads it
 * itself, last, right before that execve: after the fifo wait and the label,
 * so the profile need allow nothing of the runtime's (runc 1.1.5's init
 * makes close, openat, write, fstatfs, getdents64 and fcntl under it); only
 * execve follows. The init hands it over as a memfd sealed against change;
 * the helper checks that it holds exactly the instruction count it was told
 * (at most BPF_MAXINSNS) and that it is sealed, maps it read-only, closes the
 * fd and calls seccomp(2) with the plan's flags. A failure there exits 127
 * before the program runs: it never runs without the filter asked for.
 *
 * Freestanding (no libc, no start files, nothing to link): its own _start and
 * raw system calls: prctl, sendto and close on the sync socket, poll (ppoll on
 * arm64), read and close on the fifo, lseek, fcntl, mmap, close and seccomp
 * for the filter, execve, write and exit_group. It waits (and so calls prctl)
 * only where no seccomp filter was loaded after the init's last prctl
 * (plan_init_waits_itself, addon/src/plan.h): an early filter allows prctl,
 * and a late one is loaded here, after the wait. Nothing allocates (no brk,
 * arch_prctl; mmap only for the filter, before it is loaded), so a profile
 * that denies those does not stop the helper. */
#include "exec-helper.h"

#define NR_OPENAT2 437 /* the same number on every architecture */

#if defined(__x86_64__)
#define NR_READ 0
#define NR_WRITE 1
#define NR_CLOSE 3
#define NR_POLL 7
#define NR_LSEEK 8
#define NR_MMAP 9
#define NR_SENDTO 44
#define NR_EXECVE 59
#define NR_FCNTL 72
#define NR_PRCTL 157
#define NR_EXIT_GROUP 231
#define NR_SECCOMP 317
static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}
/* the kernel leaves argc at (%rsp), argv and envp after it */
__asm__(".text\n.global _start\n_start:\n"
	"\txor %ebp, %ebp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall helper_main\n\thlt\n");
#elif defined(__aarch64__)
#define NR_FCNTL 25
#define NR_CLOSE 57
#define NR_LSEEK 62
#define NR_READ 63
#define NR_WRITE 64
#define NR_PPOLL 73
#define NR_EXIT_GROUP 94
#define NR_PRCTL 167
#define NR_SENDTO 206
#define NR_EXECVE 221
#define NR_MMAP 222
#define NR_SECCOMP 277
static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
	return x0;
}
__asm__(".text\n.global _start\n_start:\n"
	"\tmov x29, #0\n\tmov x0, sp\n\tbl helper_main\n\tbrk #0\n");
#else
#error "exec-helper: add this architecture's _start and system call numbers"
#endif

static long sys3(long n, long a, long b, long c)
{
	return sys6(n, a, b, c, 0, 0, 0);
}

#define E_PERM 1
#define E_INTR 4
#define E_INVAL 22
#define PR_SET_DUMPABLE_ 4
#define POLLIN_ 1
#define MSG_NOSIGNAL_ 0x4000

/* <linux/openat2.h> and <fcntl.h>, without headers: the same on x86_64 and aarch64 */
struct open_how_raw {
	unsigned long long flags, mode, resolve;
};
#define O_WRONLY_RAW 01
#define O_CLOEXEC_RAW 02000000
#define RESOLVE_NO_XDEV_RAW 0x01
#define RESOLVE_NO_MAGICLINKS_RAW 0x02
#define RESOLVE_BENEATH_RAW 0x08

/* <linux/seccomp.h>, <linux/filter.h>, <sys/mman.h>, <fcntl.h>: the same on
 * x86_64 and aarch64 */
struct sock_fprog_raw {
	unsigned short len;
	const void *filter;
};
#define SECCOMP_SET_MODE_FILTER_ 1
#define SECCOMP_FILTER_FLAG_NEW_LISTENER_ 8
#define SEEK_END_ 2
#define F_GET_SEALS_ 1034
#define F_SEAL_SHRINK_ 2
#define F_SEAL_GROW_ 4
#define F_SEAL_WRITE_ 8
#define PROT_READ_ 1
#define MAP_PRIVATE_ 2

static unsigned long len(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	(void)sys3(NR_WRITE, 2, (long)s, (long)len(s));
}

static void __attribute__((noreturn)) quit(int code)
{
	for (;;)
		(void)sys3(NR_EXIT_GROUP, code, 0, 0);
}

/* the errnos an execve of a checked path can still give; others by number */
static const char *errno_words(long e)
{
	static char num[16] = "errno ";
	int n = 6, k = 0;
	char d[8];
	switch (e) {
	case 1: return "operation not permitted";
	case 2: return "no such file or directory";
	case 7: return "argument list too long";
	case 8: return "exec format error";
	case 9: return "bad file descriptor";
	case 12: return "cannot allocate memory";
	case 13: return "permission denied";
	case 18: return "invalid cross-device link";
	case 22: return "invalid argument";
	case 26: return "text file busy";
	case 38: return "function not implemented";
	case 40: return "too many levels of symbolic links";
	}
	do {
		d[k++] = (char)('0' + e % 10);
		e /= 10;
	} while (e && k < 7);
	while (k > 0)
		num[n++] = d[--k];
	num[n] = 0;
	return num;
}

/* a decimal number from argv; "-" (none) is -1, anything else -2 */
static long parse_num(const char *s)
{
	long v = 0;
	int n;
	if (s[0] == '-' && s[1] == 0)
		return -1;
	for (n = 0; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 9)
			return -2;
		v = v * 10 + (s[n] - '0');
	}
	return n ? v : -2;
}

static void __attribute__((noreturn)) die(const char *what, long rc)
{
	say("runts: ");
	say(what);
	say(": ");
	say(errno_words(-rc));
	say("\n");
	quit(127);
}

/* blocks until `start` has opened the fifo for writing and written its byte
 * (or closed it again: POLLHUP ends the wait too, as it did in the init) */
static void wait_for_start(long fifo)
{
	struct {
		int fd;
		short events, revents;
	} pfd = {(int)fifo, POLLIN_, 0};
	char c;
	long rc;
	do {
#if defined(NR_POLL)
		rc = sys3(NR_POLL, (long)&pfd, 1, -1);
#else
		rc = sys6(NR_PPOLL, (long)&pfd, 1, 0, 0, 0, 0);
#endif
	} while (rc == -E_INTR);
	if (rc < 0)
		die("wait on the exec fifo", rc);
	(void)sys3(NR_READ, fifo, (long)&c, 1);
	(void)sys3(NR_CLOSE, fifo, 0, 0);
}

static void __attribute__((noreturn)) label_failed(const char *attr, long rc)
{
	say("runts: apply the exec label (/proc/");
	say(attr);
	say("): ");
	say(errno_words(-rc));
	say("\n");
	quit(127);
}

/* the label (process.apparmorProfile's "exec <profile>"), to the attr file
 * under the container's procfs root, in one write (as the kernel takes it) */
static void write_label(long procfd, const char *attr, const char *label)
{
	struct open_how_raw how = { O_WRONLY_RAW | O_CLOEXEC_RAW, 0,
				    RESOLVE_BENEATH_RAW | RESOLVE_NO_XDEV_RAW | RESOLVE_NO_MAGICLINKS_RAW };
	long fd, rc, n = (long)len(label);
	fd = sys6(NR_OPENAT2, procfd, (long)attr, (long)&how, (long)sizeof(how), 0, 0);
	if (fd < 0)
		label_failed(attr, fd);
	rc = sys3(NR_WRITE, fd, (long)label, n);
	if (rc != n)
		label_failed(attr, rc < 0 ? rc : -5);
	(void)sys3(NR_CLOSE, fd, 0, 0);
	/* the container's program must not inherit it */
	rc = sys3(NR_CLOSE, procfd, 0, 0);
	if (rc < 0)
		label_failed(attr, rc);
}

/* a system call's result as -errno, or 0 for one that succeeded */
static long failed(long rc)
{
	return (unsigned long)rc > -4096UL ? rc : 0;
}

/* the late seccomp filter (exec-helper.h), the last step before the execve.
 * What it reads is checked: exactly `count` instructions (1..BPF_MAXINSNS),
 * in a memfd nobody can write, grow or shrink any more, and no notify
 * listener (the fd would have nobody to go to: the init keeps those). The
 * fd is closed before the load and the mapping goes with the execve, so
 * under the filter only the execve is made. */
static void load_filter(long fd, long count, long flags)
{
	const long sealed = F_SEAL_SHRINK_ | F_SEAL_GROW_ | F_SEAL_WRITE_;
	struct sock_fprog_raw prog;
	long size, seals, mem, rc;
	if (count < 1 || count > SEALED_EXEC_MAX_INSNS || flags < 0 || (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER_))
		die("load seccomp filter", -E_INVAL);
	size = sys3(NR_LSEEK, fd, 0, SEEK_END_);
	if (failed(size))
		die("load seccomp filter", size);
	if (size != count * SEALED_EXEC_INSN_SIZE)
		die("load seccomp filter", -E_INVAL);
	seals = sys3(NR_FCNTL, fd, F_GET_SEALS_, 0);
	if (failed(seals))
		die("load seccomp filter", seals);
	if ((seals & sealed) != sealed)
		die("load seccomp filter", -E_PERM);
	mem = sys6(NR_MMAP, 0, size, PROT_READ_, MAP_PRIVATE_, fd, 0);
	if (failed(mem))
		die("load seccomp filter", mem);
	rc = sys3(NR_CLOSE, fd, 0, 0);
	if (failed(rc))
		die("load seccomp filter", rc);
	prog.len = (unsigned short)count;
	prog.filter = (const void *)mem;
	rc = sys3(NR_SECCOMP, SECCOMP_SET_MODE_FILTER_, flags, (long)&prog);
	if (failed(rc))
		die("load seccomp filter", rc);
}

void __attribute__((noreturn, used)) helper_main(long *sp);

void helper_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	const char *marker = SEALED_EXEC_MARKER;
	const char running = (char)SEALED_EXEC_RUNNING;
	unsigned long i;
	long rc, sync, fifo, nenv, k, label_fd, filter_fd, filter_len, filter_flags;
	const char *path;

	if (argc != SEALED_EXEC_ARGC)
		goto refuse;
	for (i = 0; marker[i]; i++)
		if (argv[0][i] != marker[i])
			goto refuse;
	if (argv[0][i] != 0)
		goto refuse;
	sync = parse_num(argv[SEALED_EXEC_ARG_SYNC]);
	fifo = parse_num(argv[SEALED_EXEC_ARG_FIFO]);
	nenv = parse_num(argv[SEALED_EXEC_ARG_NENV]);
	label_fd = parse_num(argv[SEALED_EXEC_ARG_LABEL_FD]);
	filter_fd = parse_num(argv[SEALED_EXEC_ARG_FILTER_FD]);
	filter_len = parse_num(argv[SEALED_EXEC_ARG_FILTER_LEN]);
	filter_flags = parse_num(argv[SEALED_EXEC_ARG_FILTER_FLAGS]);
	if (sync < -1 || fifo < -1 || nenv < 0 || label_fd < -1 || filter_fd < -1 || filter_len < -1 || filter_flags < -1)
		goto refuse;
	/* envp: n entries, the path, at least argv[0] */
	for (k = 0; k <= nenv + 1; k++)
		if (envp[k] == 0)
			goto refuse;
	path = envp[nenv];
	envp[nenv] = 0;
	/* the exec fifo is a host file: keep /proc/1/fd out of reach while the
	 * container is created, as the init was before this exec */
	if (fifo >= 0) {
		rc = sys3(NR_PRCTL, PR_SET_DUMPABLE_, 0, 0);
		if (rc < 0)
			die("set non-dumpable", rc);
	}
	/* no reply from the parent is awaited: if it is gone, create failed and
	 * the container is killed */
	if (sync >= 0) {
		(void)sys6(NR_SENDTO, sync, (long)&running, 1, MSG_NOSIGNAL_, 0, 0);
		(void)sys3(NR_CLOSE, sync, 0, 0);
	}
	if (fifo >= 0)
		wait_for_start(fifo);
	if (label_fd >= 0)
		write_label(label_fd, argv[SEALED_EXEC_ARG_LABEL_ATTR], argv[SEALED_EXEC_ARG_LABEL]);
	if (filter_fd >= 0)
		load_filter(filter_fd, filter_len, filter_flags);
	rc = sys3(NR_EXECVE, (long)path, (long)(envp + nenv + 1), (long)envp);
	/* checked at create (the init's find_executable), so this is a race or
	 * an exec format error: say which, in runc's words, and exit 127 as the
	 * runtime's own failed execve did */
	say("runts: exec ");
	say(path);
	say(": ");
	say(errno_words(-rc));
	say("\n");
	quit(127);
refuse:
	say("runts: the sealed exec helper refuses to run as an interpreter (#!/proc/self/exe)\n");
	quit(127);
}
