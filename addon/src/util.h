/* Small async-signal-safe helpers for the native child: no malloc, no stdio,
 * no locks (the child is a fork of a multi-threaded node). */
#ifndef RUNTS_UTIL_H
#define RUNTS_UTIL_H

#include <stddef.h>

size_t s_len(const char *s);

/* copies src into dst (cap bytes with the NUL); 0, or -1 when it did not fit
 * (dst then holds as much as fits) */
int s_copy(char *dst, size_t cap, const char *src);

/* the decimal text of v into buf (cap bytes with the NUL); buf, or NULL when
 * cap is too small. The one integer-to-string of the addon's child. */
char *int_to_str(char *buf, size_t cap, long long v);

/* "/proc/self/fd/<fd>" into buf: mounts and chmods target an fd this way */
#define FD_PATH_LEN 32
const char *fd_path(char buf[FD_PATH_LEN], int fd);

#endif
