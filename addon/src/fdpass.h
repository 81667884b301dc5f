/* Passing one fd with a message over a unix socket (SCM_RIGHTS): the console
 * master, the seccomp notify fd, the sync messages. */
#ifndef RUNTS_FDPASS_H
#define RUNTS_FDPASS_H

#include <sys/types.h>

/* sendmsg of payload with fd attached; the bytes sent, or -errno.
 * Async-signal-safe: the child uses it. */
ssize_t fdpass_send(int sock, const void *payload, size_t len, int fd);

/* recvmsg into buf; *fd gets an fd that came along (close-on-exec) or -1.
 * The bytes received (0 at EOF), or -errno. */
ssize_t fdpass_recv(int sock, void *buf, size_t len, int *fd, int flags);

#endif
