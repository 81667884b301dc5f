// startContainer hooks as the init runs them (addon/src/hooks.c): after
// `start` releases it and before the process's execve, so each hook has the
// process's user, capabilities, no_new_privs, seccomp filter, cgroup and
// namespaces, and its path is resolved in the container's root (runc's
// standard_init_linux.go does the same). Pure: what to run is decided here.
import type { Hook, Spec } from '../config/types';
import type { HookState } from '../hooks';
import { ConfigRefusal } from '../errors';
import { checkPath } from './limits';
import type { PlanHook } from './types';

/** more is no real config; the init maps an argv per hook */
export const MAX_START_HOOKS = 256;

/** above any pid the kernel hands out (pid_max is at most 2^22): the longest the state's pid can be */
const PID_BOUND = 4294967295;

/**
 * Each hook's argv (args, or its path alone, as Go's exec does) and
 * environment: its own env, or the process's when it names none (runc's init
 * runs them with its environment, which is the process's).
 */
export function planStartHooks(hooks: Hook[] | undefined, processEnv: string[]): PlanHook[] {
  const list = hooks ?? [];
  if (list.length > MAX_START_HOOKS) throw new ConfigRefusal(`/hooks/startContainer: more than ${MAX_START_HOOKS} hooks`);
  return list.map((h, i) => ({
    path: checkPath(h.path, `/hooks/startContainer/${i}/path`),
    args: h.args && h.args.length ? h.args : [h.path],
    env: h.env ?? processEnv,
    timeout: h.timeout ?? 0,
  }));
}

/** The state a startContainer hook reads on stdin (runtime.md "State"): start sends it to the init. */
export function startHookState(spec: Spec, id: string, bundle: string, pid: number): HookState {
  return { ociVersion: spec.ociVersion, id, status: 'created', pid, bundle, annotations: spec.annotations ?? {} };
}

/** What start writes to the exec fifo for the init: the state's length in bytes, a newline, the state (hooks.c checks the length). */
export function startStateMessage(state: HookState): string {
  const json = JSON.stringify(state);
  return `${Buffer.byteLength(json)}\n${json}`;
}

/** The longest that message can be once the pid is known: the init's buffer for it. */
export function startStateMaxBytes(spec: Spec, id: string, bundle: string): number {
  return Buffer.byteLength(startStateMessage(startHookState(spec, id, bundle, PID_BOUND)));
}
