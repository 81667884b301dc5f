// The OCI lifecycle operations, shared by the thin CLI commands: create,
// start, kill, delete. Each refuses illegal transitions with runc's wording.
import type * as ChildProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { lastCap, ownBoundingSet } from '../capabilities';
import { hostLayout } from '../cgroups/layout';
import { cgroupPids, managerFor, prepareCgroups, removeCgroups, type Placement } from '../cgroups/manager';
import { resolveCgroupPath } from '../cgroups/path';
import { ConfigRefusal, ConsoleRefusal, ContainerNotFound, NativeError, RuntsError, TransitionRefused } from '../errors';
import { loadConfig } from '../config/load';
import type { Spec } from '../config/types';
import * as native from '../native';
import { buildPlan } from '../plan/build';
import { errnoText } from '../errno';
import { hostFeatures } from '../host';
import { usePrebuilt } from '../seccomp/cache';
import { runHooks, runHooksLogged, type HookState } from '../hooks';
import { NS_PROC_FILE } from '../plan/types';
import { readProcStat, isSameProcess } from './proc';
import { canDelete, canKill, canStart, type Status } from './status';
import { rfc3339Nano, type ContainerRecord, type Store } from './store';

/** node:child_process costs ~2 ms to load on every call; only hooks and veth moves need it */
const childProcess = (): typeof ChildProcess => require('node:child_process');

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

/** linux.netDevices: the host interface goes into the container's network namespace, renamed */
function moveNetDevice(hostName: string, name: string, pid: number): void {
  const r = childProcess().spawnSync('ip', ['link', 'set', 'dev', hostName, 'netns', String(pid), 'name', name], { encoding: 'utf8' });
  if (r.error) throw new RuntsError(`/linux/netDevices/${hostName}: cannot run ip(8): ${r.error.message}`);
  if (r.status !== 0) throw new RuntsError(`/linux/netDevices/${hostName}: ${r.stderr.trim() || 'ip link set failed'}`);
}

/** sd_booted(3): systemd made /run/systemd/system */
function systemdRunning(): boolean {
  return fs.existsSync('/run/systemd/system');
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** /etc/passwd above this is not read (it is only searched for HOME) */
export const PASSWD_MAX_BYTES = 4 << 20;

/**
 * The container's /etc/passwd, for HOME (undefined when it has none or it is
 * not a plain file). Read through the addon, resolved inside the rootfs: the
 * image controls that path, and a symlink there must not read a host file,
 * a FIFO must not block create, /dev/zero must not fill memory.
 */
export function readPasswd(rootfs: string, warn?: (message: string) => void): string | undefined {
  const r = native.readFileInRoot(rootfs, 'etc/passwd', PASSWD_MAX_BYTES);
  if (typeof r !== 'number') return r.toString('utf8');
  const { EINVAL, EFBIG } = os.constants.errno;
  const why = r === -EINVAL ? 'not a regular file' : r === -EFBIG ? `larger than ${PASSWD_MAX_BYTES} bytes` : undefined;
  if (why) warn?.(`/etc/passwd in the rootfs is ${why}: ignored (HOME=/)`);
  return undefined;
}

/** Writes the pid file the way runc does: a temporary file renamed into place. */
export function writePidFile(file: string, pid: number): void {
  const abs = path.resolve(file);
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.tmp`);
  try {
    fs.writeFileSync(tmp, String(pid), { mode: 0o644 });
  } catch (e) {
    throw new RuntsError(`open ${tmp}: ${errnoText(e)}`);
  }
  try {
    fs.renameSync(tmp, abs);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new RuntsError(`rename ${tmp} ${abs}: ${errnoText(e)}`);
  }
}

export interface Created {
  rec: ContainerRecord;
  /** the pty master, for a foreground run with process.terminal */
  consoleFd?: number;
}

/** runc's rules for terminal and console socket, checked before anything is made */
function checkConsole(spec: Spec, o: CreateOptions): void {
  const terminal = spec.process?.terminal === true;
  if (terminal && !o.consoleSocket && !o.foreground) throw new ConsoleRefusal('tty-needs-socket');
  if (!terminal && o.consoleSocket) throw new ConsoleRefusal('socket-needs-tty');
  if (o.consoleSocket && o.foreground) throw new ConsoleRefusal('socket-needs-tty');
}

export function create(store: Store, o: CreateOptions): Created {
  let bundle: string;
  try {
    bundle = fs.realpathSync(path.resolve(o.bundle));
  } catch {
    throw new RuntsError(`bundle ${path.resolve(o.bundle)}: no such file or directory`);
  }
  const spec = loadConfig(bundle);
  const rootfs = path.resolve(bundle, spec.root.path);
  if (!isDirectory(rootfs)) throw new ConfigRefusal(`/root/path: rootfs ${rootfs} does not exist or is not a directory`);
  checkConsole(spec, o);

  store.claim(o.id);
  let placement: Placement | undefined;
  let pid = 0;
  try {
    const fifo = store.fifoPath(o.id);
    const rc = native.mkfifo(fifo, 0o622);
    if (rc < 0) throw new NativeError({ step: 'mkfifo', path: fifo, errno: -rc, message: errnoText({ code: native.errnoName(-rc) }) }, 'setup');
    const layout = hostLayout();
    const cgroupPath = resolveCgroupPath(spec.linux?.cgroupsPath, o.id, o.systemdCgroup);
    // no systemd to ask for a scope: say where the container went instead
    if (o.systemdCgroup && !systemdRunning())
      o.warn(`systemd is not running: cgroupsPath "${spec.linux?.cgroupsPath ?? ''}" is placed at ${cgroupPath} on cgroupfs`);
    placement = prepareCgroups(layout, cgroupPath);
    // limits go in before the init is placed there and runs anything
    // devices always: with no rules in the config the container still gets
    // deny-all plus runc's defaults, never the parent's allow-all
    const resources = spec.linux?.resources ?? {};
    managerFor(layout, placement.paths).apply({ ...resources, devices: resources.devices ?? [] }, spec.linux?.devices);
    const passwd = readPasswd(rootfs, o.warn);
    const listen = listenFds();
    const plan = buildPlan({
      spec: listen ? withListenFds(spec, listen) : spec,
      bundle,
      noPivot: o.noPivot,
      noNewKeyring: o.noNewKeyring,
      fifoPath: fifo,
      consoleSocket: o.consoleSocket ? path.resolve(o.consoleSocket) : '',
      preserveFds: listen + o.preserveFds,
      cgroupProcs: placement.procsFiles,
      cgroupPaths: placement.paths,
      lastCap: lastCap(),
      hierarchies: layout.hierarchies,
      isDirectory,
      passwd,
      hostBounding: ownBoundingSet(),
      host: hostFeatures(),
      warn: o.warn,
      containerId: o.id,
    });
    if (plan.seccomp) usePrebuilt(store.root, plan.seccomp);
    const hooks = spec.hooks;
    const r = native.spawn(plan, (initPid) => {
      // runtime.md: a failing hook here stops the create; spawn kills the init
      const state = hookState(spec, o.id, bundle, 'creating', initPid);
      runHooks('prestart', hooks?.prestart, state);
      runHooks('createRuntime', hooks?.createRuntime, state);
      runHooks('createContainer', hooks?.createContainer, state, { nsPid: initPid });
    });
    if ('error' in r) throw new NativeError(r.error, 'spawn');
    pid = r.pid;
    // runc's nsexec/init debug words, for what the addon's child did here
    o.debug?.(`nsexec container setup: stage 1 joined and made the namespaces and cloned init ${pid}`);
    o.debug?.('child process in init(): rootfs, console and process attributes set up');
    o.debug?.('init: closing the pipe to signal completion: the init reported ready and waits on the exec fifo');
    for (const [hostName, dev] of Object.entries(spec.linux?.netDevices ?? {})) moveNetDevice(hostName, dev.name ?? hostName, pid);
    const st = readProcStat(pid);
    if (!st) throw new RuntsError('container init exited during setup');
    const namespacePaths: Record<string, string> = {};
    for (const ns of spec.linux?.namespaces ?? []) namespacePaths[ns.type] = ns.path ?? `/proc/${pid}/ns/${NS_PROC_FILE[ns.type]}`;
    const rec: ContainerRecord = {
      id: o.id,
      pid,
      pidStartTime: st.startTime,
      bundle,
      rootfs,
      created: rfc3339Nano(),
      owner: '',
      annotations: spec.annotations,
      cgroupPaths: placement.paths,
      createdCgroups: placement.created,
      namespacePaths,
      noNewKeyring: o.noNewKeyring === true,
      config: spec,
    };
    store.write(rec);
    if (o.pidFile) writePidFile(o.pidFile, pid);
    return { rec, consoleFd: r.consoleFd };
  } catch (e) {
    // nothing of a failed create stays behind: process, cgroups, state dir
    if (pid > 0) killAndWait(pid);
    if (placement) removeCgroups(placement.created);
    store.release(o.id);
    throw e;
  }
}

export function hookState(spec: Spec, id: string, bundle: string, status: string, pid?: number): HookState {
  return { ociVersion: spec.ociVersion, id, status, pid, bundle, annotations: spec.annotations ?? {} };
}

export function start(store: Store, id: string, warn: (m: string) => void = () => {}): ContainerRecord {
  const rec = store.load(id);
  const s = store.status(rec);
  if (!canStart(s)) throw new TransitionRefused('start', id, s);
  const hooks = rec.config.hooks;
  // runtime.md: a failing startContainer or poststart hook is an error, the
  // container is stopped and destroyed (lifecycle step 12, then poststop)
  const failed = (e: unknown): never => {
    remove(store, id, true, warn);
    throw e;
  };
  try {
    runHooks('startContainer', hooks?.startContainer, hookState(rec.config, id, rec.bundle, 'created', rec.pid), { nsPid: rec.pid });
  } catch (e) {
    failed(e);
  }
  const fifo = store.fifoPath(id);
  let fd: number;
  try {
    fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    // ENXIO: no reader, the init is gone
    if ((e as NodeJS.ErrnoException).code === 'ENXIO') throw new TransitionRefused('start', id, 'stopped');
    throw e;
  }
  try {
    fs.writeSync(fd, '0');
  } finally {
    fs.closeSync(fd);
  }
  fs.rmSync(fifo, { force: true });
  try {
    runHooks('poststart', hooks?.poststart, hookState(rec.config, id, rec.bundle, 'running', rec.pid));
  } catch (e) {
    failed(e);
  }
  return rec;
}

/** Sends sig to pid through a pidfd, after checking it is still the container's process. */
function signalProcess(pid: number, startTime: string | undefined, sig: number): boolean {
  const fd = native.pidfdOpen(pid);
  if (fd < 0) return false;
  try {
    if (startTime !== undefined && !isSameProcess(pid, startTime)) return false;
    return native.pidfdSendSignal(fd, sig) === 0;
  } finally {
    fs.closeSync(fd);
  }
}

export function kill(store: Store, id: string, sig: number, all: boolean): void {
  const rec = store.load(id);
  const s = store.status(rec);
  // --all (runc's, not the spec's kill) signals what is left in the cgroup:
  // nothing once stopped, which is not an error for runc either
  if (!canKill(s) && !(all && s === 'stopped')) throw new TransitionRefused('kill', id, s);
  if (all) {
    for (const pid of cgroupPids(rec.cgroupPaths)) signalProcess(pid, undefined, sig);
  } else if (!signalProcess(rec.pid, rec.pidStartTime, sig)) throw new TransitionRefused('kill', id, 'stopped');
  // a frozen task dies only once thawed: SIGKILL of a paused container thaws it (runc does too)
  if (sig === 9 && s === 'paused') managerFor(hostLayout(), rec.cgroupPaths).thaw();
}

function killAndWait(pid: number, startTime?: string): void {
  const fd = native.pidfdOpen(pid);
  if (fd < 0) return;
  try {
    if (startTime !== undefined && !isSameProcess(pid, startTime)) return;
    native.pidfdSendSignal(fd, 9);
    native.pidfdWait(fd, 10000);
  } finally {
    fs.closeSync(fd);
  }
}

export function remove(store: Store, id: string, force: boolean, warn: (m: string) => void = () => {}): void {
  const rec = store.read(id);
  if (!rec) {
    // a half-created directory (create died) is cleaned by --force too
    if (force) {
      if (fs.existsSync(store.dir(id))) store.release(id);
      return;
    }
    throw new ContainerNotFound(id);
  }
  const s = store.status(rec);
  if (!canDelete(s) && s !== 'created') {
    if (!force) throw new TransitionRefused('delete', id, s);
  }
  if (s !== 'stopped') {
    // a paused container must be thawed to die
    if (s === 'paused') {
      // kill first, then thaw: the processes wake only to die
      const fd = native.pidfdOpen(rec.pid);
      if (fd >= 0) {
        if (isSameProcess(rec.pid, rec.pidStartTime)) native.pidfdSendSignal(fd, 9);
        fs.closeSync(fd);
      }
      managerFor(hostLayout(), rec.cgroupPaths).thaw();
    }
    killAndWait(rec.pid, rec.pidStartTime);
  }
  for (const pid of cgroupPids(rec.cgroupPaths)) killAndWait(pid);
  removeCgroups(rec.createdCgroups);
  store.release(id);
  runHooksLogged('poststop', rec.config.hooks?.poststop, hookState(rec.config, id, rec.bundle, 'stopped'), warn);
}
