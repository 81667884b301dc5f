// `exec`: another process in a running container, as runc exec runs it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lastCap, ownBoundingSet } from '../capabilities';
import { ConsoleRefusal, NativeError, RuntsError, TransitionRefused } from '../errors';
import type { Process } from '../config/types';
import { hostFeatures } from '../host';
import * as native from '../native';
import { buildExecPlan } from '../plan/exec';
import { usePrebuilt } from '../seccomp/cache';
import { readPasswd, writePidFile } from './lifecycle';
import { canExec } from './status';
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
export function cgroupProcsFor(paths: Record<string, string>, sub: string[]): string[] {
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
      if (!fs.existsSync(dir)) throw new RuntsError(`error adding pid to cgroups: open ${dir}/cgroup.procs: no such file or directory`);
      chosen[k] = dir;
    }
  }
  return Object.values(chosen).map((d) => path.join(d, 'cgroup.procs'));
}

/** runc's rules for a process's terminal and the console socket */
function checkConsole(p: Process, o: ExecOptions): void {
  if (p.terminal && !o.consoleSocket && !o.foreground) throw new ConsoleRefusal('tty-needs-socket');
  if (!p.terminal && o.consoleSocket) throw new ConsoleRefusal('socket-needs-tty');
}

export interface Execed {
  pid: number;
  consoleFd?: number;
}

export function execInContainer(store: Store, o: ExecOptions): Execed {
  const rec = store.load(o.id);
  const s = store.status(rec);
  if (s === 'paused' && !o.ignorePaused) throw new TransitionRefused('exec', o.id, s);
  if (!canExec(s) && s !== 'paused') throw new TransitionRefused('exec', o.id, s);
  checkConsole(o.process, o);
  const passwd = readPasswd(rec.rootfs, o.warn);
  const plan = buildExecPlan({
    spec: rec.config,
    process: o.process,
    initPid: rec.pid,
    rootfs: rec.rootfs,
    namespacePaths: rec.namespacePaths,
    noNewKeyring: rec.noNewKeyring === true,
    cgroupProcs: cgroupProcsFor(rec.cgroupPaths, o.subCgroups),
    consoleSocket: o.consoleSocket ? path.resolve(o.consoleSocket) : '',
    preserveFds: o.preserveFds,
    bundle: rec.bundle,
    lastCap: lastCap(),
    hostBounding: ownBoundingSet(),
    host: hostFeatures(),
    passwd,
    containerId: rec.id,
    warn: o.warn,
  });
  if (plan.seccomp) usePrebuilt(store.root, plan.seccomp);
  const r = native.spawn(plan);
  if ('error' in r) throw new NativeError(r.error, 'spawn');
  o.debug?.(`nsexec container setup: joined the namespaces of init ${rec.pid} and cloned process ${r.pid}`);
  o.debug?.('child process in init(): cgroups joined, process attributes set up');
  o.debug?.(`setns_init: about to exec ${o.process.args?.[0] ?? ''}`);
  if (o.pidFile) {
    try {
      writePidFile(o.pidFile, r.pid);
    } catch (e) {
      // runc terminates the process it could not report
      const fd = native.pidfdOpen(r.pid);
      if (fd >= 0) {
        native.pidfdSendSignal(fd, 9);
        fs.closeSync(fd);
      }
      if (r.consoleFd !== undefined) fs.closeSync(r.consoleFd);
      throw e;
    }
  }
  return { pid: r.pid, consoleFd: r.consoleFd };
}
