// Errors worded as Go (and so runc) words them: the kernel's strerror in lower
// case, where node's libuv has words of its own ("EACCES: permission denied,
// open '/x'"). Clients match these words.

const STRERROR: Record<string, string> = {
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  EIO: 'input/output error',
  EACCES: 'permission denied',
  EBUSY: 'device or resource busy',
  EEXIST: 'file exists',
  ENODEV: 'no such device',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EINVAL: 'invalid argument',
  ETXTBSY: 'text file busy',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  ERANGE: 'numerical result out of range',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EOPNOTSUPP: 'operation not supported',
  EDQUOT: 'disk quota exceeded',
};

/** "EINVAL: invalid argument, write" -> "invalid argument" */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err && err.code && STRERROR[err.code]) return STRERROR[err.code];
  const m = /^[A-Z0-9]+: ([^,]+)/.exec(err?.message ?? '');
  return m ? m[1] : (err?.message ?? err?.code ?? String(e));
}
