// User and group ids a container may be given. The schema allows any uint32,
// but 4294967295 is (uid_t)-1, which setresuid/setresgid/chown read as
// "leave unchanged": a process.user.uid of 4294967295 would run as root. runc
// refuses everything outside 0..2147483647 (the kernel's own ids are below
// 2^31 in practice), with these words; runts does the same and names the field.
import type { IDMapping, Process } from '../config/types';
import { ConfigRefusal } from '../errors';

export const MAX_ID = 2147483647;
export const ID_RANGE_WORDS = 'uids and gids must be in range 0-2147483647';

export class IdRangeError extends ConfigRefusal {}

export function idInRange(id: number): boolean {
  return Number.isInteger(id) && id >= 0 && id <= MAX_ID;
}

function check(id: number | undefined, pointer: string): void {
  if (id !== undefined && !idInRange(id)) throw new IdRangeError(`${pointer}: ${ID_RANGE_WORDS} (got ${id})`);
}

/** process.user: uid, gid and additionalGids; `base` is the process's JSON pointer */
export function checkProcessIds(proc: Process, base = '/process'): void {
  const u = proc.user;
  if (!u) return;
  check(u.uid, `${base}/user/uid`);
  check(u.gid, `${base}/user/gid`);
  (u.additionalGids ?? []).forEach((g, i) => check(g, `${base}/user/additionalGids/${i}`));
}

/**
 * uid/gid mappings: the first id of each range on both sides. The size is
 * left to the kernel, which never maps (uid_t)-1 ("0 0 4294967295" is the
 * initial namespace's own map and stays valid).
 */
export function checkMappingIds(maps: IDMapping[] | undefined, pointer: string): void {
  (maps ?? []).forEach((m, i) => {
    check(m.containerID, `${pointer}/${i}/containerID`);
    check(m.hostID, `${pointer}/${i}/hostID`);
  });
}
