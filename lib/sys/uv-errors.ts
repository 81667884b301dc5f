// errno numbers to node's words for them: the code ("ENOENT") and libuv's
// message ("no such file or directory") that node:fs puts in its errors.
// lib/sys/fs.ts builds the same ErrnoException node would from the negative
// errno the addon returns, so callers (err.code) and users (the message, see
// lib/errno.ts) cannot tell the two apart. Linux numbers (x86_64 and arm64
// share them); spec/unit/sys-errors.test.ts compares the table with node's
// util.getSystemErrorMap() and os.constants.errno.

/** [errno, code, libuv's message]: every Linux errno libuv has a name for */
const UV: ReadonlyArray<readonly [number, string, string]> = [
  [1, 'EPERM', 'operation not permitted'],
  [2, 'ENOENT', 'no such file or directory'],
  [3, 'ESRCH', 'no such process'],
  [4, 'EINTR', 'interrupted system call'],
  [5, 'EIO', 'i/o error'],
  [6, 'ENXIO', 'no such device or address'],
  [7, 'E2BIG', 'argument list too long'],
  [9, 'EBADF', 'bad file descriptor'],
  [11, 'EAGAIN', 'resource temporarily unavailable'],
  [12, 'ENOMEM', 'not enough memory'],
  [13, 'EACCES', 'permission denied'],
  [14, 'EFAULT', 'bad address in system call argument'],
  [16, 'EBUSY', 'resource busy or locked'],
  [17, 'EEXIST', 'file already exists'],
  [18, 'EXDEV', 'cross-device link not permitted'],
  [19, 'ENODEV', 'no such device'],
  [20, 'ENOTDIR', 'not a directory'],
  [21, 'EISDIR', 'illegal operation on a directory'],
  [22, 'EINVAL', 'invalid argument'],
  [23, 'ENFILE', 'file table overflow'],
  [24, 'EMFILE', 'too many open files'],
  [25, 'ENOTTY', 'inappropriate ioctl for device'],
  [26, 'ETXTBSY', 'text file is busy'],
  [27, 'EFBIG', 'file too large'],
  [28, 'ENOSPC', 'no space left on device'],
  [29, 'ESPIPE', 'invalid seek'],
  [30, 'EROFS', 'read-only file system'],
  [31, 'EMLINK', 'too many links'],
  [32, 'EPIPE', 'broken pipe'],
  [34, 'ERANGE', 'result too large'],
  [36, 'ENAMETOOLONG', 'name too long'],
  [38, 'ENOSYS', 'function not implemented'],
  [39, 'ENOTEMPTY', 'directory not empty'],
  [40, 'ELOOP', 'too many symbolic links encountered'],
  [49, 'EUNATCH', 'protocol driver not attached'],
  [61, 'ENODATA', 'no data available'],
  [64, 'ENONET', 'machine is not on the network'],
  [71, 'EPROTO', 'protocol error'],
  [75, 'EOVERFLOW', 'value too large for defined data type'],
  [84, 'EILSEQ', 'illegal byte sequence'],
  [88, 'ENOTSOCK', 'socket operation on non-socket'],
  [89, 'EDESTADDRREQ', 'destination address required'],
  [90, 'EMSGSIZE', 'message too long'],
  [91, 'EPROTOTYPE', 'protocol wrong type for socket'],
  [92, 'ENOPROTOOPT', 'protocol not available'],
  [93, 'EPROTONOSUPPORT', 'protocol not supported'],
  [94, 'ESOCKTNOSUPPORT', 'socket type not supported'],
  [95, 'ENOTSUP', 'operation not supported on socket'],
  [97, 'EAFNOSUPPORT', 'address family not supported'],
  [98, 'EADDRINUSE', 'address already in use'],
  [99, 'EADDRNOTAVAIL', 'address not available'],
  [100, 'ENETDOWN', 'network is down'],
  [101, 'ENETUNREACH', 'network is unreachable'],
  [103, 'ECONNABORTED', 'software caused connection abort'],
  [104, 'ECONNRESET', 'connection reset by peer'],
  [105, 'ENOBUFS', 'no buffer space available'],
  [106, 'EISCONN', 'socket is already connected'],
  [107, 'ENOTCONN', 'socket is not connected'],
  [108, 'ESHUTDOWN', 'cannot send after transport endpoint shutdown'],
  [110, 'ETIMEDOUT', 'connection timed out'],
  [111, 'ECONNREFUSED', 'connection refused'],
  [112, 'EHOSTDOWN', 'host is down'],
  [113, 'EHOSTUNREACH', 'host is unreachable'],
  [114, 'EALREADY', 'connection already in progress'],
  [121, 'EREMOTEIO', 'remote I/O error'],
  [125, 'ECANCELED', 'operation canceled'],];

/** errnos libuv has no name for: node reports them as UNKNOWN, "unknown error" */
const UNNAMED: ReadonlyArray<readonly [number, string]> = [
  [8, 'ENOEXEC'],
  [10, 'ECHILD'],
  [33, 'EDOM'],
  [35, 'EDEADLK'],
  [37, 'ENOLCK'],
  [42, 'ENOMSG'],
  [43, 'EIDRM'],
  [60, 'ENOSTR'],
  [62, 'ETIME'],
  [63, 'ENOSR'],
  [67, 'ENOLINK'],
  [72, 'EMULTIHOP'],
  [74, 'EBADMSG'],
  [102, 'ENETRESET'],
  [115, 'EINPROGRESS'],
  [116, 'ESTALE'],
  [122, 'EDQUOT'],];

let byErrno: Map<number, readonly [string, string]> | undefined;
let names: Map<number, string> | undefined;

/** node's [code, message] for errno n (positive) */
export function uvError(n: number): readonly [string, string] {
  byErrno ??= new Map(UV.map(([e, code, msg]) => [e, [code, msg] as const]));
  return byErrno.get(n) ?? ['UNKNOWN', 'unknown error'];
}

/** the kernel's name for errno n (positive), as os.constants.errno has it; "errno N" when unknown */
export function errnoName(n: number): string {
  names ??= new Map([...UV.map(([e, code]) => [e, code] as const), ...UNNAMED]);
  // libuv calls EOPNOTSUPP ENOTSUP (the same 95): os.constants.errno says EOPNOTSUPP
  if (n === 95) return 'EOPNOTSUPP';
  return names.get(n) ?? `errno ${n}`;
}

export interface ErrnoError extends Error {
  errno: number;
  code: string;
  syscall: string;
  path?: string;
  dest?: string;
}

/**
 * The error node:fs throws for a failed call: errno negative,
 * "ENOENT: no such file or directory, open '/x'" (and " -> '/y'" for a rename).
 */
export function errnoException(errno: number, syscall: string, path?: string, dest?: string): ErrnoError {
  const n = Math.abs(errno);
  const [code, text] = uvError(n);
  let message = `${code}: ${text}, ${syscall}`;
  if (path !== undefined) message += ` '${path}'`;
  if (dest !== undefined) message += ` -> '${dest}'`;
  const err = new Error(message) as ErrnoError;
  err.errno = -n;
  err.code = code;
  err.syscall = syscall;
  if (path !== undefined) err.path = path;
  if (dest !== undefined) err.dest = dest;
  return err;
}
