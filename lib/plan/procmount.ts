// runc's checkProcMount: what a config may mount over /proc or inside it.
// Over /proc itself only a fresh procfs, or a bind of a procfs; inside /proc
// only the files lxcfs emulates (and two runc keeps for CRIU and FIPS). A
// bind over /proc/sys/..., /proc/self/... or a tmpfs over /proc would let a
// config redirect what runts or the container's tools write there
// (CVE-2019-19921's class; the sysctl writes are also checked by the addon).
import * as path from '../sys/path';
import type { Mount } from '../config/types';
import { ConfigRefusal } from '../errors';

/** the destinations under /proc a mount may have (runc 1.1's list) */
export const VALID_PROC_MOUNTS: readonly string[] = [
  '/proc/cpuinfo',
  '/proc/diskstats',
  '/proc/meminfo',
  '/proc/stat',
  '/proc/swaps',
  '/proc/uptime',
  '/proc/loadavg',
  '/proc/slabinfo',
  '/proc/net/dev',
  '/proc/sys/kernel/ns_last_pid',
  '/proc/sys/crypto/fips_enabled',
];

export class ProcMountError extends ConfigRefusal {}

/**
 * Throws for a mount runc would refuse over or inside /proc. `isProcfs`
 * says whether a bind source on the host is a procfs.
 */
export function checkProcMount(m: Mount, index: number, isProcfs: (hostPath: string) => boolean): void {
  const dest = path.posix.normalize(path.posix.join('/', m.destination));
  if (dest !== '/proc' && !dest.startsWith('/proc/')) return;
  const field = `/mounts/${index}/destination`;
  const bind = m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind');
  if (dest === '/proc') {
    if (m.type === 'proc' && !bind) return;
    if (bind && m.source !== undefined && isProcfs(m.source)) return;
    throw new ProcMountError(`${field}: "${dest}" cannot be mounted because it is not of type proc`);
  }
  if (VALID_PROC_MOUNTS.includes(dest)) return;
  throw new ProcMountError(`${field}: "${dest}" cannot be mounted because it is inside /proc`);
}
