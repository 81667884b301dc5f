#ifndef RUNTS_PTYCHECK_H
#define RUNTS_PTYCHECK_H

#include <stddef.h>

/* an O_PATH fd of /dev/console in the rootfs (made when absent), never a symlink */
int open_console_target(int rootfd, char *scratch, size_t scratch_len);
/* fails unless the pty `slave` belongs to the devpts mounted at the container's /dev/pts */
void check_container_pty(int rootfd, int slave);

#endif
