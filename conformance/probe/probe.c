/*
 * runts-conformance probe: runs as the container process and prints, as one
 * JSON object on stdout, what the container sees. It decides nothing: the
 * suite compares these facts with config.json.
 *
 *   probe [--file PATH]... [--stat PATH]... [--write PATH]... [--sysctl KEY]...
 *         [--sleep SECONDS] [--exit CODE]
 *
 * Built static (gcc -static -O2) so it runs in any rootfs; no NSS calls.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

static void str(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') printf("\\%c", *p);
    else if (*p == '\n') fputs("\\n", stdout);
    else if (*p == '\t') fputs("\\t", stdout);
    else if (*p < 0x20 || *p >= 0x7f) printf("\\u%04x", *p);
    else putchar(*p);
  }
  putchar('"');
}

static void key(const char *k) {
  str(k);
  putchar(':');
}

/* a whole file as a JSON string, or {"errno":N} */
static void file(const char *path) {
  static char buf[1 << 20];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    printf("{\"errno\":%d}", errno);
    return;
  }
  size_t n = 0;
  ssize_t r;
  while (n < sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0) n += (size_t)r;
  if (r < 0 && n == 0) {
    printf("{\"errno\":%d}", errno);
    close(fd);
    return;
  }
  buf[n] = 0;
  close(fd);
  str(buf);
}

static const char *ftype(mode_t m) {
  if (S_ISREG(m)) return "file";
  if (S_ISDIR(m)) return "dir";
  if (S_ISLNK(m)) return "symlink";
  if (S_ISCHR(m)) return "char";
  if (S_ISBLK(m)) return "block";
  if (S_ISFIFO(m)) return "fifo";
  if (S_ISSOCK(m)) return "socket";
  return "unknown";
}

static void statobj(const char *path, const struct stat *st) {
  printf("{\"type\":\"%s\",\"mode\":%u,\"uid\":%u,\"gid\":%u,\"major\":%u,\"minor\":%u,\"size\":%lld,\"ino\":%llu",
         ftype(st->st_mode), (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid, (unsigned)st->st_gid,
         major(st->st_rdev), minor(st->st_rdev), (long long)st->st_size, (unsigned long long)st->st_ino);
  if (S_ISLNK(st->st_mode)) {
    char t[4096];
    ssize_t n = readlink(path, t, sizeof(t) - 1);
    if (n >= 0) {
      t[n] = 0;
      printf(",\"target\":");
      str(t);
    }
  }
  putchar('}');
}

/* lstat, statvfs flags, access(2) results, a read of the first bytes, entries of a directory */
static void statpath(const char *path) {
  struct stat st;
  if (lstat(path, &st) < 0) {
    printf("{\"errno\":%d}", errno);
    return;
  }
  printf("{\"lstat\":");
  statobj(path, &st);
  struct statvfs vfs;
  if (statvfs(path, &vfs) == 0) printf(",\"vfsflags\":%lu", vfs.f_flag);
  printf(",\"access\":{\"r\":%d,\"w\":%d,\"x\":%d}", access(path, R_OK) ? errno : 0, access(path, W_OK) ? errno : 0,
         access(path, X_OK) ? errno : 0);
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    printf(",\"entries\":");
    if (!d) {
      printf("{\"errno\":%d}", errno);
    } else {
      struct dirent *e;
      int first = 1;
      putchar('[');
      while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (!first) putchar(',');
        first = 0;
        str(e->d_name);
      }
      putchar(']');
      closedir(d);
    }
  } else {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      printf(",\"read\":{\"errno\":%d}", errno);
    } else {
      char b[65];
      ssize_t n = read(fd, b, 64);
      if (n < 0) {
        printf(",\"read\":{\"errno\":%d}", errno);
      } else {
        b[n] = 0;
        for (ssize_t i = 0; i < n; i++)
          if (!b[i]) b[i] = ' ';
        printf(",\"read\":{\"bytes\":%zd,\"data\":", n);
        str(b);
        putchar('}');
      }
      close(fd);
    }
  }
  putchar('}');
}

/* try to create (or open for writing) a file: 0 or the errno */
static void writepath(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    printf("%d", errno);
    return;
  }
  int e = write(fd, "x", 1) == 1 ? 0 : errno;
  close(fd);
  printf("%d", e);
}

static const struct {
  const char *name;
  int res;
} RLIMITS[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_STACK", RLIMIT_STACK},     {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},   {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},     {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static void u64(unsigned long long v) {
  if (v == (unsigned long long)RLIM_INFINITY) printf("\"18446744073709551615\"");
  else printf("\"%llu\"", v);
}

int main(int argc, char **argv) {
  int sleep_s = 0, exit_code = 0;
  printf("{");
  key("argv");
  putchar('[');
  for (int i = 0; i < argc; i++) {
    if (i) putchar(',');
    str(argv[i]);
  }
  putchar(']');
  printf(",\"pid\":%d,\"ppid\":%d", getpid(), getppid());
  printf(",\"uid\":[%u,%u],\"gid\":[%u,%u]", getuid(), geteuid(), getgid(), getegid());
  gid_t groups[256];
  int ng = getgroups(256, groups);
  printf(",\"groups\":[");
  for (int i = 0; i < ng; i++) printf("%s%u", i ? "," : "", groups[i]);
  printf("]");
  printf(",\"no_new_privs\":%d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  printf(",\"dumpable\":%d", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
  mode_t um = umask(0);
  umask(um);
  printf(",\"umask\":%u", (unsigned)um);
  char cwd[4096];
  printf(",\"cwd\":");
  if (getcwd(cwd, sizeof(cwd))) str(cwd);
  else printf("null");
  printf(",\"env\":[");
  for (char **e = environ; *e; e++) {
    if (e != environ) putchar(',');
    str(*e);
  }
  printf("]");
  struct utsname u;
  uname(&u);
  printf(",\"hostname\":");
  str(u.nodename);
  printf(",\"domainname\":");
  str(u.domainname);
  printf(",\"sched_policy\":%d", sched_getscheduler(0));
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  printf(",\"nice\":%d", errno ? -100 : nice);
  long io = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
  printf(",\"ioprio\":%ld", io);
  printf(",\"rlimits\":{");
  for (size_t i = 0; i < sizeof(RLIMITS) / sizeof(RLIMITS[0]); i++) {
    struct rlimit rl;
    if (i) putchar(',');
    key(RLIMITS[i].name);
    if (getrlimit(RLIMITS[i].res, &rl) < 0) {
      printf("null");
      continue;
    }
    putchar('[');
    u64(rl.rlim_cur);
    putchar(',');
    u64(rl.rlim_max);
    putchar(']');
  }
  printf("}");
  static const char *NS[] = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"};
  printf(",\"ns\":{");
  for (size_t i = 0; i < sizeof(NS) / sizeof(NS[0]); i++) {
    char p[64], t[256];
    snprintf(p, sizeof(p), "/proc/self/ns/%s", NS[i]);
    ssize_t n = readlink(p, t, sizeof(t) - 1);
    if (i) putchar(',');
    key(NS[i]);
    if (n < 0) {
      printf("null");
    } else {
      t[n] = 0;
      str(t);
    }
  }
  printf("}");
  static const char *PROC[] = {"status", "mountinfo", "cgroup", "oom_score_adj", "uid_map", "gid_map",
                               "setgroups", "personality", "timens_offsets", "limits"};
  printf(",\"proc\":{");
  for (size_t i = 0; i < sizeof(PROC) / sizeof(PROC[0]); i++) {
    char p[64];
    snprintf(p, sizeof(p), "/proc/self/%s", PROC[i]);
    if (i) putchar(',');
    key(PROC[i]);
    file(p);
  }
  printf("}");
  /* /dev, one level, and /dev/pts, /dev/shm, /dev/mqueue presence */
  printf(",\"dev\":{");
  DIR *d = opendir("/dev");
  if (d) {
    struct dirent *e;
    int first = 1;
    while ((e = readdir(d))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char p[512];
      struct stat st;
      snprintf(p, sizeof(p), "/dev/%s", e->d_name);
      if (lstat(p, &st) < 0) continue;
      if (!first) putchar(',');
      first = 0;
      key(e->d_name);
      statobj(p, &st);
    }
    closedir(d);
  }
  printf("}");

  printf(",\"files\":{");
  int nf = 0;
  for (int i = 1; i + 1 < argc; i += 2)
    if (!strcmp(argv[i], "--file")) {
      if (nf++) putchar(',');
      key(argv[i + 1]);
      file(argv[i + 1]);
    }
  printf("},\"stats\":{");
  nf = 0;
  for (int i = 1; i + 1 < argc; i += 2)
    if (!strcmp(argv[i], "--stat")) {
      if (nf++) putchar(',');
      key(argv[i + 1]);
      statpath(argv[i + 1]);
    }
  printf("},\"writes\":{");
  nf = 0;
  for (int i = 1; i + 1 < argc; i += 2)
    if (!strcmp(argv[i], "--write")) {
      if (nf++) putchar(',');
      key(argv[i + 1]);
      writepath(argv[i + 1]);
    }
  printf("},\"sysctls\":{");
  nf = 0;
  for (int i = 1; i + 1 < argc; i += 2)
    if (!strcmp(argv[i], "--sysctl")) {
      char p[512];
      snprintf(p, sizeof(p), "/proc/sys/%s", argv[i + 1]);
      for (char *c = p + 10; *c; c++)
        if (*c == '.') *c = '/';
      if (nf++) putchar(',');
      key(argv[i + 1]);
      file(p);
    }
  printf("}");
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--sleep")) sleep_s = atoi(argv[i + 1]);
    if (!strcmp(argv[i], "--exit")) exit_code = atoi(argv[i + 1]);
  }
  printf("}\n");
  fflush(stdout);
  if (sleep_s) sleep((unsigned)sleep_s);
  return exit_code;
}
