// The OCI lifecycle operations, shared by the thin CLI commands: create,
// start, kill, delete. Each asks status.ts whether the container's status
// allows it and refuses with a TransitionRefused; the host is store.host.
import * as path from '../sys/path';
import { NO_CGROUPS } from '../cgroups/join';
import type { Layout } from '../cgroups/layout';
import type { Placement } from '../cgroups/manager';
import { besideOwnCgroup, parseSystemdPath, resolveCgroupPath } from '../cgroups/path';
import { unitCgroupPath } from '../cgroups/systemd-user';
import type { SystemdUnit } from '../cgroups/systemd';
import { ConfigRefusal, ContainerNotFound, DamagedState, NativeError, RuntsError, TransitionRefused } from '../errors';
import type { Resources, Spec } from '../config/types';
import { buildPlan } from '../plan/build';
import { cgroupsDelegated, firstLimitField, usesRootlessCgroups, type CgroupAccess } from '../rootless';
import { checkConfigLimits } from '../plan/limits';
import { timed } from '../timing';
import { errnoText } from '../errno';
import { startReportError, type HookState } from '../hooks';
import { startHookState, startStateMessage } from '../plan/hooks';
import { errnoName } from '../native';
import { NS_PROC_FILE, type LaunchPlan } from '../plan/types';
import { faultPoint } from './fault';
import { mountsMade, type HostMount } from './hostmounts';
import { sortCgroupProcesses, type ForeignProcess, type OwnershipFacts } from './ownership';
import { checkConsole, launch, socketPath, writePidFile } from './spawn';
import { canKill, canStart, deletesWithoutForce, deleteThaws, isStopped, killAllOfStoppedSucceeds, killThaws, statusOf } from './status';
import { rfc3339Nano, type ContainerRecord, type Store, type UndoRecord } from './store';

export interface CreateOptions {
  id: string;
  bundle: string;
  pidFile?: string;
  /** --console-socket */
  consoleSocket?: string;
  /** a foreground run: a terminal's master comes back instead of going to a socket */
  foreground?: boolean;
  noPivot: boolean;
  noNewKeyring?: boolean;
  preserveFds: number;
  systemdCgroup: boolean;
  /** the global --rootless (true, false, auto): whether cgroup permission errors are expected */
  rootlessCgroups?: string;
  warn(message: string): void;
  /** --debug lines (runc's suite looks for the words of runc's own) */
  debug?(message: string): void;
}

/**
 * Socket activation, as runc passes it on: when LISTEN_PID names us, fds
 * 3..3+LISTEN_FDS-1 go to the container ahead of --preserve-fds, and the
 * container is told LISTEN_FDS=n, LISTEN_PID=1.
 */
function listenFds(): number {
  const n = Number(process.env.LISTEN_FDS ?? '');
  return Number.isInteger(n) && n > 0 && Number(process.env.LISTEN_PID) === process.pid ? n : 0;
}

function withListenFds(spec: Spec, n: number): Spec {
  const proc = spec.process!;
  const env = (proc.env ?? []).filter((e) => !/^LISTEN_(FDS|PID)=/.test(e));
  return { ...spec, process: { ...proc, env: [...env, `LISTEN_FDS=${n}`, 'LISTEN_PID=1'] } };
}

/** The container's /etc/passwd, for HOME (undefined when it has none, or it is refused with a warning) */
export function readPasswd(store: Store, rootfs: string, warn: (message: string) => void): string | undefined {
  return store.host.readPasswd(rootfs, warn);
}

export interface Created {
  rec: ContainerRecord;
  /** the pty master, for a foreground run with process.terminal */
  consoleFd?: number;
}

interface Bundle {
  bundle: string;
  rootfs: string;
  spec: Spec;
}

/** The bundle's config and rootfs, refused before anything is made. */
function openBundle(store: Store, o: CreateOptions): Bundle {
  const given = path.resolve(o.bundle);
  const bundle = store.host.realpath(given);
  if (bundle === undefined) throw new RuntsError(`bundle ${given}: no such file or directory`);
  const spec = store.host.loadConfig(bundle);
  const rootfs = path.resolve(bundle, spec.root.path);
  if (!store.host.isDirectory(rootfs)) throw new ConfigRefusal(`/root/path: rootfs ${rootfs} does not exist or is not a directory`);
  checkConsole({ terminal: spec.process?.terminal === true, consoleSocket: o.consoleSocket, foreground: o.foreground === true, socketNeedsDetach: true });
  return { bundle, rootfs, spec };
}

/** rootless on cgroup v2 without cgroupsPath: beside runts' own cgroup, as runc (see besideOwnCgroup) */
function rootlessDefaultPath(store: Store, b: Bundle, o: CreateOptions): string | undefined {
  if (o.systemdCgroup || (b.spec.linux?.cgroupsPath ?? '') !== '' || !usesRootlessCgroups(o.rootlessCgroups, store.host.facts().rootless)) return undefined;
  if (store.host.cgroups.layout().kind !== 'v2') return undefined;
  return besideOwnCgroup(o.id, store.host.cgroups.ownCgroups());
}

/**
 * The container's cgroups, made and limited before the init is placed there
 * and runs anything. With the systemd driver systemd makes them, with the
 * init's pid, when onPlaced runs: the placement says where they will be.
 */
function placeCgroups(store: Store, b: Bundle, o: CreateOptions, done: (p: Placement) => void): { unit?: SystemdUnit; foreign: ForeignProcess[] } {
  const cgroupPath = rootlessDefaultPath(store, b, o) ?? resolveCgroupPath(b.spec.linux?.cgroupsPath, o.id, o.systemdCgroup);
  const facts = store.host.facts();
  // no systemd to ask for a scope (or no driver for a v1 host): say where the container went instead
  if (o.systemdCgroup && !facts.systemdRunning)
    o.warn(`systemd is not running: cgroupsPath "${b.spec.linux?.cgroupsPath ?? ''}" is placed at ${cgroupPath} on cgroupfs`);
  else if (o.systemdCgroup && !facts.systemdDriver)
    o.warn(`the systemd cgroup driver needs a cgroup v2 host: cgroupsPath "${b.spec.linux?.cgroupsPath ?? ''}" is placed at ${cgroupPath} on cgroupfs`);
  const layout = store.host.cgroups.layout();
  if (o.systemdCgroup && facts.systemdDriver) {
    const top = layout.hierarchies.find((h) => h.version === 2)!.mountpoint;
    // rootless: the user's systemd, its units under user@<uid>.service (runc's getSliceFull)
    const where = store.host.cgroups.unitsRoot();
    const unit = parseSystemdPath(b.spec.linux?.cgroupsPath, o.id, where.defaultSlice);
    const paths = { unified: path.join(top, unitCgroupPath(where.managerCgroup, resolveCgroupPath(b.spec.linux?.cgroupsPath, o.id, true, where.defaultSlice))) };
    // a create killed after systemd made the unit: delete --force stops it
    store.writeUndo(o.id, { cgroupPaths: paths, createdCgroups: [], systemdUnit: unit.unit });
    // systemd makes the unit's cgroup and moves the init there itself (onPlaced)
    done({ paths, created: [], join: NO_CGROUPS });
    return { unit, foreign: [] };
  }
  if (!rootlessMayPlace(store, b, o, layout, cgroupPath)) {
    done({ paths: {}, created: [], join: NO_CGROUPS });
    return { foreign: [] };
  }
  // before any mkdir: a create killed from here on leaves what delete --force
  // needs, and which processes were there already (delete --force spares them)
  const undo = plannedCgroups(store, layout, cgroupPath);
  const foreign = foreignProcesses(store, undo.cgroupPaths);
  store.writeUndo(o.id, { ...undo, foreign });
  faultPoint('create:undo-written', store.root);
  const placement = store.host.cgroups.prepare(layout, cgroupPath);
  done(placement);
  // a cgroup that already holds processes shares its limits and freezer with
  // them: runc 1.1.5 warns in these words and goes on (1.2 refuses); kill
  // --all and delete leave them alone (ownership.ts)
  if (foreign.length > 0) o.warn(`container's cgroup is not empty: ${foreign.length} process(es) found`);
  // a frozen cgroup would stop the init in the middle of its set-up, and
  // create would wait on it for ever (runc 1.1.5 refuses it in these words)
  if (store.host.cgroups.manager(placement.paths).isFrozen()) throw new ConfigRefusal("container's cgroup unexpectedly frozen");
  store.host.cgroups.manager(placement.paths).apply(createResources(b.spec), b.spec.linux?.devices);
  return { foreign };
}

/**
 * A rootless caller (runc's rootless cgroup manager: any euid but 0, or uid 0
 * in a user namespace) whose cgroups are not delegated gets no cgroup at all,
 * as with runc, unless the config asks for a limit: then create fails before
 * anything is made, naming the field (runc fails later, in the init's
 * set-up, with "cannot set memory limit: container could not join or create
 * cgroup"). Device rules are not limits here: only the kernel's own checks
 * apply to an unprivileged user, as runc ignores them rootless.
 */
/** The hierarchy a refused field's controller lives in (v1), else the first one refused. */
function refusedHierarchy(access: CgroupAccess[], field: string): CgroupAccess | undefined {
  const controller = LIMIT_CONTROLLER[field.split('/')[3] ?? ''];
  const refused = access.filter((a) => !a.writable);
  return refused.find((a) => controller !== undefined && a.key.split(',').includes(controller)) ?? refused[0];
}

const LIMIT_CONTROLLER: Record<string, string> = {
  memory: 'memory',
  cpu: 'cpu',
  pids: 'pids',
  blockIO: 'blkio',
  hugepageLimits: 'hugetlb',
  network: 'net_cls',
  rdma: 'rdma',
  unified: 'unified',
};

function rootlessMayPlace(store: Store, b: Bundle, o: CreateOptions, layout: Layout, cgroupPath: string): boolean {
  const facts = store.host.facts();
  if (!usesRootlessCgroups(o.rootlessCgroups, facts.rootless)) return true;
  const access = store.host.cgroups.access(layout, cgroupPath);
  if (cgroupsDelegated(access)) return true;
  const field = firstLimitField(b.spec.linux?.resources);
  if (field !== undefined) {
    const refused = refusedHierarchy(access, field)?.existing ?? 'no cgroup hierarchy';
    throw new ConfigRefusal(
      `${field}: cannot set a limit: rootless container could not join or create cgroup (${refused} is not writable by uid ${facts.rootless.euid}: cgroups are not delegated to this user)`,
    );
  }
  return false;
}

/**
 * devices always: with no rules in the config the container still gets
 * deny-all plus runc's defaults, never the parent's allow-all
 */
function createResources(spec: Spec): Resources {
  const resources = spec.linux?.resources ?? {};
  return { ...resources, devices: resources.devices ?? [] };
}

/** The directories prepare() will make (those missing now), parents first, and the container's per hierarchy. */
/** the processes in the container's cgroup before its init is there: not the container's */
function foreignProcesses(store: Store, paths: Record<string, string>): ForeignProcess[] {
  const out: ForeignProcess[] = [];
  for (const pid of store.host.cgroups.pids(paths)) {
    const st = store.host.procStat(pid);
    if (st) out.push({ pid, startTime: st.startTime });
  }
  return out;
}

function plannedCgroups(store: Store, layout: Layout, cgroupPath: string): UndoRecord {
  const undo: UndoRecord = { cgroupPaths: {}, createdCgroups: [] };
  for (const h of layout.hierarchies) {
    const dir = path.join(h.mountpoint, cgroupPath);
    undo.cgroupPaths[h.key] = dir;
    const missing: string[] = [];
    // one stat a level (realpath(3) would readlink every component of each)
    for (let d = dir; d.startsWith(h.mountpoint + '/') && !store.host.isDirectory(d); d = path.dirname(d)) missing.unshift(d);
    undo.createdCgroups.push(...missing);
  }
  return undo;
}

/**
 * delete --force of a container without a readable state.json (its create
 * was killed, or the file was damaged): every process in the cgroups the
 * create recorded is killed (thawed first), those cgroups removed.
 */
function removeUndone(store: Store, id: string): void {
  const undo = store.readUndo(id);
  if (undo) {
    const m = store.host.cgroups.manager(undo.cgroupPaths);
    // the create's init, if it got that far, and what it started; never
    // what was in the cgroup before
    const own = (): number[] => sortCgroupProcesses(store.host.cgroups.pids(undo.cgroupPaths), { ...ownershipHost(store), foreign: Array.isArray(undo.foreign) ? undo.foreign : [] }).own;
    for (const pid of own()) store.host.signal(pid, undefined, 9);
    if (m.isFrozen()) m.thaw();
    for (const pid of own()) store.host.killAndWait(pid);
    if (undo.systemdUnit) store.host.cgroups.stopUnit(undo.systemdUnit, () => {});
    store.host.cgroups.remove(undo.createdCgroups);
  }
  store.release(id);
}

function initPlan(store: Store, b: Bundle, o: CreateOptions, fifos: { fifo: string; hooksFifo: string }, placement: Placement): LaunchPlan {
  const listen = listenFds();
  const facts = store.host.facts();
  return buildPlan({
    spec: listen ? withListenFds(b.spec, listen) : b.spec,
    bundle: b.bundle,
    noPivot: o.noPivot,
    noNewKeyring: o.noNewKeyring,
    fifoPath: fifos.fifo,
    hooksFifoPath: fifos.hooksFifo,
    consoleSocket: socketPath(o.consoleSocket),
    preserveFds: listen + o.preserveFds,
    cgroupJoin: placement.join,
    // a rootless container without a cgroup of its own sees runts' own cgroups (runc: GetOwnCgroup)
    cgroupPaths: Object.keys(placement.paths).length ? placement.paths : store.host.cgroups.ownPaths(store.host.cgroups.layout()),
    lastCap: facts.lastCap,
    hierarchies: store.host.cgroups.layout().hierarchies,
    isDirectory: (p) => store.host.isDirectory(p),
    isProcfs: (p) => store.host.isProcfs?.(p) ?? false,
    passwd: readPasswd(store, b.rootfs, o.warn),
    hostBounding: facts.hostBounding,
    host: facts.features,
    warn: o.warn,
    containerId: o.id,
    inUserNamespace: facts.rootless.inUserNamespace,
    rootless: store.host.rootlessCaller(),
  });
}

function record(store: Store, b: Bundle, o: CreateOptions, pid: number, placement: Placement, foreign: ForeignProcess[]): ContainerRecord {
  const st = store.host.procStat(pid);
  if (!st) throw new RuntsError('container init exited during setup');
  const namespacePaths: Record<string, string> = {};
  for (const ns of b.spec.linux?.namespaces ?? []) namespacePaths[ns.type] = ns.path ?? `/proc/${pid}/ns/${NS_PROC_FILE[ns.type]}`;
  return {
    id: o.id,
    pid,
    pidStartTime: st.startTime,
    bundle: b.bundle,
    rootfs: b.rootfs,
    created: rfc3339Nano(),
    owner: '',
    annotations: b.spec.annotations,
    cgroupPaths: placement.paths,
    createdCgroups: placement.created,
    namespacePaths,
    noNewKeyring: o.noNewKeyring === true,
    pidNamespace: store.host.pidNamespaceOf?.(pid),
    foreignProcesses: foreign.length ? foreign : undefined,
    config: b.spec,
  };
}

/** no mount namespace in linux.namespaces: the container's mounts are the runtime's namespace's */
function sharesMountNamespace(spec: Spec): boolean {
  return !(spec.linux?.namespaces ?? []).some((n) => n.type === 'mount');
}

function realRootfs(store: Store, b: Bundle): string {
  return store.host.realpath(b.rootfs) ?? b.rootfs;
}

/**
 * The mounts create made in the host's namespace (no mount namespace),
 * deepest first; each only while the same mount is still at its place.
 */
function unmountAll(store: Store, made: HostMount[], warn: (m: string) => void): void {
  for (const m of made) {
    const here = store.host.mountsUnder?.(m.path) ?? [];
    if (!here.some((h) => h.id === m.id && h.path === m.path)) continue;
    const rc = store.host.unmount?.(m.path) ?? 0;
    if (rc < 0) warn(`unmount ${m.path}: ${errnoText({ code: errnoName(-rc) })}`);
  }
}

export function create(store: Store, o: CreateOptions): Created {
  const b = openBundle(store, o);
  // before the cgroups take linux.devices: what the addon cannot carry names its field
  checkConfigLimits(b.spec);
  store.claim(o.id);
  faultPoint('create:claimed', store.root);
  // held until the record is written (or the create undone): a delete or
  // start of this id waits for it, state and list say "creating"
  const unlock = store.lock(o.id, true);
  faultPoint('create:locked', store.root);
  let placement: Placement | undefined;
  let pid = 0;
  /** without a mount namespace: the host's mounts under the rootfs before the init made its own */
  const mountsBefore = sharesMountNamespace(b.spec) ? store.host.mountsUnder?.(realRootfs(store, b)) : undefined;
  /** the systemd unit, once systemd made it */
  let unitStarted: string | undefined;
  try {
    const fifo = store.fifoPath(o.id);
    const rc = store.host.mkfifo(fifo, 0o600);
    if (rc < 0) throw new NativeError({ step: 'mkfifo', path: fifo, errno: -rc, message: errnoText({ code: errnoName(-rc) }) }, 'setup');
    // the init reports its startContainer hooks on a second fifo, read by start
    const hooksFifo = b.spec.hooks?.startContainer?.length ? store.hooksFifoPath(o.id) : '';
    const rc2 = hooksFifo ? store.host.mkfifo(hooksFifo, 0o600) : 0;
    if (rc2 < 0) throw new NativeError({ step: 'mkfifo', path: hooksFifo, errno: -rc2, message: errnoText({ code: errnoName(-rc2) }) }, 'setup');
    faultPoint('create:fifo', store.root);
    const { unit, foreign } = timed('cgroups', () => placeCgroups(store, b, o, (p) => (placement = p)));
    faultPoint('create:cgroups-made', store.root);
    const plan = timed('plan', () => initPlan(store, b, o, { fifo, hooksFifo }, placement!));
    const hooks = b.spec.hooks;
    const onPlaced = unit
      ? (initPid: number): void => {
          // the init waits: it runs nothing and has no cgroup namespace yet
          store.host.cgroups.startUnit({
            id: o.id,
            unit,
            pid: initPid,
            layout: store.host.cgroups.layout(),
            paths: placement!.paths,
            resources: createResources(b.spec),
            devices: b.spec.linux?.devices,
          });
          unitStarted = unit.unit;
        }
      : undefined;
    let rec: ContainerRecord | undefined;
    const writeRecord = (initPid: number): ContainerRecord => {
      const written = record(store, b, o, initPid, placement!, foreign);
      if (mountsBefore) written.hostMounts = mountsMade(mountsBefore, store.host.mountsUnder?.(realRootfs(store, b)) ?? []);
      if (unitStarted) written.systemdUnit = unitStarted;
      store.write(written);
      faultPoint('create:recorded', store.root);
      return written;
    };
    const r = launch(store, plan, {
      onPlaced,
      // the record needs only the init's pid: written while the init sets up
      // its root (~0.7 ms of every create), unless it must list the mounts the
      // init makes, or create hooks run (they see the container "creating").
      // A failure here is left to the same step after the spawn, where an
      // error of the init's own is reported first.
      onGoing: mountsBefore || plan.sync.pauseForHooks
        ? undefined
        : (initPid) => {
            try {
              rec = writeRecord(initPid);
            } catch {
              rec = undefined;
            }
          },
      onHooks: (initPid) => {
        // runtime.md: a failing hook here stops the create; spawn kills the init
        const state = hookState(b.spec, o.id, b.bundle, 'creating', initPid);
        store.host.runHooks('prestart', hooks?.prestart, state);
        store.host.runHooks('createRuntime', hooks?.createRuntime, state);
        store.host.runHooks('createContainer', hooks?.createContainer, state, { nsPid: initPid, cwd: b.rootfs });
      },
    });
    pid = r.pid;
    faultPoint('create:spawned', store.root);
    // runc's nsexec/init debug words, for what the addon's child did here
    o.debug?.(`nsexec container setup: stage 1 joined and made the namespaces and cloned init ${pid}`);
    o.debug?.('child process in init(): rootfs, console and process attributes set up');
    o.debug?.('init: closing the pipe to signal completion: the init reported ready and waits on the exec fifo');
    for (const [hostName, dev] of Object.entries(b.spec.linux?.netDevices ?? {})) store.host.moveNetDevice(hostName, dev.name ?? hostName, pid);
    rec ??= writeRecord(pid);
    writePidFile(store, o.pidFile, pid);
    return { rec, consoleFd: r.consoleFd };
  } catch (e) {
    // nothing of a failed create stays behind: process, cgroups, state dir
    if (pid > 0) store.host.killAndWait(pid);
    if (mountsBefore) unmountAll(store, mountsMade(mountsBefore, store.host.mountsUnder?.(realRootfs(store, b)) ?? []), o.warn);
    if (unitStarted) {
      try {
        store.host.cgroups.stopUnit(unitStarted, o.warn);
      } catch (e2) {
        o.warn(`removing unit ${unitStarted}: ${(e2 as Error).message}`);
      }
    }
    if (placement) store.host.cgroups.remove(placement.created);
    store.release(o.id);
    throw e;
  } finally {
    unlock();
  }
}

export function hookState(spec: Spec, id: string, bundle: string, status: string, pid?: number): HookState {
  return { ociVersion: spec.ociVersion, id, status, pid, bundle, annotations: spec.annotations ?? {} };
}

export function start(store: Store, id: string, warn: (m: string) => void = () => {}): ContainerRecord {
  const rec = store.load(id);
  const s = statusOf(store, rec);
  if (!canStart(s)) throw new TransitionRefused('start', id, s);
  const hooks = rec.config.hooks;
  // runtime.md: a failing startContainer or poststart hook is an error, the
  // container is stopped and destroyed (lifecycle step 12, then poststop)
  const failed = (e: unknown): never => {
    remove(store, id, true, warn);
    throw e;
  };
  faultPoint('start:before-fifo', store.root);
  if (hooks?.startContainer?.length) {
    // the init runs them (addon/src/hooks.c), with the state written here
    const state = startStateMessage(startHookState(rec.config, id, rec.bundle, rec.pid));
    const report = store.host.releaseFifoForHooks(store.fifoPath(id), store.hooksFifoPath(id), state);
    if (!report) throw new TransitionRefused('start', id, 'stopped');
    faultPoint('start:after-fifo', store.root);
    const error = startReportError(report, (n) => errnoText({ code: errnoName(n) }));
    if (error) failed(new RuntsError(error));
  } else {
    if (!store.host.releaseFifo(store.fifoPath(id))) throw new TransitionRefused('start', id, 'stopped');
    faultPoint('start:after-fifo', store.root);
  }
  try {
    store.host.runHooks('poststart', hooks?.poststart, hookState(rec.config, id, rec.bundle, 'running', rec.pid));
  } catch (e) {
    failed(e);
  }
  return rec;
}

export function kill(store: Store, id: string, sig: number, all: boolean): void {
  const rec = store.load(id);
  const s = statusOf(store, rec);
  if (!canKill(s) && !(all && killAllOfStoppedSucceeds(s))) throw new TransitionRefused('kill', id, s);
  if (all) {
    for (const pid of containerProcesses(store, rec).own) store.host.signal(pid, undefined, sig);
  } else if (!store.host.signal(rec.pid, rec.pidStartTime, sig)) throw new TransitionRefused('kill', id, 'stopped');
  if (killThaws(s, sig)) store.host.cgroups.manager(rec.cgroupPaths, rec.systemdUnit).thaw();
}

function ownershipHost(store: Store): Pick<OwnershipFacts, 'procStat' | 'pidNamespaceOf'> {
  return { procStat: (pid) => store.host.procStat(pid), pidNamespaceOf: store.host.pidNamespaceOf?.bind(store.host) };
}

/**
 * A rootless container that got no cgroup (not delegated) is known by its pid
 * namespace instead: the processes in the namespace of its init, while that
 * init is still the process create started (a recycled pid names no one).
 */
export function pidsWithoutCgroup(store: Store, rec: ContainerRecord): number[] | undefined {
  if (Object.keys(rec.cgroupPaths).length || rec.systemdUnit) return undefined;
  if (store.host.procStat(rec.pid)?.startTime !== rec.pidStartTime) return [];
  return store.host.pidsInNamespaceOf?.(rec.pid) ?? [rec.pid];
}

/** the processes in the container's cgroup, the container's own apart from the others' */
function containerProcesses(store: Store, rec: ContainerRecord): ReturnType<typeof sortCgroupProcesses> {
  return sortCgroupProcesses(pidsWithoutCgroup(store, rec) ?? store.host.cgroups.pids(rec.cgroupPaths), {
    ...ownershipHost(store),
    foreign: Array.isArray(rec.foreignProcesses) ? rec.foreignProcesses : [],
    initStartTime: rec.pidStartTime,
    pidNamespace: rec.pidNamespace,
  });
}

export function remove(store: Store, id: string, force: boolean, warn: (m: string) => void = () => {}): void {
  let rec: ContainerRecord | undefined;
  try {
    rec = store.read(id);
  } catch (e) {
    if (!(e instanceof DamagedState) || !force) throw e;
  }
  if (!rec) {
    // a half-created directory (create died) or a damaged record: --force
    // removes what the create recorded it would make
    if (force) {
      if (store.isClaimed(id)) removeUndone(store, id);
      return;
    }
    throw new ContainerNotFound(id);
  }
  const s = statusOf(store, rec);
  if (!deletesWithoutForce(s) && !force) throw new TransitionRefused('delete', id, s);
  if (!isStopped(s)) {
    // kill first, then thaw: the processes wake only to die
    if (deleteThaws(s)) {
      store.host.signal(rec.pid, rec.pidStartTime, 9);
      store.host.cgroups.manager(rec.cgroupPaths, rec.systemdUnit).thaw();
    }
    store.host.killAndWait(rec.pid, rec.pidStartTime);
  }
  // whatever else sits in the cgroup was not started by runts: spared
  const { own, spared } = containerProcesses(store, rec);
  for (const p of spared) warn(`delete: process ${p.pid} in the container's cgroup ${p.why}: not killed`);
  for (const pid of own) store.host.killAndWait(pid);
  faultPoint('delete:killed', store.root);
  // systemd removes the unit's cgroup (sub-cgroups too) when it stops the unit
  if (rec.systemdUnit) store.host.cgroups.stopUnit(rec.systemdUnit, warn);
  else store.host.cgroups.removeSub(rec.cgroupPaths);
  store.host.cgroups.remove(rec.createdCgroups);
  if (Array.isArray(rec.hostMounts)) unmountAll(store, rec.hostMounts, warn);
  faultPoint('delete:cgroups-removed', store.root);
  store.release(id);
  store.host.runHooksLogged('poststop', rec.config.hooks?.poststop, hookState(rec.config, id, rec.bundle, 'stopped'), warn);
}
