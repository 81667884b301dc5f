// `exec`: another process in a running container, as runc exec runs it.
import * as path from '../sys/path';
import { cgroupJoin } from '../cgroups/join';
import { RuntsError, TransitionRefused } from '../errors';
import type { Process } from '../config/types';
import { buildExecPlan } from '../plan/exec';
import { readPasswd } from './lifecycle';
import { checkConsole, launch, socketPath, writePidFile, type Launched } from './spawn';
import { canExec, statusOf } from './status';
import { faultPoint } from './fault';
import type { Store } from './store';

export interface ExecOptions {
  id: string;
  process: Process;
  consoleSocket?: string;
  /** a foreground exec gets the pty master back instead of a console socket */
  foreground: boolean;
  pidFile?: string;
  preserveFds: number;
  /** --cgroup: "[controller:]path" entries of existing sub-cgroups */
  subCgroups: string[];
  ignorePaused: boolean;
  warn(message: string): void;
  /** --debug lines (runc's suite looks for the words of runc's own) */
  debug?(message: string): void;
}

/**
 * --cgroup: "path" puts the process in <container cgroup>/path of every
 * hierarchy, "controller:path" in that controller's only; each must exist.
 */
export function cgroupDirsFor(paths: Record<string, string>, sub: string[], exists: (dir: string) => boolean): Record<string, string> {
  const chosen: Record<string, string> = { ...paths };
  for (const entry of sub) {
    const colon = entry.indexOf(':');
    const [ctrls, given] = colon >= 0 ? [entry.slice(0, colon).split(','), entry.slice(colon + 1)] : [undefined, entry];
    // paths are below the container's cgroup; "/" is the container's own
    const rel = given.replace(/^\/+/, '');
    // runc's words: clients and runc's suite match them
    if (rel.split('/').includes('..')) throw new RuntsError(`${given} is not a sub cgroup path`);
    const keys = Object.keys(paths).filter((k) => !ctrls || ctrls.some((c) => k.split(',').includes(c) || k === `name=${c}` || k === c));
    if (!keys.length) throw new RuntsError(`unknown controller ${ctrls?.join(',') ?? ''} in SubCgroupPaths`);
    for (const k of keys) {
      const dir = path.join(paths[k], rel);
      if (!exists(dir)) throw new RuntsError(`error adding pid to cgroups: open ${dir}/cgroup.procs: no such file or directory`);
      chosen[k] = dir;
    }
  }
  return chosen;
}

export function execInContainer(store: Store, o: ExecOptions): Launched {
  const rec = store.load(o.id);
  const s = statusOf(store, rec);
  if (!canExec(s, o.ignorePaused)) throw new TransitionRefused('exec', o.id, s);
  checkConsole({ terminal: o.process.terminal === true, consoleSocket: o.consoleSocket, foreground: o.foreground, socketNeedsDetach: false });
  const facts = store.host.facts();
  const plan = buildExecPlan({
    spec: rec.config,
    process: o.process,
    initPid: rec.pid,
    rootfs: rec.rootfs,
    namespacePaths: rec.namespacePaths,
    noNewKeyring: rec.noNewKeyring === true,
    cgroupJoin: cgroupJoin(cgroupDirsFor(rec.cgroupPaths, o.subCgroups, (p) => store.host.realpath(p) !== undefined)),
    consoleSocket: socketPath(o.consoleSocket),
    preserveFds: o.preserveFds,
    setgroupsDenied: store.host.setgroupsDenied?.(rec.pid) === true,
    bundle: rec.bundle,
    lastCap: facts.lastCap,
    hostBounding: facts.hostBounding,
    host: facts.features,
    passwd: readPasswd(store, rec.rootfs, o.warn),
    containerId: rec.id,
    warn: o.warn,
  });
  const r = launch(store, plan);
  faultPoint('exec:spawned', store.root);
  o.debug?.(`nsexec container setup: joined the namespaces of init ${rec.pid} and cloned process ${r.pid}`);
  o.debug?.('child process in init(): cgroups joined, process attributes set up');
  o.debug?.(`setns_init: about to exec ${o.process.args?.[0] ?? ''}`);
  try {
    writePidFile(store, o.pidFile, r.pid);
  } catch (e) {
    // runc terminates the process it could not report
    store.host.signal(r.pid, undefined, 9);
    if (r.consoleFd !== undefined) store.host.closeFd(r.consoleFd);
    throw e;
  }
  return r;
}
