// Placement of a container in its cgroups: the directories are made here
// (TypeScript), and the init joins them (lib/cgroups/join.ts) while it waits,
// before it runs anything. Resource limits are written between
// the two (managerFor(...).apply), so the init never runs unlimited.
import { errnoText } from '../errno';
import * as fs from '../sys/fs';
import * as path from '../sys/path';
import { cgroupJoin, NO_CGROUPS, type CgroupJoin } from './join';
import type { Layout } from './layout';
import type { LinuxDevice, Resources } from '../config/types';
import { RuntsError } from '../errors';
import { controllersNeeded, deviceRules, resourceWrites, type Current, type HostFacts, type Write } from './resources';
import { attachDeviceFilter } from './devicefilter';
import { hostRootless } from '../rootless';

export interface Placement {
  /** hierarchy key -> the container's directory in it */
  paths: Record<string, string>;
  /** directories made here, parents before children */
  created: string[];
  /** how the init gets into them */
  join: CgroupJoin;
}

/** Makes the container's cgroup in every hierarchy of the layout. */
export function prepareCgroups(layout: Layout, cgroupPath: string): Placement {
  const placement: Placement = { paths: {}, created: [], join: NO_CGROUPS };
  try {
    for (const h of layout.hierarchies) {
      const dir = path.join(h.mountpoint, cgroupPath);
      mkdirTracked(h.mountpoint, dir, placement.created, h.key.split(',').includes('cpuset'));
      placement.paths[h.key] = dir;
    }
  } catch (e) {
    removeCgroups(placement.created);
    throw e;
  }
  placement.join = cgroupJoin(placement.paths);
  return placement;
}

function mkdirTracked(top: string, dir: string, created: string[], cpuset: boolean): void {
  if (dir === top || fs.existsSync(dir)) {
    if (cpuset && dir !== top) seedCpuset(top, dir);
    return;
  }
  mkdirTracked(top, path.dirname(dir), created, cpuset);
  fs.mkdirSync(dir);
  created.push(dir);
  if (cpuset) seedCpuset(top, dir);
}

/**
 * A v1 cpuset without cpus or mems refuses tasks (ENOSPC). A new one starts
 * empty, and so does a parent someone else made with mkdir (a pod's cgroup):
 * like runc, fill every empty level below the mount from its parent, top down.
 */
function seedCpuset(top: string, dir: string): void {
  if (dir === top) return;
  seedCpuset(top, path.dirname(dir));
  for (const f of ['cpuset.cpus', 'cpuset.mems']) {
    const mine = path.join(dir, f);
    if (fs.readFileSync(mine, 'utf8').trim() === '')
      fs.writeFileSync(mine, fs.readFileSync(path.join(path.dirname(dir), f), 'utf8').trim());
  }
}

/**
 * Removes the directories runts made, children first. A cgroup whose last
 * process has just died may be busy for a moment, so EBUSY is retried.
 */
export function removeCgroups(created: string[]): void {
  const deepestFirst = [...created].reverse();
  deepestFirst.forEach((dir, n) => {
    // only the container's own cgroup waits; a parent is busy with siblings
    const tries = n === 0 ? 50 : 0;
    for (let i = 0; ; i++) {
      try {
        fs.rmdirSync(dir);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code === 'EBUSY' && i < tries) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        // a parent still holding other containers' cgroups stays
        if (code === 'EBUSY' || code === 'ENOTEMPTY') break;
        throw e;
      }
    }
  });
}

/**
 * Host pids in the container's cgroup and its sub-cgroups (exec --cgroup);
 * any hierarchy will do: all hold them.
 */
export function cgroupPids(paths: Record<string, string>): number[] {
  const dir = paths['pids'] ?? paths['memory'] ?? paths['unified'] ?? Object.values(paths)[0];
  if (!dir) return [];
  const out: number[] = [];
  const walk = (d: string, depth: number): void => {
    try {
      for (const l of fs.readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n')) if (l) out.push(Number(l));
    } catch {
      return;
    }
    if (depth > 16) return;
    for (const sub of subCgroups(d)) walk(sub, depth + 1);
  };
  walk(dir, 0);
  return out;
}

function subCgroups(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

/**
 * Removes the sub-cgroups (exec --cgroup, or made inside the container) of
 * the container's cgroups, deepest first, so its own directories can go.
 */
export function removeSubCgroups(paths: Record<string, string>): void {
  const under = (d: string, depth: number): string[] => (depth > 16 ? [] : subCgroups(d).flatMap((c) => [...under(c, depth + 1), c]));
  for (const dir of Object.values(paths)) removeCgroups([...under(dir, 0)].reverse());
}

// ---------------------------------------------------------------------------
// The manager: one interface, one implementation per layout. A hybrid host is
// driven as v1 (its controllers are there); its cgroup2 mount only gets what
// `unified` asks for.

export interface CgroupManager {
  readonly version: 'v1' | 'v2' | 'hybrid';
  /** writes linux.resources (create: devices too; update: only what is given) */
  apply(r: Resources, devices?: LinuxDevice[]): void;
  freeze(): void;
  thaw(): void;
  isFrozen(): boolean;
  pids(): number[];
}


function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readTrim(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The hierarchy directory that holds `controller` ("unified" for the cgroup2 mount). */
export function dirFor(paths: Record<string, string>, controller: string): string | undefined {
  if (controller === 'unified') return paths['unified'];
  for (const [key, dir] of Object.entries(paths)) if (key.split(',').includes(controller)) return dir;
  return undefined;
}

/** Host facts for resourceWrites, read from the container's own directories. */
export function hostFacts(layout: Layout, paths: Record<string, string>): HostFacts {
  const v1 = new Set<string>();
  for (const h of layout.hierarchies) if (h.version === 1) for (const c of h.key.split(',')) v1.add(c);
  const u = layout.hierarchies.find((h) => h.version === 2);
  const unified = new Set((u && readTrim(path.join(u.mountpoint, 'cgroup.controllers'))?.split(/\s+/).filter(Boolean)) ?? []);
  const version = layout.kind === 'v2' ? 'v2' : layout.kind === 'hybrid' ? 'hybrid' : 'v1';
  return {
    version,
    controllers: version === 'v2' ? unified : v1,
    unifiedControllers: version === 'hybrid' ? unified : undefined,
    hasFile(controller, file) {
      const dir = dirFor(paths, controller);
      return dir !== undefined && fs.existsSync(path.join(dir, file));
    },
  };
}

/**
 * Applies a write list; a refusal names the config field and the file.
 * A smaller cfs period can be refused (EINVAL) while the old quota over the
 * new period exceeds the parent's limit; when the same list sets the quota
 * the period is written again after it (runc does the same).
 */
export function applyWrites(paths: Record<string, string>, writes: Write[]): void {
  let deferredPeriod: { w: Write; file: string } | undefined;
  const write = (w: Write, file: string): void => {
    try {
      fs.writeFileSync(file, w.value);
    } catch (e) {
      throw new RuntsError(`${w.field}: write ${JSON.stringify(w.value)} to ${file}: ${errnoText(e)}`);
    }
  };
  for (const [i, w] of writes.entries()) {
    const dir = dirFor(paths, w.controller);
    if (!dir) throw new RuntsError(`${w.field}: the ${w.controller} cgroup controller is not available on this host`);
    const file = path.join(dir, w.file);
    if (w.file === 'cpu.cfs_period_us' && writes.slice(i + 1).some((q) => q.file === 'cpu.cfs_quota_us')) {
      try {
        fs.writeFileSync(file, w.value);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw new RuntsError(`${w.field}: write ${JSON.stringify(w.value)} to ${file}: ${errnoText(e)}`);
        deferredPeriod = { w, file };
      }
      continue;
    }
    write(w, file);
    if (w.file === 'cpu.cfs_quota_us' && deferredPeriod) {
      write(deferredPeriod.w, deferredPeriod.file);
      deferredPeriod = undefined;
    }
  }
}

class FsV1Manager implements CgroupManager {
  constructor(
    readonly version: 'v1' | 'hybrid',
    private layout: Layout,
    private paths: Record<string, string>,
  ) {}

  apply(r: Resources, devices?: LinuxDevice[]): void {
    const cur: Current = {};
    const memDir = dirFor(this.paths, 'memory');
    const lim = memDir ? readTrim(path.join(memDir, 'memory.limit_in_bytes')) : undefined;
    if (lim !== undefined) cur.memoryLimit = Number(lim);
    const writes = resourceWrites(r, hostFacts(this.layout, this.paths), cur, devices);
    applyWrites(this.paths, writes);
  }

  private freezerState(): string | undefined {
    const d = dirFor(this.paths, 'freezer');
    return d ? readTrim(path.join(d, 'freezer.state')) : undefined;
  }

  freeze(): void {
    const d = dirFor(this.paths, 'freezer');
    if (!d) throw new RuntsError('the freezer cgroup controller is not available on this host');
    // FREEZING can stay a while when a task sits in an uninterruptible sleep:
    // write again and wait, as runc does, up to ~1 s
    for (let i = 0; i < 100; i++) {
      fs.writeFileSync(path.join(d, 'freezer.state'), 'FROZEN');
      if (this.freezerState() === 'FROZEN') return;
      sleepMs(10);
    }
    fs.writeFileSync(path.join(d, 'freezer.state'), 'THAWED');
    throw new RuntsError('unable to freeze the container: its processes stayed in FREEZING');
  }

  thaw(): void {
    const d = dirFor(this.paths, 'freezer');
    if (d) fs.writeFileSync(path.join(d, 'freezer.state'), 'THAWED');
  }

  isFrozen(): boolean {
    return this.freezerState() === 'FROZEN';
  }

  pids(): number[] {
    return cgroupPids(this.paths);
  }
}

export class FsV2Manager implements CgroupManager {
  readonly version = 'v2' as const;
  /**
   * multiDevice: the device program goes next to systemd's in a unit's
   * cgroup (BPF_F_ALLOW_MULTI) instead of being the only one
   */
  constructor(
    private layout: Layout,
    private paths: Record<string, string>,
    private multiDevice = false,
  ) {}

  protected get layoutOf(): Layout {
    return this.layout;
  }

  protected get pathsOf(): Record<string, string> {
    return this.paths;
  }

  private get dir(): string {
    const d = this.paths['unified'];
    if (!d) throw new RuntsError('the container has no cgroup v2 directory');
    return d;
  }

  apply(r: Resources, devices?: LinuxDevice[]): void {
    const writes = resourceWrites(r, hostFacts(this.layout, this.paths), {}, devices);
    this.checkUsage(r);
    this.applyWrites(writes, r, devices);
  }

  /** The files, controllers enabled along the path first; then the device program. */
  applyWrites(writes: Write[], r: Resources | undefined, devices: LinuxDevice[] | undefined): void {
    this.enable(controllersNeeded(writes));
    applyWrites(this.paths, writes);
    if (r?.devices !== undefined) {
      // v2 has no devices files: an eBPF program attached to the cgroup decides
      try {
        attachDeviceFilter(this.dir, deviceRules(r.devices, devices), this.multiDevice);
      } catch (e) {
        // runc (fs2 Set): rootless, errors of the device controller are
        // ignored: a cgroup device program needs CAP_SYS_ADMIN in the initial
        // user namespace, so it cannot be attached from any other, and the
        // container's devices are bind mounts of the host's nodes there
        if (!hostRootless().inUserNamespace && hostRootless().euid === 0) throw e;
      }
    }
  }

  /**
   * memory.checkBeforeUpdate: v2 takes a memory.max under the usage (and
   * reclaims, or OOM-kills), so as runc does the limit is refused first.
   */
  protected checkUsage(r: Resources): void {
    const m = r.memory;
    if (!m?.checkBeforeUpdate) return;
    const usage = Number(readTrim(path.join(this.dir, 'memory.current')) ?? NaN);
    if (!Number.isFinite(usage)) return;
    if (m.swap !== undefined && m.swap > 0) {
      const swapUsage = Number(readTrim(path.join(this.dir, 'memory.swap.current')) ?? 0);
      if (m.swap <= usage + swapUsage) throw new RuntsError(`rejecting memory+swap limit ${m.swap} below usage ${usage + swapUsage}`);
    }
    if (m.limit !== undefined && m.limit > 0 && m.limit <= usage) throw new RuntsError(`rejecting memory limit ${m.limit} below usage ${usage}`);
  }

  /** "+ctrl" into cgroup.subtree_control of every ancestor, top down (spec: MUST enable) */
  private enable(ctrls: string[]): void {
    if (!ctrls.length) return;
    const top = this.layout.hierarchies.find((h) => h.version === 2)!.mountpoint;
    const chain: string[] = [];
    for (let d = path.dirname(this.dir); d.startsWith(top); d = path.dirname(d)) {
      chain.unshift(d);
      if (d === top) break;
    }
    for (const d of chain) {
      const have = new Set(readTrim(path.join(d, 'cgroup.subtree_control'))?.split(/\s+/) ?? []);
      const add = ctrls.filter((c) => !have.has(c));
      if (!add.length) continue;
      try {
        fs.writeFileSync(path.join(d, 'cgroup.subtree_control'), add.map((c) => '+' + c).join(' '));
      } catch (e) {
        throw new RuntsError(`/linux/resources: cannot enable the ${add.join(', ')} controller(s) in ${d}: ${errnoText(e)}`);
      }
    }
  }

  freeze(): void {
    fs.writeFileSync(path.join(this.dir, 'cgroup.freeze'), '1');
    for (let i = 0; i < 100; i++) {
      if (this.isFrozen()) return;
      sleepMs(10);
    }
    fs.writeFileSync(path.join(this.dir, 'cgroup.freeze'), '0');
    throw new RuntsError('unable to freeze the container: cgroup.events never said frozen');
  }

  thaw(): void {
    fs.writeFileSync(path.join(this.dir, 'cgroup.freeze'), '0');
  }

  isFrozen(): boolean {
    // asked for every status: a container without a v2 directory is not frozen
    const d = this.paths['unified'];
    return d !== undefined && /^frozen 1$/m.test(readTrim(path.join(d, 'cgroup.events')) ?? '');
  }

  pids(): number[] {
    return cgroupPids(this.paths);
  }
}

/** systemdUnit: the container is in a unit of the systemd driver (lib/cgroups/systemd.ts, loaded only then) */
export function managerFor(layout: Layout, paths: Record<string, string>, systemdUnit?: string): CgroupManager {
  if (layout.kind === 'v2' && systemdUnit) {
    const sd = require('./systemd') as typeof import('./systemd');
    return new sd.SystemdV2Manager(layout, paths, systemdUnit);
  }
  if (layout.kind === 'v2') return new FsV2Manager(layout, paths);
  return new FsV1Manager(layout.kind === 'hybrid' ? 'hybrid' : 'v1', layout, paths);
}
