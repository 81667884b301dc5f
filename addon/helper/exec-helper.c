/* The sealed exec helper: the one program a container's process is started
 * through (docs/DESIGN.md, "CVE-2019-5736").
 *
 * The container's init and exec children are forks of the runtime, whose
 * binary is the host's. If they execve'd the container's program directly, a
 * program that is a script with `#!/proc/self/exe` would make the kernel run
 * that host binary, inside the container, as its root, and the container
 * could then write it. So they execveat() this helper instead, from a sealed
 * memfd (addon/src/sealed_exec.c): from then on /proc/<pid>/exe is that memfd,
 * never a host file, and the helper execve()s the container's program.
 *
 * argv: [SEALED_EXEC_MARKER, path, argv[0], argv[1], ...]. Run any other way
 * (as the interpreter of a `#!/proc/self/exe` script the kernel gives it the
 * interpreter's path as argv[0]) it refuses, instead of starting the script
 * again and again. The marker is not a security boundary: whoever can start
 * the helper by hand can start the program it would start.
 *
 * Freestanding (no libc, no start files, nothing to link): its own _start,
 * raw execve, write and exit_group. It makes no other system call, so a
 * seccomp profile that lets the container's program start (execve) lets the
 * helper work too, whatever else it denies (brk, arch_prctl, mmap...). */
#include "exec-helper.h"

#if defined(__x86_64__)
#define NR_WRITE 1
#define NR_EXECVE 59
#define NR_EXIT_GROUP 231
static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}
/* the kernel leaves argc at (%rsp), argv and envp after it */
__asm__(".text\n.global _start\n_start:\n"
	"\txor %ebp, %ebp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall helper_main\n\thlt\n");
#elif defined(__aarch64__)
#define NR_WRITE 64
#define NR_EXECVE 221
#define NR_EXIT_GROUP 94
static long sys3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}
__asm__(".text\n.global _start\n_start:\n"
	"\tmov x29, #0\n\tmov x0, sp\n\tbl helper_main\n\tbrk #0\n");
#else
#error "exec-helper: add this architecture's _start and system call numbers"
#endif

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
	case 2: return "no such file or directory";
	case 7: return "argument list too long";
	case 8: return "exec format error";
	case 12: return "cannot allocate memory";
	case 13: return "permission denied";
	case 26: return "text file busy";
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

void __attribute__((noreturn, used)) helper_main(long *sp);

void helper_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	const char *marker = SEALED_EXEC_MARKER;
	unsigned long i;
	long rc;

	if (argc < 3)
		goto refuse;
	for (i = 0; marker[i]; i++)
		if (argv[0][i] != marker[i])
			goto refuse;
	if (argv[0][i] != 0)
		goto refuse;
	rc = sys3(NR_EXECVE, (long)argv[1], (long)(argv + 2), (long)envp);
	/* checked at create (the init's find_executable), so this is a race or
	 * an exec format error: say which, in runc's words, and exit 127 as the
	 * runtime's own failed execve did */
	say("runts: exec ");
	say(argv[1]);
	say(": ");
	say(errno_words(-rc));
	say("\n");
	quit(127);
refuse:
	say("runts: the sealed exec helper refuses to run as an interpreter (#!/proc/self/exe)\n");
	quit(127);
}
