// The six hooks of config.md, run as runtime.md says: prestart,
// createRuntime, poststart and poststop in the runtime's namespaces;
// createContainer in the container's, entered with nsenter(1) so that runts
// itself never joins them. startContainer hooks are run by the container's
// init (addon/src/hooks.c, lib/plan/hooks.ts), with the process's
// credentials and seccomp filter: here is only how `start` reads its
// report. The state goes to each hook on stdin.
import type * as ChildProcess from 'node:child_process';
import type { Hook } from './config/types';
import { RuntsError } from './errors';
import { cloexecFrom } from './native';

/** node:child_process costs ~2 ms to load on every call; only hooks and veth moves need it */
const childProcess = (): typeof ChildProcess => require('node:child_process');

export const HOOK_NAMES = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** The state a hook reads on stdin (runtime.md "State"). */
export interface HookState {
  ociVersion: string;
  id: string;
  status: string;
  pid?: number;
  bundle: string;
  annotations?: Record<string, string>;
}

export interface HookOptions {
  /** run in the namespaces of this process (createContainer) */
  nsPid?: number;
  /**
   * with nsPid: the directory the hook starts in, a path in that process's
   * mount namespace (createContainer: the rootfs, before the pivot, where
   * runc's init, which runs it, stands: `touch ./lib/x` lands in the rootfs)
   */
  cwd?: string;
}

function runOne(name: HookName, i: number, hook: Hook, state: HookState, o: HookOptions): void {
  const args = hook.args && hook.args.length ? hook.args : [hook.path];
  const env = Object.fromEntries(
    (hook.env ?? []).map((e) => {
      const eq = e.indexOf('=');
      return eq < 0 ? [e, ''] : [e.slice(0, eq), e.slice(eq + 1)];
    }),
  );
  let file = hook.path;
  let argv = args.slice(1);
  let argv0 = args[0];
  if (o.nsPid !== undefined) {
    // --all enters every namespace of the target that differs from ours
    // (user first, then the rest; it forks for the pid namespace)
    file = 'nsenter';
    argv = [`--target=${o.nsPid}`, '--all', '--preserve-credentials', ...(o.cwd ? [`--wd=${o.cwd}`] : []), '--', hook.path, ...args.slice(1)];
    argv0 = 'nsenter';
  }
  // a hook gets stdio and nothing else: not a descriptor runts inherited
  // from its caller without FD_CLOEXEC (node passes those on to children)
  const what = `error running ${name} hook #${i}`;
  const rc = cloexecFrom(3);
  if (rc < 0) throw new RuntsError(`${what}: marking inherited descriptors close-on-exec: errno ${-rc}`);
  const r = childProcess().spawnSync(file, argv, {
    argv0,
    env,
    input: JSON.stringify(state),
    encoding: 'utf8',
    timeout: hook.timeout ? hook.timeout * 1000 : undefined,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // a hook that exits without reading its stdin is fine (Go's exec ignores EPIPE too)
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'EPIPE' && r.status !== null) r.error = undefined;
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') throw new RuntsError(`${what}: timeout after ${hook.timeout} seconds`);
    throw new RuntsError(`${what}: ${r.error.message}`);
  }
  if (r.status !== 0) {
    const how = r.signal ? `signal: ${signalText(osSignal(r.signal))}` : `exit status ${r.status}`;
    throw new RuntsError(failedText(what, how, r.stdout, r.stderr));
  }
}

const osSignal = (name: string): number => (require('node:os').constants.signals as Record<string, number>)[name] ?? 0;

/** Go's words for a signal (os/exec's "signal: killed"), which runc prints */
const GO_SIGNALS: Record<number, string> = {
  1: 'hangup',
  2: 'interrupt',
  3: 'quit',
  4: 'illegal instruction',
  5: 'trace/breakpoint trap',
  6: 'aborted',
  7: 'bus error',
  8: 'floating point exception',
  9: 'killed',
  10: 'user defined signal 1',
  11: 'segmentation fault',
  12: 'user defined signal 2',
  13: 'broken pipe',
  14: 'alarm clock',
  15: 'terminated',
  24: 'CPU time limit exceeded',
  25: 'file size limit exceeded',
  31: 'bad system call',
};

export function signalText(signo: number): string {
  return GO_SIGNALS[signo] ?? `signal ${signo}`;
}

/** a hook that ran and failed, in runc 1.1.5's words after the hook's name */
function failedText(what: string, how: string, stdout: string, stderr: string): string {
  return `${what}: error running hook: ${how}, stdout: ${stdout.trim()}, stderr: ${stderr.trim()}`;
}

/**
 * The init's report on its startContainer hooks (addon/src/hooks.c), read by
 * `start` to its end: undefined when they all succeeded, else the error.
 * "ok\n", or "fail <hook> <kind> <value> <outlen> <errlen>\n" + output.
 */
export function startReportError(report: Buffer, errnoWords: (errno: number) => string): string | undefined {
  const text = report.toString('latin1');
  if (text.startsWith('ok\n')) return undefined;
  const m = /^fail (-?\d+) (exit|signal|timeout|error) (\d+) (\d+) (\d+)\n/.exec(text);
  if (!m) return "error running startContainer hooks: the container's init exited before it reported on them";
  const [head, index, kind, value, outLen, errLen] = [m[0], Number(m[1]), m[2], Number(m[3]), Number(m[4]), Number(m[5])];
  const body = report.subarray(Buffer.byteLength(head, 'latin1'));
  const out = body.subarray(0, outLen).toString('utf8');
  const err = body.subarray(outLen, outLen + errLen).toString('utf8');
  const what = index < 0 ? 'error running startContainer hooks' : `error running startContainer hook #${index}`;
  if (kind === 'timeout') return `${what}: timeout after ${value} seconds`;
  if (kind === 'error') return `${what}: ${out}: ${errnoWords(value)}`;
  return failedText(what, kind === 'signal' ? `signal: ${signalText(value)}` : `exit status ${value}`, out, err);
}

/** Runs the hooks in order; the first failure throws (the caller decides what a failure means). */
export function runHooks(name: HookName, hooks: Hook[] | undefined, state: HookState, o: HookOptions = {}): void {
  (hooks ?? []).forEach((h, i) => runOne(name, i, h, state, o));
}

/**
 * For poststop only: runtime.md has a failing poststop hook logged and the
 * delete go on, every hook still run. (A failing poststart hook is an error
 * since 1.3.0: start runs it with runHooks and destroys the container.)
 */
export function runHooksLogged(name: HookName, hooks: Hook[] | undefined, state: HookState, warn: (m: string) => void): void {
  (hooks ?? []).forEach((h, i) => {
    try {
      runOne(name, i, h, state, {});
    } catch (e) {
      warn((e as Error).message);
    }
  });
}
