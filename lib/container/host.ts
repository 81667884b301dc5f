// The seam between the lifecycle and the machine: everything lib/container
// asks of the host (the addon's spawn and pidfds, the exec fifo, /proc,
// cgroups, hooks, the bundle and the state directory) goes through one Host.
// realHost() is the machine; spec/unit/fake-host.ts records the calls and
// plays the machine in unit tests that need no root.
import * as fs from '../sys/fs';
import type * as Os from 'node:os';
import * as path from '../sys/path';
import type * as ChildProcess from 'node:child_process';
import { lastCap, ownBoundingSet } from '../capabilities';
import { hostLayout, type Layout } from '../cgroups/layout';
import { cgroupPids, managerFor, prepareCgroups, removeCgroups, removeSubCgroups, type CgroupManager, type Placement } from '../cgroups/manager';
import type * as SystemdDriver from '../cgroups/systemd';
import type * as ConfigLoad from '../config/load';
import type { Hook, Spec } from '../config/types';
import { errnoText } from '../errno';
import { RuntsError } from '../errors';
import { runHooks, runHooksLogged, type HookName, type HookOptions, type HookState } from '../hooks';
import { hostFeatures } from '../host';
import * as native from '../native';
import type { HostFeatures } from '../plan/build';
import type { LaunchPlan } from '../plan/types';
import type * as SeccompCache from '../seccomp/cache';
import { timed } from '../timing';
import type { SeccompPlan } from '../seccomp/plan';
import { mountsUnder, readMountinfo, type HostMount } from './hostmounts';
import { pidsInNamespaceOf, readProcStat, type ProcStat } from './proc';
import { cgroupAccess, hostRootless, ownCgroupPaths, type CgroupAccess, type RootlessFacts } from '../rootless';
import type { RootlessCaller } from '../plan/rootless-maps';

/** The state directory's file operations (Store's only way to the disk). */
export interface StateFs {
  /** mkdir; false when it exists already (the per-id lock) */
  mkdirExclusive(dir: string, mode: number): boolean;
  mkdirp(dir: string, mode: number): void;
  removeTree(dir: string): void;
  /** tmp + rename: readers never see a torn file */
  writeAtomic(file: string, text: string): void;
  /** the text, or undefined when the file does not exist */
  read(file: string): string | undefined;
  exists(file: string): boolean;
  /** names of the subdirectories (empty when dir does not exist) */
  subdirs(dir: string): string[];
  /**
   * An exclusive flock on file, waited for; the release function, or
   * undefined when there is no such file (or it went while we waited).
   * `create`: make the file (only create does: a waiter that made it again
   * inside a directory being removed would break the removal).
   */
  lock(file: string, create: boolean): (() => void) | undefined;
}

/** The cgroup side: placement, removal, and a manager for a container's directories. */
export interface CgroupHost {
  layout(): Layout;
  prepare(layout: Layout, cgroupPath: string): Placement;
  remove(created: string[]): void;
  /** the sub-cgroups inside the container's (exec --cgroup), deepest first */
  removeSub(paths: Record<string, string>): void;
  /** the container's processes, sub-cgroups included */
  pids(paths: Record<string, string>): number[];
  /** systemdUnit: the container is that unit of the systemd driver */
  manager(paths: Record<string, string>, systemdUnit?: string): CgroupManager;
  /** systemd driver: the unit for the waiting init, then the files (lib/cgroups/systemd.ts, loaded only then) */
  startUnit(o: StartUnit): void;
  /** systemd driver: stop the unit, reset it if it failed */
  stopUnit(unit: string, warn: (m: string) => void): void;
  /** systemd driver: the default slice and the cgroup units go under (the user's systemd: its ControlGroup) */
  unitsRoot(): { defaultSlice: string; managerCgroup: string };
  /** whether this process may make the container's cgroup in each hierarchy (lib/rootless.ts) */
  access(layout: Layout, cgroupPath: string): CgroupAccess[];
  /** this process's own cgroup directory per hierarchy (bound in a container that got none) */
  ownPaths(layout: Layout): Record<string, string>;
  /** /proc/self/cgroup: where runts itself is */
  ownCgroups(): string;
}

export type StartUnit = Parameters<typeof SystemdDriver.startContainerUnit>[0];

/** What a plan needs to know about this machine. */
export interface MachineFacts {
  lastCap: number;
  hostBounding: bigint;
  features: HostFeatures;
  /** sd_booted(3) */
  systemdRunning: boolean;
  /** the systemd cgroup driver applies: systemd runs and the host is pure cgroup v2 */
  systemdDriver: boolean;
  /** euid and user namespace (lib/rootless.ts) */
  rootless: RootlessFacts;
}

export interface Host {
  readonly state: StateFs;
  readonly cgroups: CgroupHost;
  facts(): MachineFacts;
  /** runts is not root: who it runs as, its /etc/subuid and /etc/subgid, the map tools (undefined as root) */
  rootlessCaller(): RootlessCaller | undefined;

  // the bundle and the container's rootfs
  realpath(p: string): string | undefined;
  isDirectory(p: string): boolean;
  /** on a procfs (statfs magic 0x9fa0): a bind over the container's /proc must be */
  isProcfs?(p: string): boolean;
  /**
   * The rootfs's /etc/passwd, for HOME: undefined when it has none. Read
   * resolved inside the rootfs (the image controls the path); a file that is
   * not a regular one or too large is ignored with a warning.
   */
  readPasswd(rootfs: string, warn: (message: string) => void): string | undefined;
  loadConfig(bundle: string): Spec;

  // processes
  /** the addon's spawn, with the runtime's work at its steps (native.SpawnCallbacks); a throw kills the init */
  spawn(plan: LaunchPlan, cb?: native.SpawnCallbacks): native.SpawnResult;
  /** filters built once and kept under the state root */
  prebuildSeccomp(root: string, plan: SeccompPlan): void;
  procStat(pid: number): ProcStat | undefined;
  /** the processes in the pid namespace of `pid` (lib/container/proc.ts), for a container without a cgroup */
  pidsInNamespaceOf?(pid: number): number[];
  /** /proc/<pid>/setgroups says "deny": a process joining its user namespace cannot setgroups */
  setgroupsDenied?(pid: number): boolean;
  /** sig through a pidfd; with startTime only if pid is still that process. false: no such process */
  signal(pid: number, startTime: string | undefined, sig: number): boolean;
  /** SIGKILL and wait for the exit (bounded); nothing when the process is gone or another one */
  killAndWait(pid: number, startTime?: string): void;
  /** "dev:ino" of the pid namespace `pid` is in; undefined when it is gone */
  pidNamespaceOf?(pid: number): string | undefined;

  /** the mounts of the runtime's namespace at dir or under it (hostmounts.ts) */
  mountsUnder?(dir: string): HostMount[];
  /** umount2(MNT_DETACH | UMOUNT_NOFOLLOW): 0 or -errno */
  unmount?(target: string): number;

  // the exec fifo: create waits on it, start opens it
  mkfifo(file: string, mode: number): number;
  /** writes the start byte; false when nobody reads (the init is gone) */
  releaseFifo(file: string): boolean;
  /**
   * start with startContainer hooks: the init's report fifo opened, the
   * state written to the exec fifo (the hooks' stdin), the report read to
   * its end (the init's execve or exit); undefined when the init is gone
   */
  releaseFifoForHooks(file: string, hooksFifo: string, state: string): Buffer | undefined;

  /** the hooks in order; the first failure throws */
  runHooks(name: HookName, hooks: Hook[] | undefined, state: HookState, o?: HookOptions): void;
  /** poststop: each failure is a warning and the next hook still runs */
  runHooksLogged(name: HookName, hooks: Hook[] | undefined, state: HookState, warn: (m: string) => void): void;
  /** linux.netDevices: a host interface into the init's network namespace */
  moveNetDevice(hostName: string, name: string, pid: number): void;
  /** runc's pid file: a temporary file renamed into place; a failure in runc's words */
  writePidFile(file: string, pid: number): void;
  closeFd(fd: number): void;
}

/** /etc/passwd above this is not read (it is only searched for HOME) */
export const PASSWD_MAX_BYTES = 4 << 20;

/** node:child_process costs ~2 ms to load on every call; only hooks and veth moves need it */
const childProcess = (): typeof ChildProcess => require('node:child_process');
/** a builtin costs ~0.8 ms to load in the executable: only a rootless caller's user name needs node:os */
const os = (): typeof Os => require('node:os');
/** Linux errno numbers (lib/sys/uv-errors.ts has them all) */
const EINVAL = 22;
const EFBIG = 27;
// Required when first called, not when this module loads: every command
// loads the host (Store carries it), and `state` must not evaluate the config
// validator or the seccomp code (spec/lazy-load.test.ts)
const configLoad = (): typeof ConfigLoad => require('../config/load');
const seccompCache = (): typeof SeccompCache => require('../seccomp/cache');

function readText(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** tmp + rename */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    // no fsync: the state lives on /run (tmpfs) and dies with a reboot,
    // as the containers do; rename alone keeps readers from a torn file
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

const realStateFs: StateFs = {
  mkdirExclusive(dir, mode) {
    try {
      fs.mkdirSync(dir, { mode });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  },
  mkdirp: (dir, mode) => void fs.mkdirSync(dir, { recursive: true, mode }),
  removeTree: (dir) => fs.rmSync(dir, { recursive: true, force: true }),
  writeAtomic: (file, text) => timed('state write', () => writeAtomic(file, text)),
  read: readText,
  exists: (file) => fs.existsSync(file),
  lock(file, create) {
    for (;;) {
      let fd: number;
      try {
        fd = fs.openSync(file, fs.constants.O_RDWR | (create ? fs.constants.O_CREAT : 0), 0o600);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      const rc = native.flock(fd, true, true);
      if (rc < 0) {
        fs.closeSync(fd);
        throw new RuntsError(`lock ${file}: ${errnoText({ code: native.errnoName(-rc) })}`);
      }
      // while we waited the holder may have deleted the container (and a
      // create made it anew): the lock counts only on the file still there
      const held = fs.fstatSync(fd);
      let now: fs.Stats | undefined;
      try {
        now = fs.statSync(file);
      } catch {
        now = undefined;
      }
      if (now && now.ino === held.ino && now.dev === held.dev) return () => fs.closeSync(fd);
      fs.closeSync(fd);
      if (!now) return undefined;
    }
  },
  subdirs(dir) {
    try {
      return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  },
};

/** the systemd cgroup driver, loaded only when it is used */
const systemdDriver = (): typeof SystemdDriver => require('../cgroups/systemd');

const ENXIO = 6;
/** a report is a few kB (hooks.c keeps 4 kB of each output); more is not the init's */
const REPORT_MAX = 64 << 10;

/** a non-blocking fifo, read until its writers are gone */
function readToEnd(fd: number): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(16384);
  for (;;) {
    native.waitReadable(fd, -1);
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw e;
    }
    if (n === 0 || total >= REPORT_MAX) return Buffer.concat(parts);
    parts.push(Buffer.from(buf.subarray(0, n)));
    total += n;
  }
}

const realCgroups: CgroupHost = {
  layout: hostLayout,
  prepare: (layout, cgroupPath) => timed('cgroups', () => prepareCgroups(layout, cgroupPath)),
  remove: (created) => timed('cgroups', () => removeCgroups(created)),
  removeSub: (paths) => timed('cgroups', () => removeSubCgroups(paths)),
  pids: cgroupPids,
  manager: (paths, systemdUnit) => managerFor(hostLayout(), paths, systemdUnit),
  startUnit: (o) => systemdDriver().startContainerUnit(o),
  stopUnit: (unit, warn) => systemdDriver().stopContainerUnit(unit, warn),
  unitsRoot: () => systemdDriver().unitsRoot(),
  access: (layout, cgroupPath) => cgroupAccess(layout.hierarchies, cgroupPath),
  ownPaths: (layout) => ownCgroupPaths(layout.hierarchies, fs.readFileSync('/proc/self/cgroup', 'utf8')),
  ownCgroups: () => fs.readFileSync('/proc/self/cgroup', 'utf8'),
};

function sameProcess(pid: number, startTime: string | undefined): boolean {
  if (startTime === undefined) return true;
  const st = readProcStat(pid);
  return st !== undefined && st.startTime === startTime && st.state !== 'Z' && st.state !== 'X';
}

/** A set-uid helper by name: $PATH first (runc uses exec.LookPath), then /usr/bin. */
function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/')), '/usr/bin', '/bin'];
  for (const d of dirs) {
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // next directory
    }
  }
  return undefined;
}

let machineFacts: MachineFacts | undefined;
let systemdRunning: boolean | undefined;

const real: Host = {
  state: realStateFs,
  cgroups: realCgroups,
  // read once a process: a create asks three times
  facts: () =>
    (machineFacts ??= {
      lastCap: lastCap(),
      hostBounding: ownBoundingSet(),
      features: hostFeatures(),
      // asked only with --systemd-cgroup, then once
      get systemdRunning() {
        return (systemdRunning ??= fs.existsSync('/run/systemd/system'));
      },
      get systemdDriver() {
        return this.systemdRunning && hostLayout().kind === 'v2';
      },
      rootless: hostRootless(),
    }),
  rootlessCaller() {
    const euid = process.geteuid?.() ?? 0;
    if (euid === 0) return undefined;
    const read = (f: string): string | undefined => {
      try {
        return fs.readFileSync(f, 'utf8');
      } catch {
        return undefined;
      }
    };
    let user = String(euid);
    try {
      user = os().userInfo().username;
    } catch {
      // no passwd entry: subuid lines may still name the number
    }
    return {
      euid,
      egid: process.getegid?.() ?? 0,
      user,
      subuid: read('/etc/subuid'),
      subgid: read('/etc/subgid'),
      newuidmap: findTool('newuidmap'),
      newgidmap: findTool('newgidmap'),
    };
  },
  pidsInNamespaceOf: (pid) => pidsInNamespaceOf(pid),
  setgroupsDenied(pid) {
    try {
      return fs.readFileSync(`/proc/${pid}/setgroups`, 'utf8').trim() === 'deny';
    } catch {
      return false;
    }
  },
  realpath(p) {
    try {
      return fs.realpathSync(p);
    } catch {
      return undefined;
    }
  },
  isDirectory(p) {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
  isProcfs(p) {
    try {
      return fs.statfsSync(p).type === 0x9fa0;
    } catch {
      return false;
    }
  },
  readPasswd(rootfs, warn) {
    // through the addon: a symlink must not read a host file, a FIFO must
    // not block create, /dev/zero must not fill memory
    const r = native.readFileInRoot(rootfs, 'etc/passwd', PASSWD_MAX_BYTES);
    if (typeof r !== 'number') return r.toString('utf8');
    const why = r === -EINVAL ? 'not a regular file' : r === -EFBIG ? `larger than ${PASSWD_MAX_BYTES} bytes` : undefined;
    if (why) warn(`/etc/passwd in the rootfs is ${why}: ignored (HOME=/)`);
    return undefined;
  },
  loadConfig: (bundle) => timed('parse+validate', () => configLoad().loadConfig(bundle)),
  // the hooks that run inside spawn count as hooks, not as spawn
  spawn: (plan, cb) => timed('spawn', () => native.spawn(plan, cb)),
  prebuildSeccomp: (root, plan) => timed('plan', () => seccompCache().usePrebuilt(root, plan)),
  procStat: readProcStat,
  pidNamespaceOf(pid) {
    try {
      const st = fs.statSync(`/proc/${pid}/ns/pid`);
      return `${st.dev}:${st.ino}`;
    } catch {
      return undefined;
    }
  },
  signal(pid, startTime, sig) {
    // the pidfd pins the process: checked, then signalled, no reuse between
    const fd = native.pidfdOpen(pid);
    if (fd < 0) return false;
    try {
      if (!sameProcess(pid, startTime)) return false;
      return native.pidfdSendSignal(fd, sig) === 0;
    } finally {
      fs.closeSync(fd);
    }
  },
  killAndWait(pid, startTime) {
    const fd = native.pidfdOpen(pid);
    if (fd < 0) return;
    try {
      if (!sameProcess(pid, startTime)) return;
      native.pidfdSendSignal(fd, 9);
      native.pidfdWait(fd, 10000);
    } finally {
      fs.closeSync(fd);
    }
  },
  mountsUnder: (dir) => mountsUnder(readMountinfo(), dir),
  unmount: (target) => native.unmountDetached(target),
  mkfifo(file, mode) {
    const rc = native.mkfifo(file, mode);
    if (rc < 0) return rc;
    // exactly `mode` (the exec fifo: 0600), whatever the umask took away
    fs.chmodSync(file, mode);
    return 0;
  },
  releaseFifo(file) {
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    } catch (e) {
      // ENXIO: no reader, the init is gone
      if ((e as NodeJS.ErrnoException).code === 'ENXIO') return false;
      throw e;
    }
    try {
      fs.writeSync(fd, '0');
    } finally {
      fs.closeSync(fd);
    }
    fs.rmSync(file, { force: true });
    return true;
  },
  releaseFifoForHooks(file, hooksFifo, state) {
    // before the release: the report must have a reader when the init ends
    const report = fs.openSync(hooksFifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const rc = native.fifoWrite(file, Buffer.from(state));
      if (rc === -ENXIO) return undefined;
      if (rc < 0) throw new RuntsError(`write exec fifo ${file}: ${errnoText({ code: native.errnoName(-rc) })}`);
      fs.rmSync(file, { force: true });
      return timed('hooks', () => readToEnd(report));
    } finally {
      fs.closeSync(report);
    }
  },
  runHooks: (name, hooks, state, o) => timed('hooks', () => runHooks(name, hooks, state, o)),
  runHooksLogged: (name, hooks, state, warn) => timed('hooks', () => runHooksLogged(name, hooks, state, warn)),
  moveNetDevice(hostName, name, pid) {
    const r = childProcess().spawnSync('ip', ['link', 'set', 'dev', hostName, 'netns', String(pid), 'name', name], { encoding: 'utf8' });
    if (r.error) throw new RuntsError(`/linux/netDevices/${hostName}: cannot run ip(8): ${r.error.message}`);
    if (r.status !== 0) throw new RuntsError(`/linux/netDevices/${hostName}: ${r.stderr.trim() || 'ip link set failed'}`);
  },
  writePidFile(file, pid) {
    const abs = path.resolve(file);
    const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.tmp`);
    // the name is predictable and the directory may be writable by others: a
    // link or file planted there is removed (unlink does not follow), never
    // written through; the new file is made by this open alone
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
    let fd: number;
    try {
      try {
        fd = fs.openSync(tmp, flags, 0o644);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        fs.unlinkSync(tmp);
        fd = fs.openSync(tmp, flags, 0o644);
      }
    } catch (e) {
      throw new RuntsError(`open ${tmp}: ${errnoText(e)}`);
    }
    try {
      fs.writeSync(fd, String(pid));
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.renameSync(tmp, abs);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw new RuntsError(`rename ${tmp} ${abs}: ${errnoText(e)}`);
    }
  },
  closeFd: (fd) => fs.closeSync(fd),
};

/** This machine. */
export function realHost(): Host {
  return real;
}
