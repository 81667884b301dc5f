// bench/measure: the bench's process supervisor, a tiny containerd-shim.
//
// It is a child subreaper, so a container init orphaned by `create` (runc's or
// runts') becomes its child, as it becomes the shim's under containerd; it
// times each command from fork to reaped exit with CLOCK_MONOTONIC and takes
// the peak RSS of the runtime process from wait4's rusage. Nothing is left as
// a zombie: every child is reaped, and statuses are kept for `wait`.
//
// Requests on stdin, one a line, fields separated by TAB; one answer a line:
//   x    CMD ARG...          -> ok <ns> <maxrss_kb> <status>
//   par  N CMD ARG...        -> ok <ns> <max maxrss_kb> <failed>   ("%i" in args -> 0..N-1)
//   wait PID TIMEOUT_MS      -> ok <ns> <status>   (status -1: timed out)
//   mem  PID                 -> ok <RssAnon_kb> <VmRSS_kb> <other live children>
//   kids                     -> ok <live children>
// status: exit code, or 128+signal. Commands get stdin /dev/null and
// stdout/stderr appended to the log file named by argv[1].
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXARGS 256
#define MAXREAPED 4096

static struct {
  pid_t pid;
  int status;
} reaped[MAXREAPED];
static int nreaped;
static int logfd = 2;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int decode(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

static void remember(pid_t pid, int st) {
  reaped[nreaped % MAXREAPED].pid = pid;
  reaped[nreaped % MAXREAPED].status = decode(st);
  nreaped++;
}

static int take(pid_t pid) {
  int n = nreaped < MAXREAPED ? nreaped : MAXREAPED;
  for (int i = 0; i < n; i++)
    if (reaped[i].pid == pid) {
      reaped[i].pid = 0;
      return reaped[i].status;
    }
  return -2;
}

static void reap_all(void) {
  int st;
  pid_t p;
  while ((p = waitpid(-1, &st, WNOHANG)) > 0) remember(p, st);
}

static pid_t launch(char **argv) {
  pid_t pid = fork();
  if (pid == 0) {
    int nul = open("/dev/null", O_RDONLY);
    dup2(nul, 0);
    dup2(logfd, 1);
    dup2(logfd, 2);
    if (nul > 2) close(nul);
    signal(SIGINT, SIG_DFL);
    execvp(argv[0], argv);
    dprintf(2, "measure: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  return pid;
}

static void do_x(char **argv) {
  struct rusage ru;
  int st;
  long long t0 = now_ns();
  pid_t pid = launch(argv);
  if (pid < 0) {
    printf("err fork: %s\n", strerror(errno));
    return;
  }
  while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {
  }
  long long t1 = now_ns();
  printf("ok %lld %ld %d\n", t1 - t0, ru.ru_maxrss, decode(st));
  reap_all();
}

static void do_par(int n, char **argv, int argc) {
  static pid_t pids[1024];
  static char bufs[MAXARGS][256];
  char *args[MAXARGS + 1];
  if (n < 1 || n > 1024) {
    printf("err bad count\n");
    return;
  }
  long long t0 = now_ns();
  for (int i = 0; i < n; i++) {
    for (int a = 0; a < argc; a++) {
      char *p = strstr(argv[a], "%i");
      if (p) {
        snprintf(bufs[a], sizeof bufs[a], "%.*s%d%s", (int)(p - argv[a]), argv[a], i, p + 2);
        args[a] = bufs[a];
      } else {
        args[a] = argv[a];
      }
    }
    args[argc] = NULL;
    pids[i] = launch(args);
  }
  int left = n, failed = 0;
  long maxrss = 0;
  while (left > 0) {
    struct rusage ru;
    int st;
    pid_t p = wait4(-1, &st, 0, &ru);
    if (p < 0) {
      if (errno == EINTR) continue;
      break;
    }
    int mine = 0;
    for (int i = 0; i < n; i++)
      if (pids[i] == p) mine = 1;
    if (!mine) {
      remember(p, st);
      continue;
    }
    left--;
    if (decode(st) != 0) failed++;
    if (ru.ru_maxrss > maxrss) maxrss = ru.ru_maxrss;
  }
  long long t1 = now_ns();
  printf("ok %lld %ld %d\n", t1 - t0, maxrss, failed + left);
}

static void do_wait(pid_t pid, long timeout_ms) {
  long long t0 = now_ns();
  long long end = t0 + timeout_ms * 1000000LL;
  for (;;) {
    int st = take(pid);
    if (st != -2) {
      printf("ok %lld %d\n", now_ns() - t0, st);
      return;
    }
    int s;
    pid_t p = waitpid(pid, &s, WNOHANG);
    if (p == pid) {
      printf("ok %lld %d\n", now_ns() - t0, decode(s));
      return;
    }
    if (p < 0 && errno == ECHILD) {
      printf("err %d is not our child\n", pid);
      return;
    }
    if (now_ns() > end) {
      printf("ok %lld -1\n", now_ns() - t0);
      return;
    }
    struct timespec ts = {0, 100000}; // 0.1 ms
    nanosleep(&ts, NULL);
  }
}

/** live (not zombie) processes whose parent is us, except `except` */
static int live_children(pid_t except) {
  DIR *d = opendir("/proc");
  struct dirent *e;
  int n = 0;
  pid_t self = getpid();
  if (!d) return -1;
  while ((e = readdir(d))) {
    char path[64], buf[512];
    pid_t p = atoi(e->d_name);
    if (p <= 0 || p == except) continue;
    snprintf(path, sizeof path, "/proc/%d/stat", p);
    int fd = open(path, O_RDONLY);
    if (fd < 0) continue;
    ssize_t r = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (r <= 0) continue;
    buf[r] = 0;
    char *q = strrchr(buf, ')');
    char state;
    int ppid;
    if (q && sscanf(q + 2, "%c %d", &state, &ppid) == 2 && ppid == self && state != 'Z') n++;
  }
  closedir(d);
  return n;
}

static void do_mem(pid_t pid) {
  char path[64], line[256];
  long anon = -1, rss = -1;
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  FILE *f = fopen(path, "r");
  if (f) {
    while (fgets(line, sizeof line, f)) {
      sscanf(line, "RssAnon: %ld", &anon);
      sscanf(line, "VmRSS: %ld", &rss);
    }
    fclose(f);
  }
  printf("ok %ld %ld %d\n", anon, rss, live_children(pid));
}

int main(int argc, char **argv) {
  char *line = NULL;
  size_t cap = 0;
  if (argc > 1) {
    logfd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logfd < 0) {
      perror(argv[1]);
      return 1;
    }
  }
  // Ctrl-C goes to the whole process group: the driver cleans up through us
  // and then closes our stdin, so we outlive it rather than orphan anything
  signal(SIGINT, SIG_IGN);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
    perror("PR_SET_CHILD_SUBREAPER");
    return 1;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  while (getline(&line, &cap, stdin) > 0) {
    char *args[MAXARGS + 1];
    int n = 0;
    line[strcspn(line, "\n")] = 0;
    for (char *tok = strtok(line, "\t"); tok && n < MAXARGS; tok = strtok(NULL, "\t")) args[n++] = tok;
    args[n] = NULL;
    if (n == 0) continue;
    if (!strcmp(args[0], "x") && n > 1) do_x(args + 1);
    else if (!strcmp(args[0], "par") && n > 2) do_par(atoi(args[1]), args + 2, n - 2);
    else if (!strcmp(args[0], "wait") && n > 2) do_wait(atoi(args[1]), atol(args[2]));
    else if (!strcmp(args[0], "mem") && n > 1) do_mem(atoi(args[1]));
    else if (!strcmp(args[0], "kids")) {
      reap_all();
      printf("ok %d\n", live_children(0));
    } else printf("err unknown request\n");
  }
  // stdin closed: reap what is left, for a while, then leave the rest to init
  long long end = now_ns() + 5000000000LL;
  while (now_ns() < end) {
    reap_all();
    if (live_children(0) == 0) break;
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
  }
  reap_all();
  return 0;
}
