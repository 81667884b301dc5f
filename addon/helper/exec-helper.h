/* Shared by the helper and the addon (addon/src/sealed_exec.c). */
#ifndef RUNTS_EXEC_HELPER_H
#define RUNTS_EXEC_HELPER_H

/* argv[0] of the helper when the runtime starts it; a leading \001 so no
 * file name or shebang line means it by accident */
#define SEALED_EXEC_MARKER "\001runts-sealed-exec"

#endif
