// config.json mounts -> PlanMount: option names to MS_* flags, as runc reads
// them. Pure: the one file-system question (is a bind source a directory?) is
// asked through a function the caller passes in.
import { ConfigRefusal } from '../errors';
import * as path from '../sys/path';
import type { IDMapping, Mount } from '../config/types';
import type { Hierarchy } from '../cgroups/layout';
import type { PlanMount } from './types';

export const MS = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  SYNCHRONOUS: 0x10,
  REMOUNT: 0x20,
  MANDLOCK: 0x40,
  DIRSYNC: 0x80,
  NOSYMFOLLOW: 0x100,
  NOATIME: 0x400,
  NODIRATIME: 0x800,
  BIND: 0x1000,
  MOVE: 0x2000,
  REC: 0x4000,
  SILENT: 0x8000,
  UNBINDABLE: 0x20000,
  PRIVATE: 0x40000,
  SLAVE: 0x80000,
  SHARED: 0x100000,
  RELATIME: 0x200000,
  I_VERSION: 0x800000,
  STRICTATIME: 0x1000000,
  LAZYTIME: 0x2000000,
} as const;

/** option -> [clear, flag]: clear=true removes the flag ("rw", "suid", ...) */
export const FLAG_OPTIONS: Record<string, [boolean, number]> = {
  defaults: [false, 0],
  ro: [false, MS.RDONLY],
  rw: [true, MS.RDONLY],
  nosuid: [false, MS.NOSUID],
  suid: [true, MS.NOSUID],
  nodev: [false, MS.NODEV],
  dev: [true, MS.NODEV],
  noexec: [false, MS.NOEXEC],
  exec: [true, MS.NOEXEC],
  sync: [false, MS.SYNCHRONOUS],
  async: [true, MS.SYNCHRONOUS],
  dirsync: [false, MS.DIRSYNC],
  remount: [false, MS.REMOUNT],
  mand: [false, MS.MANDLOCK],
  nomand: [true, MS.MANDLOCK],
  noatime: [false, MS.NOATIME],
  atime: [true, MS.NOATIME],
  nodiratime: [false, MS.NODIRATIME],
  diratime: [true, MS.NODIRATIME],
  bind: [false, MS.BIND],
  rbind: [false, MS.BIND | MS.REC],
  relatime: [false, MS.RELATIME],
  norelatime: [true, MS.RELATIME],
  strictatime: [false, MS.STRICTATIME],
  nostrictatime: [true, MS.STRICTATIME],
  nosymfollow: [false, MS.NOSYMFOLLOW],
  symfollow: [true, MS.NOSYMFOLLOW],
  silent: [false, MS.SILENT],
  loud: [true, MS.SILENT],
  iversion: [false, MS.I_VERSION],
  noiversion: [true, MS.I_VERSION],
  lazytime: [false, MS.LAZYTIME],
  nolazytime: [true, MS.LAZYTIME],
};

/** config.md's tmpcopyup (MAY): a tmpfs starts with a copy of what it covers */
export const TMPCOPYUP = 'tmpcopyup';

/** config.md's idmap options: never passed to mount(2) */
export const IDMAP_OPTIONS = ['idmap', 'ridmap'] as const;

export const PROPAGATION_OPTIONS: Record<string, number> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

/** mount_setattr(2) MOUNT_ATTR_* bits, for the recursive options */
export const MOUNT_ATTR = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  ATIME_MASK: 0x70,
  RELATIME: 0x0,
  NOATIME: 0x10,
  STRICTATIME: 0x20,
  NODIRATIME: 0x80,
  NOSYMFOLLOW: 0x200000,
} as const;

/** recursive option -> [set, clear] on the whole mount tree (runc's "rro", "rnosuid", ...) */
export const RECURSIVE_OPTIONS: Record<string, [number, number]> = {
  rro: [MOUNT_ATTR.RDONLY, 0],
  rrw: [0, MOUNT_ATTR.RDONLY],
  rnosuid: [MOUNT_ATTR.NOSUID, 0],
  rsuid: [0, MOUNT_ATTR.NOSUID],
  rnodev: [MOUNT_ATTR.NODEV, 0],
  rdev: [0, MOUNT_ATTR.NODEV],
  rnoexec: [MOUNT_ATTR.NOEXEC, 0],
  rexec: [0, MOUNT_ATTR.NOEXEC],
  rnodiratime: [MOUNT_ATTR.NODIRATIME, 0],
  rdiratime: [0, MOUNT_ATTR.NODIRATIME],
  rrelatime: [MOUNT_ATTR.RELATIME, MOUNT_ATTR.ATIME_MASK],
  rnorelatime: [0, MOUNT_ATTR.ATIME_MASK],
  rnoatime: [MOUNT_ATTR.NOATIME, MOUNT_ATTR.ATIME_MASK],
  ratime: [0, MOUNT_ATTR.ATIME_MASK],
  rstrictatime: [MOUNT_ATTR.STRICTATIME, MOUNT_ATTR.ATIME_MASK],
  rnostrictatime: [0, MOUNT_ATTR.ATIME_MASK],
  rnosymfollow: [MOUNT_ATTR.NOSYMFOLLOW, 0],
  rsymfollow: [0, MOUNT_ATTR.NOSYMFOLLOW],
};

/** flags that a bind mount only takes on a second, remounting mount(2) */
const REMOUNT_MASK =
  MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOATIME | MS.NODIRATIME | MS.RELATIME | MS.STRICTATIME | MS.NOSYMFOLLOW;

export interface ParsedOptions {
  flags: number;
  propagation: number;
  data: string[];
  recSet: number;
  recClear: number;
  /** "idmap" or "ridmap" when asked, else "" */
  idmap: '' | 'idmap' | 'ridmap';
  tmpcopyup: boolean;
}

export function parseMountOptions(options: readonly string[]): ParsedOptions {
  let flags = 0;
  let propagation = 0;
  let recSet = 0;
  let recClear = 0;
  let idmap: ParsedOptions['idmap'] = '';
  let tmpcopyup = false;
  const data: string[] = [];
  for (const o of options) {
    const f = FLAG_OPTIONS[o];
    const r = RECURSIVE_OPTIONS[o];
    if (o === 'idmap' || o === 'ridmap') {
      idmap = o;
    } else if (o === TMPCOPYUP) {
      tmpcopyup = true;
    } else if (r) {
      // the kernel wants the whole atime mask cleared whenever an atime mode is set
      recClear = (recClear | r[1]) & ~(r[0] & ~MOUNT_ATTR.ATIME_MASK);
      recSet = (recSet & ~r[1]) | r[0];
    } else if (f) {
      flags = f[0] ? flags & ~f[1] : flags | f[1];
    } else if (o in PROPAGATION_OPTIONS) {
      propagation |= PROPAGATION_OPTIONS[o];
    } else {
      data.push(o);
    }
  }
  return { flags, propagation, data, recSet, recClear, idmap, tmpcopyup };
}

export interface MountContext {
  bundle: string;
  /** the container's own id mappings when it has a user namespace (for idmap without mappings) */
  userns?: { uid: IDMapping[]; gid: IDMapping[] };
  warn(message: string): void;
  /** true when the host path is a directory (bind sources decide dir vs file) */
  isDirectory(hostPath: string): boolean;
  /** host cgroup hierarchies, for a "cgroup" mount on v1 */
  hierarchies: Hierarchy[];
  /** the container's cgroup directory per hierarchy, when it has no cgroup namespace of its own */
  ownCgroups?: Record<string, string>;
  /**
   * bind sources are opened by the runtime in the container's mount
   * namespace: a user namespace and a mount namespace, and a runtime that
   * may join that mount namespace (root; runc: not with a rootless euid)
   */
  openBindSources?: boolean;
}

export class MountError extends ConfigRefusal {}

/** the addon keeps one user namespace fd per idmapped mount (PLAN_MAX_IDMAPS) */
const MAX_IDMAPS = 64;

/** mount mappings as uid_map/gid_map text: "containerID hostID size" lines */
export function idMapText(maps: IDMapping[] | undefined): string {
  return (maps ?? []).map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

export function planMounts(mounts: readonly Mount[], ctx: MountContext): PlanMount[] {
  const out: PlanMount[] = [];
  mounts.forEach((mount, i) => {
    let m = mount;
    if (!m.destination.startsWith('/')) {
      // config.md: deprecated, and MUST be taken as relative to "/"
      ctx.warn(`/mounts/${i}/destination: "${m.destination}" is relative; taken as /${m.destination} (relative destinations are deprecated)`);
      m = { ...m, destination: path.posix.join('/', m.destination) };
    }
    const opts = parseMountOptions(m.options ?? []);
    const isBind = m.type === 'bind' || (opts.flags & MS.BIND) !== 0;
    let uidMap = m.uidMappings ?? [];
    let gidMap = m.gidMappings ?? [];
    if (opts.idmap && !uidMap.length && !gidMap.length) {
      // config.md: the container's user namespace mapping MAY be used; without one it MUST be an error
      if (!ctx.userns) throw new MountError(`/mounts/${i}/options: "${opts.idmap}" needs uidMappings and gidMappings, or a user namespace to take them from`);
      uidMap = ctx.userns.uid;
      gidMap = ctx.userns.gid;
    }
    const idmapped = uidMap.length > 0 || gidMap.length > 0;
    if (idmapped && !isBind) throw new MountError(`/mounts/${i}: uidMappings/gidMappings are only supported on bind mounts`);
    if (opts.tmpcopyup && m.type !== 'tmpfs') throw new MountError(`/mounts/${i}/options: tmpcopyup is only for tmpfs mounts`);
    if (isBind) {
      const source = path.resolve(ctx.bundle, m.source ?? '');
      out.push({
        destination: m.destination,
        source,
        fstype: '',
        flags: MS.BIND | (opts.flags & MS.REC),
        data: '',
        propagation: opts.propagation,
        remountFlags: opts.flags & REMOUNT_MASK,
        isFile: !ctx.isDirectory(source),
        recAttrSet: opts.recSet,
        recAttrClear: opts.recClear,
        idmapUid: idmapped ? idMapText(uidMap) : '',
        idmapGid: idmapped ? idMapText(gidMap) : '',
        idmapRecursive: opts.idmap === 'ridmap',
        tmpcopyup: false,
        openSource: ctx.openBindSources === true,
      });
      return;
    }
    if (m.type === 'cgroup') {
      out.push(...cgroupMounts(m.destination, opts, ctx.hierarchies, ctx.ownCgroups));
      return;
    }
    out.push({
      destination: m.destination,
      source: m.source ?? m.type ?? 'none',
      fstype: m.type ?? '',
      flags: opts.flags,
      data: opts.data.join(','),
      propagation: opts.propagation,
      remountFlags: 0,
      isFile: false,
      recAttrSet: opts.recSet,
      recAttrClear: opts.recClear,
      idmapUid: '',
      idmapGid: '',
      idmapRecursive: false,
      tmpcopyup: opts.tmpcopyup,
      openSource: false,
    });
  });
  if (out.filter((m) => m.idmapUid).length > MAX_IDMAPS) throw new MountError(`/mounts: at most ${MAX_IDMAPS} idmapped mounts`);
  return out;
}

/**
 * A "cgroup" mount on a v1 or hybrid host is a tmpfs holding one mount per
 * hierarchy (cgroup2 at "unified"), made read-only last when asked; on a pure
 * v2 host a single cgroup2 mount. With its own cgroup namespace the container
 * mounts the cgroup file systems (their root is its cgroup); without one it
 * gets its own cgroup directories bound, as runc does, so it never sees the
 * host's tree.
 */
function cgroupMounts(dest: string, opts: ParsedOptions, hierarchies: Hierarchy[], own: Record<string, string> | undefined): PlanMount[] {
  const v1 = hierarchies.filter((h) => h.version === 1);
  const fsFlags = opts.flags | MS.NOSUID | MS.NODEV | MS.NOEXEC;
  const mk = (d: string, source: string, fstype: string, flags: number, data: string, remountFlags = 0): PlanMount => ({
    destination: d,
    source,
    fstype,
    flags,
    data,
    propagation: 0,
    remountFlags,
    isFile: false,
    recAttrSet: 0,
    recAttrClear: 0,
    idmapUid: '',
    idmapGid: '',
    idmapRecursive: false,
    tmpcopyup: false,
    openSource: false,
  });
  const one = (h: Hierarchy, d: string): PlanMount => {
    if (own?.[h.key]) return mk(d, own[h.key], '', MS.BIND | MS.REC, '', fsFlags & REMOUNT_MASK);
    return h.version === 2 ? mk(d, 'cgroup', 'cgroup2', fsFlags, '') : mk(d, 'cgroup', 'cgroup', fsFlags, h.options);
  };
  if (!v1.length) return hierarchies.map((h) => one(h, dest));
  const out = [mk(dest, 'tmpfs', 'tmpfs', (opts.flags & ~MS.RDONLY) | MS.NOSUID | MS.NODEV | MS.NOEXEC, 'mode=755')];
  for (const h of hierarchies) out.push(one(h, path.posix.join(dest, h.version === 2 ? 'unified' : path.posix.basename(h.mountpoint))));
  if (opts.flags & MS.RDONLY) out.push(mk(dest, '', '', MS.REMOUNT | MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC, 'mode=755'));
  return out;
}
