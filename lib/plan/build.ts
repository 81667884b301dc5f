// config.json + command-line options -> LaunchPlan. Pure: everything it needs
// from the host comes in through PlanInput, so unit tests run without root.
import { ConfigRefusal } from '../errors';
import * as path from '../sys/path';
import { capMask, capNumber } from '../capabilities';
import { cgroupSync, type CgroupJoin } from '../cgroups/join';
import type { Hierarchy } from '../cgroups/layout';
import type { IDMapping, Mount, Process, Spec } from '../config/types';
import { planSeccomp } from '../seccomp/plan';
import { planAttrs } from './attrs';
import { planStartHooks, startStateMaxBytes } from './hooks';
import { checkMountLabel, planExecLabel, type LsmHost } from './lsm';
import { checkProcMount } from './procmount';
import { checkMappingIds, checkProcessIds } from './ids';
import { deferCgroupJoin, orderJoins } from './joins';
import { checkConfigLimits, checkPreserveFds, u64 } from './limits';
import { checkRootlessNamespaces, mapWriting, ROOT_WRITES, type RootlessCaller } from './rootless-maps';
import { idMapText, PROPAGATION_OPTIONS, MS, planMounts } from './mounts';
import { NS_FLAGS, type LaunchPlan, type NsJoin, type PlanDevice, type PlanDeviceLink, type ProcessPlan } from './types';

export class PlanError extends ConfigRefusal {}

export interface PlanInput {
  spec: Spec;
  /** absolute bundle directory */
  bundle: string;
  noPivot: boolean;
  /** --no-new-keyring: the container keeps the caller's session keyring */
  noNewKeyring?: boolean;
  fifoPath: string;
  /** where the init reports its startContainer hooks ("" when the config has none) */
  hooksFifoPath?: string;
  /** --console-socket; "" hands the pty master back to the caller */
  consoleSocket: string;
  preserveFds: number;
  /** how the init joins its cgroups (lib/cgroups/join.ts) */
  cgroupJoin: CgroupJoin;
  /** the container's cgroup directory per hierarchy (bound at /sys/fs/cgroup without a cgroup namespace) */
  cgroupPaths?: Record<string, string>;
  lastCap: number;
  hierarchies: Hierarchy[];
  isDirectory(hostPath: string): boolean;
  /** whether a host path is on a procfs (a bind over /proc must be one) */
  isProcfs?(hostPath: string): boolean;
  /** contents of the rootfs's /etc/passwd, for HOME; undefined if absent */
  passwd?: string;
  /** the runtime's own bounding set: a container cannot get more */
  hostBounding: bigint;
  /** what this host's kernel offers beyond namespaces */
  host: HostFeatures;
  /** where the plan says what it skips (config.md: "logged as a warning") */
  warn(message: string): void;
  /** the container id, for the state a seccomp notify agent receives */
  containerId?: string;
  /**
   * runts itself runs in a user namespace someone else made (rootless
   * podman): devices are bound from the host, as in a new user namespace
   * (runc: RunningInUserNS), since mknod is not allowed there either
   */
  inUserNamespace?: boolean;
  /** runts is not root (lib/plan/rootless-maps.ts): how the id maps are written */
  rootless?: RootlessCaller;
}

export interface HostFeatures extends LsmHost {
  /** the resctrl file system, for linux.intelRdt */
  resctrl: boolean;
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const RLIMITS: Record<string, number> = {
  RLIMIT_CPU: 0,
  RLIMIT_FSIZE: 1,
  RLIMIT_DATA: 2,
  RLIMIT_STACK: 3,
  RLIMIT_CORE: 4,
  RLIMIT_RSS: 5,
  RLIMIT_NPROC: 6,
  RLIMIT_NOFILE: 7,
  RLIMIT_MEMLOCK: 8,
  RLIMIT_AS: 9,
  RLIMIT_LOCKS: 10,
  RLIMIT_SIGPENDING: 11,
  RLIMIT_MSGQUEUE: 12,
  RLIMIT_NICE: 13,
  RLIMIT_RTPRIO: 14,
  RLIMIT_RTTIME: 15,
};

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
const S_IFIFO = 0o010000;

/** The devices every container gets (runtime-spec config-linux.md "Default Devices"). */
export const DEFAULT_DEVICES = [
  { path: '/dev/null', major: 1, minor: 3 },
  { path: '/dev/zero', major: 1, minor: 5 },
  { path: '/dev/full', major: 1, minor: 7 },
  { path: '/dev/random', major: 1, minor: 8 },
  { path: '/dev/urandom', major: 1, minor: 9 },
  { path: '/dev/tty', major: 5, minor: 0 },
];

const IPC_SYSCTLS = new Set([
  'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem',
  'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced',
]);

/**
 * runc's rule: a sysctl is allowed only when it belongs to a namespace the
 * container has of its own, so writing it cannot change the host.
 */
export function checkSysctl(key: string, has: (t: 'ipc' | 'network' | 'uts') => boolean): string | undefined {
  if (IPC_SYSCTLS.has(key) || key.startsWith('fs.mqueue.'))
    return has('ipc') ? undefined : `sysctl "${key}" is not allowed in the hosts ipc namespace`;
  if (key.startsWith('net.')) return has('network') ? undefined : `sysctl "${key}" is not allowed in the hosts network namespace`;
  if (has('uts')) {
    if (key === 'kernel.hostname') return `sysctl "${key}" is not allowed as it conflicts with the OCI "hostname" field`;
    if (key === 'kernel.domainname') return `sysctl "${key}" is not allowed as it conflicts with the OCI "domainname" field`;
  }
  return `sysctl "${key}" is not in a separate kernel namespace`;
}

const pointerPart = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');


/** host id of a container id through the mappings (identity without a user namespace) */
function toHost(id: number, maps: IDMapping[] | undefined): number {
  if (!maps) return id;
  for (const m of maps) if (id >= m.containerID && id < m.containerID + m.size) return m.hostID + (id - m.containerID);
  return -1;
}

function homeOf(uid: number, passwd: string | undefined): string {
  for (const line of (passwd ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length >= 7 && Number(f[2]) === uid && f[5]) return f[5];
  }
  return '/';
}

function mountsProc(spec: Spec): boolean {
  return (spec.mounts ?? []).some((m) => m.type === 'proc' && path.posix.normalize(m.destination) === '/proc');
}

/** What runts needs of the host and the container to plan one process. */
export interface ProcessPlanInput {
  bundle: string;
  lastCap: number;
  hostBounding: bigint;
  host: HostFeatures;
  passwd?: string;
  containerId?: string;
  warn(message: string): void;
}

/**
 * The part of a plan that belongs to the process: shared by create (the
 * container's process) and exec (another process in the container).
 */
export function processPlan(
  proc: Process,
  spec: Spec,
  input: ProcessPlanInput,
): Omit<ProcessPlan, 'attrs' | 'preserveFds' | 'sessionKeyring' | 'chroot'> {
  const linux = spec.linux ?? {};
  checkProcessIds(proc);
  // applied (AppArmor, where the host has it) or refused, never dropped
  const execLabel = planExecLabel(proc, input.host);
  // config.md: a capability that cannot be granted MUST be logged as a
  // warning and SHOULD NOT fail the container (runc does the same)
  const caps = proc.capabilities ?? {};
  const skipped = new Set<string>();
  const mask = (names: readonly string[] | undefined): bigint => {
    const usable = (names ?? []).filter((n) => {
      const num = capNumber(n);
      const ok = num !== undefined && num <= input.lastCap && (input.hostBounding & (1n << BigInt(num))) !== 0n;
      if (!ok) skipped.add(n);
      return ok;
    });
    return capMask(usable);
  };
  const capSets = {
    capBounding: mask(caps.bounding),
    capEffective: mask(caps.effective),
    capPermitted: mask(caps.permitted),
    capInheritable: mask(caps.inheritable),
    capAmbient: mask(caps.ambient),
  };
  if (skipped.size) input.warn(`ignoring unknown or unavailable capabilities: [${[...skipped].join(' ')}]`);

  const rlimits = (proc.rlimits ?? []).map((r, i) => {
    const resource = RLIMITS[r.type];
    if (resource === undefined) throw new PlanError(`/process/rlimits/${i}/type: unknown rlimit "${r.type}"`);
    return { resource, soft: u64(r.soft), hard: u64(r.hard) };
  });

  const env = [...(proc.env ?? [])];
  const pathEntry = env.find((e) => e.startsWith('PATH='));
  const uid = proc.user?.uid ?? 0;
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${homeOf(uid, input.passwd)}`);

  const seccomp = planSeccomp(linux.seccomp, {
    id: input.containerId ?? '',
    bundle: input.bundle,
    annotations: spec.annotations,
    noNewPrivileges: proc.noNewPrivileges === true,
    capEffective: capSets.capEffective & capSets.capPermitted,
    warn: input.warn,
  });

  return {
    rlimits,
    terminal: proc.terminal === true,
    consoleHeight: proc.consoleSize?.height ?? 0,
    consoleWidth: proc.consoleSize?.width ?? 0,
    uid,
    gid: proc.user?.gid ?? 0,
    additionalGids: proc.user?.additionalGids ?? [],
    // umask(2) takes the permission bits only, as runc passes it: 2^32-1 is 0777, not a C -1 ("leave")
    umask: (proc.user?.umask ?? 0o022) & 0o777,
    ...capSets,
    lastCap: input.lastCap,
    noNewPrivileges: proc.noNewPrivileges === true,
    oomScoreAdj: proc.oomScoreAdj ?? -1001,
    cwd: proc.cwd,
    args: proc.args,
    env,
    searchPath: pathEntry ? pathEntry.slice(5) : DEFAULT_PATH,
    ...execLabel,
    seccomp,
  };
}

/**
 * `/` becomes rslave (rprivate when asked) before anything is mounted;
 * shared and unbindable are applied to the new root after the pivot
 */
function propagation(prop: string): { rootPropagation: number; rootfsPropagation: number } {
  const privateRoot = prop === 'private' || prop === 'rprivate';
  return {
    rootPropagation: MS.REC | (privateRoot ? MS.PRIVATE : MS.SLAVE),
    rootfsPropagation: prop && !privateRoot && prop !== 'slave' && prop !== 'rslave' ? PROPAGATION_OPTIONS[prop] : 0,
  };
}

/** linux.devices and the default devices (with their /dev links), unless /dev is bound from elsewhere */
function planDevices(spec: Spec, userNs: boolean): { devices: PlanDevice[]; devLinks: PlanDeviceLink[] } {
  const linux = spec.linux ?? {};
  const destinations = new Set((spec.mounts ?? []).map((m) => path.posix.normalize(m.destination)));
  const devBound = destinations.has('/dev') && (spec.mounts ?? []).some((m) => m.destination === '/dev' && m.type === 'bind');
  const devices: PlanDevice[] = [];
  const devLinks: PlanDeviceLink[] = [];
  // without a mount namespace too, as runc: the container shares the runtime's
  if (!devBound) {
    const seen = new Set<string>();
    for (const [i, d] of (linux.devices ?? []).entries()) {
      if (!path.posix.normalize(d.path).startsWith('/dev/'))
        throw new PlanError(`/linux/devices/${i}/path: device path "${d.path}" is not under /dev`);
      const kind = d.type === 'b' ? S_IFBLK : d.type === 'p' ? S_IFIFO : S_IFCHR;
      if (d.type !== 'p' && (d.major === undefined || d.minor === undefined))
        throw new PlanError(`/linux/devices/${i}: major and minor are required for type "${d.type}"`);
      seen.add(d.path);
      devices.push({
        path: d.path,
        mode: kind | ((d.fileMode ?? 0o666) & 0o7777),
        major: d.major ?? 0,
        minor: d.minor ?? 0,
        uid: toHost(d.uid ?? 0, linux.uidMappings),
        gid: toHost(d.gid ?? 0, linux.gidMappings),
        bind: userNs,
      });
    }
    for (const d of DEFAULT_DEVICES) {
      if (seen.has(d.path)) continue;
      devices.push({ ...d, mode: S_IFCHR | 0o666, uid: 0, gid: 0, bind: userNs });
    }
    devLinks.push(
      { target: '/proc/self/fd', path: '/dev/fd' },
      { target: '/proc/self/fd/0', path: '/dev/stdin' },
      { target: '/proc/self/fd/1', path: '/dev/stdout' },
      { target: '/proc/self/fd/2', path: '/dev/stderr' },
    );
    if (destinations.has('/dev/pts')) devLinks.push({ target: 'pts/ptmx', path: '/dev/ptmx' });
    if (destinations.has('/proc')) devLinks.push({ target: '/proc/kcore', path: '/dev/core' });
  }
  return { devices, devLinks };
}

/** what the config asks of namespaces it does not have: refused naming the field */
function checkNamespaceNeeds(spec: Spec, newUser: boolean, has: (t: keyof typeof NS_FLAGS) => boolean): void {
  const linux = spec.linux ?? {};
  const userNs = has('user');
  const mountNs = has('mount');
  checkMappingIds(linux.uidMappings, '/linux/uidMappings');
  checkMappingIds(linux.gidMappings, '/linux/gidMappings');
  (spec.mounts ?? []).forEach((m, i) => {
    checkMappingIds(m.uidMappings, `/mounts/${i}/uidMappings`);
    checkMappingIds(m.gidMappings, `/mounts/${i}/gidMappings`);
  });
  if (newUser && !(linux.uidMappings?.length && linux.gidMappings?.length))
    throw new PlanError('/linux/uidMappings: a new user namespace needs uidMappings and gidMappings');
  if (!userNs && (linux.uidMappings?.length || linux.gidMappings?.length))
    throw new PlanError('/linux/uidMappings: id mappings need a user namespace in /linux/namespaces');
  if ((spec.hostname ?? '') !== '' && !has('uts'))
    throw new PlanError('/hostname: setting the hostname needs a uts namespace in /linux/namespaces');
  if ((spec.domainname ?? '') !== '' && !has('uts'))
    throw new PlanError('/domainname: setting the domainname needs a uts namespace in /linux/namespaces');
}

/**
 * The kernel mounts a sysfs only for the user namespace that owns the
 * network namespace: a new user namespace without a new network namespace
 * gets the host's /sys bound instead (rbind, with the mount's own flags:
 * nosuid, nodev, noexec, ro as `runts spec --rootless` writes them).
 */
function sysfsAsBind(mounts: Mount[], needed: boolean, warn: (m: string) => void): Mount[] {
  if (!needed) return mounts;
  return mounts.map((m, i) => {
    if (m.type !== 'sysfs') return m;
    warn(`/mounts/${i}: sysfs cannot be mounted in a user namespace without its own network namespace: /sys of the host is bound instead`);
    const options = (m.options ?? []).filter((o) => o !== 'bind' && o !== 'rbind');
    return { ...m, type: 'bind', source: '/sys', options: ['rbind', ...options] };
  });
}

export function buildPlan(input: PlanInput): LaunchPlan {
  const { spec } = input;
  const linux = spec.linux ?? {};
  const proc = spec.process;
  if (!proc) throw new PlanError('/process: required to create a container');
  // what the addon cannot carry is refused here, naming the field (lib/plan/limits.ts)
  checkConfigLimits(spec);
  checkPreserveFds(input.preserveFds);

  let cloneFlags = 0;
  const given: NsJoin[] = [];
  for (const ns of linux.namespaces ?? []) {
    const flag = NS_FLAGS[ns.type];
    if (ns.path) given.push({ type: ns.type, flag, path: ns.path });
    else cloneFlags |= flag;
  }
  const joins = orderJoins(given);
  const has = (t: keyof typeof NS_FLAGS): boolean => (linux.namespaces ?? []).some((n) => n.type === t);
  const newUser = (cloneFlags & NS_FLAGS.user) !== 0;
  const userNs = has('user');

  checkRootlessNamespaces(spec, input.rootless);
  checkNamespaceNeeds(spec, newUser, has);
  const maps = newUser ? mapWriting(spec, input.rootless) : ROOT_WRITES;
  const mountNs = has('mount');

  const rootfs = path.resolve(input.bundle, spec.root.path);
  // an SELinux mount label, and RDT this host lacks, are refused, not silently ignored
  checkMountLabel(linux, input.host);
  if (linux.intelRdt && !input.host.resctrl)
    throw new PlanError('/linux/intelRdt: Intel RDT is not supported on this host (no resctrl file system)');
  if (linux.intelRdt) throw new PlanError('/linux/intelRdt: Intel RDT is not implemented by runts yet');
  if (linux.netDevices && Object.keys(linux.netDevices).length && !(cloneFlags & NS_FLAGS.network) && !joins.some((j) => j.type === 'network'))
    throw new PlanError('/linux/netDevices: moving network devices needs a network namespace in /linux/namespaces');
  const attrs = planAttrs(spec, (cloneFlags & NS_FLAGS.time) !== 0);
  for (const field of ['maskedPaths', 'readonlyPaths'] as const)
    if (!mountNs && linux[field]?.length) throw new PlanError(`/linux/${field}: restricting paths needs a mount namespace in /linux/namespaces`);

  const sysctls = Object.entries(linux.sysctl ?? {}).map(([key, value]) => {
    // a namespace joined by path still is the container's own
    const err = checkSysctl(key, (t) => has(t));
    if (err) throw new PlanError(`/linux/sysctl/${pointerPart(key)}: ${err}`);
    if (!mountNs || !mountsProc(spec)) throw new PlanError(`/linux/sysctl/${pointerPart(key)}: sysctls need /proc mounted in the container`);
    return { path: key.replace(/\./g, '/'), value };
  });

  (spec.mounts ?? []).forEach((m, i) => checkProcMount(m, i, (p) => input.isProcfs?.(p) ?? false));
  const mounts = planMounts(sysfsAsBind(spec.mounts ?? [], newUser && !(cloneFlags & NS_FLAGS.network), input.warn), {
    warn: input.warn,
    userns: userNs && linux.uidMappings && linux.gidMappings ? { uid: linux.uidMappings, gid: linux.gidMappings } : undefined,
    bundle: input.bundle,
    isDirectory: input.isDirectory,
    hierarchies: input.hierarchies,
    ownCgroups: cloneFlags & NS_FLAGS.cgroup ? undefined : input.cgroupPaths,
    // runc: not with a rootless euid (setns into a mount namespace needs CAP_SYS_CHROOT here)
    openBindSources: userNs && mountNs && input.rootless === undefined,
  });

  const { devices, devLinks } = planDevices(spec, userNs || input.inUserNamespace === true);

  const { rootPropagation, rootfsPropagation } = propagation(linux.rootfsPropagation ?? '');

  const procPart = processPlan(proc, spec, input);
  const staged = deferCgroupJoin(joins, newUser);

  return {
    namespaces: {
      cloneFlags,
      joins: staged.joins,
      cgroupAfterPlacement: staged.cgroupAfterPlacement,
      uidMap: newUser ? idMapText(linux.uidMappings) : '',
      gidMap: newUser ? idMapText(linux.gidMappings) : '',
      ...maps,
      hostname: spec.hostname ?? '',
      domainname: spec.domainname ?? '',
    },
    rootfs: {
      path: rootfs,
      rootPropagation,
      rootfsPropagation,
      readonlyRoot: spec.root.readonly === true,
      noPivot: input.noPivot,
      mounts,
      devLinks,
      devices,
      sysctls,
      readonlyPaths: linux.readonlyPaths ?? [],
      maskedPaths: linux.maskedPaths ?? [],
    },
    process: {
      ...procPart,
      // runc names it after the container: _ses.<id>
      sessionKeyring: input.noNewKeyring ? '' : `_ses.${input.containerId ?? ''}`,
      chroot: '',
      preserveFds: input.preserveFds,
      attrs,
    },
    sync: {
      ...cgroupSync(input.cgroupJoin, { cloneFlags, joins: staged.joins }),
      fifoPath: input.fifoPath,
      pauseForHooks: ['prestart', 'createRuntime', 'createContainer'].some((h) => (spec.hooks?.[h as keyof NonNullable<Spec['hooks']>] ?? []).length > 0),
      consoleSocket: input.consoleSocket,
      ...startHooksSync(spec, procPart.env, input),
    },
  };
}

/** the startContainer hooks the init runs, and what it needs for them */
function startHooksSync(spec: Spec, env: string[], input: PlanInput): Pick<LaunchPlan['sync'], 'startHooks' | 'hooksFifoPath' | 'stateMaxBytes'> {
  const startHooks = planStartHooks(spec.hooks?.startContainer, env);
  if (!startHooks.length) return { startHooks, hooksFifoPath: '', stateMaxBytes: 0 };
  if (!input.hooksFifoPath) throw new PlanError('/hooks/startContainer: no fifo for the init to report the hooks on');
  return { startHooks, hooksFifoPath: input.hooksFifoPath, stateMaxBytes: startStateMaxBytes(spec, input.containerId ?? '', input.bundle) };
}
