// A recording fake of lib/container/host.ts's Host: the state directory,
// cgroups, processes, the exec fifo and hooks live in memory, every call
// that changes the machine is appended to `calls`, and tests set what fails.
// No root, no addon, no kernel.
import * as path from 'node:path';
import type { CgroupManager, Placement } from '../../lib/cgroups/manager';
import type { Layout } from '../../lib/cgroups/layout';
import type { Hook, Spec } from '../../lib/config/types';
import type { CgroupHost, Host, MachineFacts, StateFs } from '../../lib/container/host';
import type { ProcStat } from '../../lib/container/proc';
import type { RootlessFacts } from '../../lib/rootless';
import { RuntsError, type NativeFailureData } from '../../lib/errors';
import type { HookName, HookOptions, HookState } from '../../lib/hooks';
import type { SpawnCallbacks, SpawnResult } from '../../lib/native';
import type { LaunchPlan } from '../../lib/plan/types';

const CGROUP_ROOT = '/sys/fs/cgroup';
const LAYOUT: Layout = { kind: 'v2', hierarchies: [{ key: 'unified', mountpoint: CGROUP_ROOT, version: 2, options: '' }] };

interface FakeProcess {
  startTime: string;
  alive: boolean;
  /** SIGKILL arrived while frozen: it dies at thaw */
  killPending: boolean;
}

/** A bundle's config as the fake's loadConfig returns it: busybox sh, new namespaces, no hooks. */
export function fakeSpec(hooks?: Spec['hooks']): Spec {
  return {
    ociVersion: '1.3.0',
    root: { path: 'rootfs' },
    process: { cwd: '/', args: ['sh'], user: { uid: 0, gid: 0 }, env: ['PATH=/bin'] },
    linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'ipc' }, { type: 'uts' }] },
    hooks,
  } as Spec;
}

export class FakeHost implements Host {
  readonly calls: string[] = [];
  readonly files = new Map<string, string>();
  readonly dirs = new Set<string>();
  readonly cgroupDirs = new Set<string>();
  readonly frozen = new Set<string>();
  readonly procs = new Map<number, FakeProcess>();
  /** the bundle's config */
  spec: Spec = fakeSpec();
  /** set: spawn fails at this step, as the addon reports it */
  spawnFailure?: NativeFailureData;
  /** set: spawn fails so once its callbacks have run (the init failed late in its set-up) */
  lateSpawnFailure?: NativeFailureData;
  /** the state record as it was when spawn's onGoing returned */
  stateAtGoing?: string;
  /** hooks of these names fail (when the config has any) */
  readonly failingHooks = new Set<HookName>();
  /** called as each hook list runs, before it may fail */
  onHook?: (name: HookName) => void;
  /** systemd runs on a pure v2 host: --systemd-cgroup uses the systemd driver */
  systemdDriver = false;
  /** the caller's euid and user namespace; tests set a rootless caller */
  rootless: RootlessFacts = { euid: 0, inUserNamespace: false };
  /** whether the fake cgroupfs is writable by the caller (delegated) */
  cgroupWritable = true;
  /** set: systemd refuses to start the unit with this error */
  unitFailure?: string;
  /** the systemd units that exist */
  readonly units = new Set<string>();
  private nextPid = 1000;

  readonly state: StateFs = {
    // one process: nothing to wait for (the real flock is in spec/stress)
    lock: () => () => {},
    mkdirExclusive: (dir) => {
      if (this.dirs.has(dir)) return false;
      this.dirs.add(dir);
      return true;
    },
    mkdirp: (dir) => void this.dirs.add(dir),
    removeTree: (dir) => {
      this.calls.push(`rm ${dir}`);
      for (const d of [...this.dirs]) if (d === dir || d.startsWith(dir + '/')) this.dirs.delete(d);
      for (const f of [...this.files.keys()]) if (f.startsWith(dir + '/')) this.files.delete(f);
    },
    writeAtomic: (file, text) => {
      if (!this.dirs.has(path.dirname(file))) throw new Error(`ENOENT: ${file}`);
      this.files.set(file, text);
    },
    read: (file) => this.files.get(file),
    exists: (file) => this.files.has(file) || this.dirs.has(file),
    subdirs: (dir) => [...this.dirs].filter((d) => path.dirname(d) === dir).map((d) => path.basename(d)),
  };

  readonly cgroups: CgroupHost = {
    layout: () => LAYOUT,
    prepare: (_layout, cgroupPath): Placement => {
      const dir = path.join(CGROUP_ROOT, cgroupPath);
      this.calls.push(`cgroup mkdir ${dir}`);
      this.cgroupDirs.add(dir);
      return { paths: { unified: dir }, created: [dir], join: { tasks: [], into: dir } };
    },
    remove: (created) => {
      for (const d of created) {
        this.calls.push(`cgroup rmdir ${d}`);
        this.cgroupDirs.delete(d);
      }
    },
    removeSub: (paths) => void this.calls.push(`cgroup rmdir subs of ${paths['unified']}`),
    pids: () => [...this.procs.entries()].filter(([, p]) => p.alive).map(([pid]) => pid),
    manager: (paths) => this.manager(paths['unified']),
    startUnit: (o) => {
      this.calls.push(`systemd start ${o.unit.unit} in ${o.unit.slice} pid ${o.pid}`);
      if (this.unitFailure) throw new RuntsError(this.unitFailure);
      this.units.add(o.unit.unit);
      this.cgroupDirs.add(o.paths['unified']);
    },
    unitsRoot: () => ({ defaultSlice: 'system.slice', managerCgroup: '' }),
    ownCgroups: () => '0::/user.slice/user-0.slice/session-1.scope\n',
    stopUnit: (unit) => {
      this.calls.push(`systemd stop ${unit}`);
      this.units.delete(unit);
      for (const d of [...this.cgroupDirs]) if (path.basename(d) === unit) this.cgroupDirs.delete(d);
    },
    access: () => [{ key: 'unified', existing: CGROUP_ROOT, writable: this.cgroupWritable }],
    ownPaths: () => ({ unified: CGROUP_ROOT }),
  };

  private manager(dir: string | undefined): CgroupManager {
    return {
      version: 'v2',
      apply: () => void this.calls.push(`cgroup apply ${dir}`),
      freeze: () => {
        this.calls.push(`freeze ${dir}`);
        if (dir) this.frozen.add(dir);
      },
      thaw: () => {
        this.calls.push(`thaw ${dir}`);
        if (dir) this.frozen.delete(dir);
        // what was killed while frozen dies now
        for (const p of this.procs.values()) if (p.killPending) p.alive = false;
      },
      isFrozen: () => dir !== undefined && this.frozen.has(dir),
      pids: () => this.cgroups.pids({}),
    };
  }

  private anyFrozen(): boolean {
    return this.frozen.size > 0;
  }

  facts(): MachineFacts {
    return { lastCap: 40, hostBounding: (1n << 41n) - 1n, features: { apparmor: false, apparmorProfiles: null, selinux: false, resctrl: false }, systemdRunning: this.systemdDriver, systemdDriver: this.systemdDriver, rootless: this.rootless };
  }

  rootlessCaller = (): undefined => undefined;
  /** the processes of a pid namespace; unset: the host seam's fallback (the init alone) */
  pidsInNamespaceOf?: (pid: number) => number[];
  realpath = (p: string): string | undefined => p;
  isDirectory = (): boolean => true;
  readPasswd = (): string | undefined => undefined;
  loadConfig = (): Spec => structuredClone(this.spec);

  spawn(plan: LaunchPlan, cb: SpawnCallbacks = {}): SpawnResult {
    this.calls.push('spawn');
    if (this.spawnFailure) return { error: { ...this.spawnFailure } };
    const pid = this.nextPid++;
    this.procs.set(pid, { startTime: String(pid * 7), alive: true, killPending: false });
    // the addon's order: placed, let go, waiting for the create hooks
    for (const fn of [cb.onPlaced, cb.onGoing, cb.onHooks]) {
      if (!fn) continue;
      try {
        fn(pid);
        if (fn === cb.onGoing) this.stateAtGoing = [...this.files.entries()].find(([f]) => f.endsWith('/state.json'))?.[1];
      } catch (e) {
        // the addon kills the waiting init when a hook fails
        this.procs.get(pid)!.alive = false;
        throw e;
      }
    }
    if (this.lateSpawnFailure) {
      // the addon kills the init when it reports a failed step
      this.procs.get(pid)!.alive = false;
      return { error: { ...this.lateSpawnFailure } };
    }
    return { pid };
  }

  prebuildSeccomp(): void {}

  procStat(pid: number): ProcStat | undefined {
    const p = this.procs.get(pid);
    return p?.alive ? { state: 'S', startTime: p.startTime } : undefined;
  }

  signal(pid: number, startTime: string | undefined, sig: number): boolean {
    const p = this.procs.get(pid);
    if (!p?.alive || (startTime !== undefined && startTime !== p.startTime)) return false;
    this.calls.push(`signal ${pid} ${sig}`);
    if (sig === 9) {
      if (this.anyFrozen()) p.killPending = true;
      else p.alive = false;
    }
    return true;
  }

  killAndWait(pid: number, startTime?: string): void {
    const p = this.procs.get(pid);
    if (!p?.alive || (startTime !== undefined && startTime !== p.startTime)) return;
    this.calls.push(`killAndWait ${pid}`);
    // a frozen process never exits: the real killAndWait would time out
    if (this.anyFrozen()) throw new Error(`killAndWait ${pid}: the process is frozen and cannot die`);
    p.alive = false;
  }

  mkfifo(file: string): number {
    if (!this.dirs.has(path.dirname(file))) return -2;
    this.files.set(file, 'fifo');
    return 0;
  }

  releaseFifo(file: string): boolean {
    const waiting = [...this.procs.values()].some((p) => p.alive);
    if (!waiting) return false;
    this.calls.push('release fifo');
    this.files.delete(file);
    return true;
  }

  /** the init's report: a failure of hook #0 when startContainer is in failingHooks */
  releaseFifoForHooks(file: string, _hooksFifo: string, state: string): Buffer | undefined {
    if (!this.releaseFifo(file)) return undefined;
    this.calls.push('hook startContainer (init)');
    this.startState = state;
    return Buffer.from(this.failingHooks.has('startContainer') ? 'fail 0 exit 1 0 0\n' : 'ok\n');
  }

  /** the state the last start gave the init for its startContainer hooks */
  startState?: string;

  runHooks(name: HookName, hooks: Hook[] | undefined, _state: HookState, _o?: HookOptions): void {
    if (!hooks?.length) return;
    this.calls.push(`hook ${name}`);
    this.onHook?.(name);
    if (this.failingHooks.has(name)) throw new RuntsError(`error running ${name} hook #0: error running hook: exit status 1, stdout: , stderr: `);
  }

  runHooksLogged(name: HookName, hooks: Hook[] | undefined, state: HookState, warn: (m: string) => void): void {
    try {
      this.runHooks(name, hooks, state);
    } catch (e) {
      warn((e as Error).message);
    }
  }

  moveNetDevice(hostName: string, name: string, pid: number): void {
    this.calls.push(`netdev ${hostName} ${name} ${pid}`);
  }

  writePidFile(file: string, pid: number): void {
    this.calls.push(`pidfile ${file} ${pid}`);
  }

  closeFd(fd: number): void {
    this.calls.push(`close ${fd}`);
  }

  /** live processes */
  alive(): number[] {
    return [...this.procs.entries()].filter(([, p]) => p.alive).map(([pid]) => pid);
  }
}
