// A container without a mount namespace shares the runtime's: its mounts
// (config mounts, a /dev tmpfs, devpts...) are made in the host's namespace,
// onto the rootfs, as runc makes them. runc leaves them there after delete;
// runtime.md says delete removes what create made, so runts records the
// mounts that appeared under the rootfs during create and delete takes off
// exactly those (same mount id at the same place), deepest first.
import * as fs from '../sys/fs';

export interface HostMount {
  /** mountinfo's mount id */
  id: number;
  /** the mount point, as mountinfo has it (unescaped) */
  path: string;
}

/** mountinfo's octal escapes (\040 for a space, \011, \012, \134) */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** the mounts of a mountinfo text whose mount point is dir or under it, in the file's order */
export function mountsUnder(mountinfo: string, dir: string): HostMount[] {
  const out: HostMount[] = [];
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f.length < 5) continue;
    const p = unescape(f[4]);
    if (p === dir || p.startsWith(prefix)) out.push({ id: Number(f[0]), path: p });
  }
  return out;
}

/** what create added: in `after`, not in `before` (by mount id), deepest (last made) first */
export function mountsMade(before: HostMount[], after: HostMount[]): HostMount[] {
  const had = new Set(before.map((m) => m.id));
  return after.filter((m) => !had.has(m.id)).reverse();
}

export function readMountinfo(): string {
  try {
    return fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return '';
  }
}
