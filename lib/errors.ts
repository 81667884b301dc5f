// The errors runts means for its user, at the bottom of the tree: every
// module throws these and only lib/cli/ (cli/words.ts) turns them into runc's
// words and exit codes. Each kind carries the facts a caller may act on (the
// JSON pointer, the native step and errno, the container and its status)
// rather than a sentence to parse. This file imports nothing of ours.

/**
 * A failure meant for the user: the CLI prints it as one line, never a stack
 * trace. `message` is already the user's sentence for the kinds that carry
 * no data of their own (a hook's failure, a cgroup write the kernel refused).
 */
export class RuntsError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** "/linux/sysctl/x: ..." or "config.json:3:7: /process: ..." -> the JSON pointer it names */
function pointerIn(text: string): string | undefined {
  const m = /(?:^|: )(\/[^\s:]*):/.exec(text);
  return m ? m[1] : undefined;
}

/**
 * The config (or a plan built from it) asks for what runts will not or
 * cannot do. The text names the field; `pointer` is that field's JSON pointer.
 */
export class ConfigRefusal extends RuntsError {
  readonly pointer: string | undefined;
  constructor(text: string) {
    super(text);
    this.pointer = pointerIn(text);
  }
}

/** What the addon reports for a failed step: {step, path, errno} and the kernel's words for the errno. */
export interface NativeFailureData {
  step: string;
  path: string;
  errno: number;
  message: string;
}

/** A native step failed: `during` 'spawn' for the container's process, 'setup' for runts's own (mkfifo). */
export class NativeError extends RuntsError {
  constructor(
    readonly failure: NativeFailureData,
    readonly during: 'spawn' | 'setup',
  ) {
    super(`${failure.step}${failure.path ? ' ' + failure.path : ''}: ${failure.message}`);
  }
}

/** The operations a container's status may refuse. */
export type Operation = 'start' | 'kill' | 'delete' | 'pause' | 'resume' | 'update' | 'exec' | 'events';

/** The container's status does not allow the operation. */
export class TransitionRefused extends RuntsError {
  constructor(
    readonly op: Operation,
    readonly id: string,
    readonly status: string,
  ) {
    super(`${op} refused: container ${id} is ${status}`);
  }
}

/** No container of that id under --root. */
export class ContainerNotFound extends RuntsError {
  constructor(readonly id: string) {
    super(`container ${id} does not exist`);
  }
}

/** Another container (or a create under way) holds the id. */
export class ContainerExists extends RuntsError {
  constructor(readonly id: string) {
    super(`container ${id} already exists`);
  }
}

/** The id cannot name a directory under --root. */
export class InvalidId extends RuntsError {
  constructor(readonly id: string) {
    super(`invalid id ${id}`);
  }
}

/**
 * runc's rules for process.terminal and --console-socket: 'tty-needs-socket'
 * when a detached terminal has nowhere to send its master, 'socket-needs-tty'
 * when a socket is given without a terminal (or to a foreground run).
 */
export class ConsoleRefusal extends RuntsError {
  constructor(readonly reason: 'tty-needs-socket' | 'socket-needs-tty') {
    super(`console refused: ${reason}`);
  }
}

/** state.json is not the record runts wrote (truncated, garbage): `delete --force` still removes the container. */
export class DamagedState extends RuntsError {
  constructor(readonly id: string) {
    super(`container ${id}: its state (state.json) is damaged; delete --force removes it`);
  }
}
