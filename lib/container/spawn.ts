// The one path by which create and exec start a process: runc's console
// rules (checked before anything is made), the seccomp filter built once and
// kept, the addon's spawn with its failure as a NativeError, and the pid file.
import * as path from '../sys/path';
import { ConsoleRefusal, NativeError } from '../errors';
import type { SpawnCallbacks } from '../native';
import type { LaunchPlan } from '../plan/types';
import type { Store } from './store';

export interface ConsoleRequest {
  /** process.terminal */
  terminal: boolean;
  /** --console-socket */
  consoleSocket?: string;
  /** a foreground run or exec: the pty master comes back to runts */
  foreground: boolean;
  /** create/run refuse a console socket in the foreground; exec takes it (runc's rules) */
  socketNeedsDetach: boolean;
}

/** runc's rules for a terminal and a console socket, before anything is made */
export function checkConsole(c: ConsoleRequest): void {
  if (c.terminal && !c.consoleSocket && !c.foreground) throw new ConsoleRefusal('tty-needs-socket');
  if (!c.terminal && c.consoleSocket) throw new ConsoleRefusal('socket-needs-tty');
  if (c.socketNeedsDetach && c.consoleSocket && c.foreground) throw new ConsoleRefusal('socket-needs-tty');
}

/** the plan's consoleSocket field: absolute, or '' for none */
export function socketPath(consoleSocket: string | undefined): string {
  return consoleSocket ? path.resolve(consoleSocket) : '';
}

export interface Launched {
  pid: number;
  /** the pty master, for a foreground process with a terminal */
  consoleFd?: number;
}

/**
 * Spawns the plan's process, calling back at its steps (native.SpawnCallbacks:
 * placed, let go, waiting for create's hooks); a throw in any kills the init
 * and propagates. A failed step of the addon becomes a NativeError carrying
 * {step, path, errno}.
 */
export function launch(store: Store, plan: LaunchPlan, cb?: SpawnCallbacks): Launched {
  if (plan.process.seccomp) store.host.prebuildSeccomp(store.root, plan.process.seccomp);
  const r = store.host.spawn(plan, cb);
  if ('error' in r) throw new NativeError(r.error, 'spawn');
  return { pid: r.pid, consoleFd: r.consoleFd };
}

/** --pid-file, once the process is the container's for good */
export function writePidFile(store: Store, file: string | undefined, pid: number): void {
  if (file) store.host.writePidFile(file, pid);
}
