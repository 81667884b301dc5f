// What the addon can carry, checked where the plan is built so the refusal
// names the config field (issue 16.8). C copies strings into NUL-terminated
// memory and integers into fixed-width members: a NUL byte would cut a string
// short, a 9 KB path would not fit the child's buffers, and a C cast would
// wrap an integer (umask 2^32-1 became "leave the umask alone"). The addon
// checks the same again (addon/src/plan.c) and refuses with a TypeError; these
// checks are what a user sees.
import type { Process, Spec } from '../config/types';
import { ConfigRefusal } from '../errors';

export class LimitError extends ConfigRefusal {}

/** PATH_MAX without its NUL: the longest path the kernel and the child take */
export const PATH_MAX_BYTES = 4095;

const escape = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every string (and object key) under value, as a JSON pointer below `at`, must be free of NUL bytes. */
export function refuseNul(value: unknown, at: string): void {
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new LimitError(`${at}: contains a NUL byte`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => refuseNul(v, `${at}/${i}`));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\0')) throw new LimitError(`${at}: a key contains a NUL byte`);
      refuseNul(v, `${at}/${escape(k)}`);
    }
  }
}

/** a path the child resolves or the kernel takes: at most PATH_MAX_BYTES bytes */
export function checkPath(p: string, at: string): string {
  const n = Buffer.byteLength(p);
  if (n > PATH_MAX_BYTES) throw new LimitError(`${at}: a path of ${n} bytes is longer than ${PATH_MAX_BYTES}: file name too long`);
  return p;
}

/** an integer in lo..hi, or the field named with the range */
export function checkInt(v: number, lo: number, hi: number, at: string): number {
  if (!Number.isSafeInteger(v) || v < lo || v > hi) throw new LimitError(`${at}: ${v} is out of range ${lo}..${hi}`);
  return v;
}

/** the kernel's dev_t: 12 bits of major, 20 of minor */
export const MAX_MAJOR = 4095;
export const MAX_MINOR = 0xfffff;
/** --preserve-fds: the addon keeps its idmap user namespaces at fd 512 and up */
export const MAX_PRESERVE_FDS = 504;

/** JSON numbers are doubles: 18446744073709551615 (RLIM_INFINITY, as configs write it) arrives as 2^64 */
const U64_MAX = (1n << 64n) - 1n;
export function u64(v: number): bigint {
  const b = BigInt(v);
  return b > U64_MAX ? U64_MAX : b;
}

/**
 * The config's strings, paths and integers the addon carries, checked
 * before anything is planned. The JSON schema has already checked types and
 * the ranges it states; these are the ranges of what the child can do.
 */
export function checkConfigLimits(spec: Spec, at = ''): void {
  refuseNul(spec, at);
  const proc = spec.process;
  if (spec.root?.path !== undefined) checkPath(spec.root.path, `${at}/root/path`);
  (spec.mounts ?? []).forEach((m, i) => {
    checkPath(m.destination, `${at}/mounts/${i}/destination`);
    if (m.source !== undefined) checkPath(m.source, `${at}/mounts/${i}/source`);
  });
  if (proc) checkProcessLimits(proc, `${at}/process`);
  const linux = spec.linux ?? {};
  (linux.devices ?? []).forEach((d, i) => {
    checkPath(d.path, `${at}/linux/devices/${i}/path`);
    if (d.major !== undefined) checkInt(d.major, 0, MAX_MAJOR, `${at}/linux/devices/${i}/major`);
    if (d.minor !== undefined) checkInt(d.minor, 0, MAX_MINOR, `${at}/linux/devices/${i}/minor`);
  });
  for (const field of ['maskedPaths', 'readonlyPaths'] as const)
    (linux[field] ?? []).forEach((p, i) => checkPath(p, `${at}/linux/${field}/${i}`));
  (linux.namespaces ?? []).forEach((n, i) => n.path !== undefined && checkPath(n.path, `${at}/linux/namespaces/${i}/path`));
}

/** process (config's, or exec's --process / command line) */
export function checkProcessLimits(proc: Process, at: string): void {
  refuseNul(proc, at);
  checkPath(proc.cwd, `${at}/cwd`);
  if (proc.consoleSize) {
    // a winsize holds 16 bits each
    checkInt(proc.consoleSize.height, 0, 65535, `${at}/consoleSize/height`);
    checkInt(proc.consoleSize.width, 0, 65535, `${at}/consoleSize/width`);
  }
  // sched_attr.sched_priority is unsigned: a negative one would wrap
  if (proc.scheduler?.priority !== undefined) checkInt(proc.scheduler.priority, 0, 2147483647, `${at}/scheduler/priority`);
}

export function checkPreserveFds(n: number): number {
  return checkInt(n, 0, MAX_PRESERVE_FDS, '--preserve-fds');
}
