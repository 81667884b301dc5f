// How a rootless caller's id maps get written. The kernel lets an
// unprivileged process write one line mapping its own euid (and, once
// /proc/<pid>/setgroups says "deny", its own egid); anything more goes through
// the set-uid newuidmap/newgidmap, which check /etc/subuid and /etc/subgid.
// runc does the same (requiresRootOrMappingTool). Here the ranges are
// checked first, so a map the tools would refuse fails naming its field.
import type { IDMapping, Spec } from '../config/types';
import { ConfigRefusal } from '../errors';

export class RootlessRefusal extends ConfigRefusal {}

/** Who runs runts, when it is not root: what decides how maps are written. */
export interface RootlessCaller {
  euid: number;
  egid: number;
  /** login name of euid (subuid lines name it or the number) */
  user: string;
  /** /etc/subuid and /etc/subgid text, undefined when absent */
  subuid?: string;
  subgid?: string;
  /** absolute paths of newuidmap/newgidmap, undefined when not installed */
  newuidmap?: string;
  newgidmap?: string;
}

export interface MapWriting {
  uidMapTool: string;
  gidMapTool: string;
  setgroups: '' | 'deny';
  dumpableForMaps: boolean;
}

export const ROOT_WRITES: MapWriting = { uidMapTool: '', gidMapTool: '', setgroups: '', dumpableForMaps: false };

export interface Range {
  start: number;
  count: number;
}

/** The ranges /etc/subuid (or subgid) gives `user` or its number: `name:start:count` lines. */
export function subordinateRanges(text: string | undefined, user: string, id: number): Range[] {
  const out: Range[] = [];
  for (const line of (text ?? '').split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if (who !== user && who !== String(id)) continue;
    const s = Number(start);
    const c = Number(count);
    if (Number.isInteger(s) && Number.isInteger(c) && s >= 0 && c > 0) out.push({ start: s, count: c });
  }
  return out;
}

const ownIdOnly = (maps: IDMapping[], own: number): boolean => maps.length === 1 && maps[0].hostID === own && maps[0].size === 1;

/** Each range must be the caller's own id alone, or inside one subordinate range (newuidmap's rule). */
function checkRanges(maps: IDMapping[], own: number, ranges: Range[], pointer: string, file: string, who: string): void {
  maps.forEach((m, i) => {
    if (m.size === 1 && m.hostID === own) return;
    const end = m.hostID + m.size;
    if (ranges.some((r) => m.hostID >= r.start && end <= r.start + r.count)) return;
    const given = ranges.length ? ranges.map((r) => `${r.start}-${r.start + r.count - 1}`).join(', ') : 'none';
    throw new RootlessRefusal(
      `${pointer}/${i}: host ids ${m.hostID}-${end - 1} are not delegated to ${who} (${file} gives: ${given}): a rootless container can map only its own id and its subordinate ranges`,
    );
  });
}

/**
 * How the parent writes the maps of a new user namespace for `caller`
 * (undefined: runts is root in its namespace and writes them itself).
 */
export function mapWriting(spec: Spec, caller: RootlessCaller | undefined): MapWriting {
  if (!caller) return ROOT_WRITES;
  const linux = spec.linux ?? {};
  const uids = linux.uidMappings ?? [];
  const gids = linux.gidMappings ?? [];
  const who = `${caller.user} (uid ${caller.euid})`;
  const w: MapWriting = { uidMapTool: '', gidMapTool: '', setgroups: '', dumpableForMaps: true };
  if (!ownIdOnly(uids, caller.euid)) {
    checkRanges(uids, caller.euid, subordinateRanges(caller.subuid, caller.user, caller.euid), '/linux/uidMappings', '/etc/subuid', who);
    if (!caller.newuidmap) throw new RootlessRefusal('/linux/uidMappings: more than the caller\'s own uid needs newuidmap (the uidmap package), which is not installed');
    w.uidMapTool = caller.newuidmap;
  }
  if (!ownIdOnly(gids, caller.egid)) {
    checkRanges(gids, caller.egid, subordinateRanges(caller.subgid, caller.user, caller.euid), '/linux/gidMappings', '/etc/subgid', who);
    if (!caller.newgidmap) throw new RootlessRefusal('/linux/gidMappings: more than the caller\'s own gid needs newgidmap (the uidmap package), which is not installed');
    w.gidMapTool = caller.newgidmap;
  } else {
    // an unprivileged gid_map write needs setgroups denied first; the container then cannot setgroups
    w.setgroups = 'deny';
    const extra = spec.process?.user?.additionalGids ?? [];
    if (extra.length)
      throw new RootlessRefusal(
        '/process/user/additionalGids: a rootless container with only the caller\'s own gid mapped cannot set supplementary groups (setgroups is denied in its user namespace); map more gids from /etc/subgid',
      );
  }
  return w;
}

/** runc's rootlessEUIDMappings, with the field named. */
export function checkRootlessNamespaces(spec: Spec, caller: RootlessCaller | undefined): void {
  if (!caller) return;
  const linux = spec.linux ?? {};
  const user = (linux.namespaces ?? []).find((n) => n.type === 'user');
  if (!user) throw new RootlessRefusal(`/linux/namespaces: rootless container requires user namespaces (runts runs as uid ${caller.euid})`);
  if (user.path) return;
  if (!linux.uidMappings?.length) throw new RootlessRefusal('/linux/uidMappings: rootless containers requires at least one UID mapping');
  if (!linux.gidMappings?.length) throw new RootlessRefusal('/linux/gidMappings: rootless containers requires at least one GID mapping');
}
