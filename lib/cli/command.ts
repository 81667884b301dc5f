import type { FlagSpec, FlagValues } from './args';

/** Global flags given before the subcommand, as runc has them. */
export interface GlobalOptions {
  root: string;
  log?: string;
  logFormat: 'text' | 'json';
  debug: boolean;
  systemdCgroup: boolean;
  rootless?: string;
}

export interface Command {
  name: string;
  /** one line, for help */
  summary: string;
  /** e.g. "<container-id>" */
  argsUsage: string;
  flags: FlagSpec[];
  /** positional argument count bounds; checked before run (runc: exact) */
  minArgs: number;
  maxArgs: number;
  /** resolves to the process exit code */
  run(global: GlobalOptions, flags: FlagValues, args: string[]): Promise<number>;
}

/**
 * An error meant for the user: printed as one line ("runts: <message>"),
 * or as a JSON log line with --log-format json; never a stack trace.
 */
export class RuntsError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** runc 1.1 prefixes every create/run failure: "runc create failed: ..." */
export async function withPrefix<T>(prefix: string, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RuntsError) throw new RuntsError(`${prefix}: ${e.message}`, e.exitCode);
    throw e;
  }
}
