import type { FlagSpec, FlagValues } from './args';
import { RuntsError } from '../errors';
import { words } from './words';

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
  /**
   * urfave/cli (v1) moves a command's flags that follow its arguments to the
   * front (`update ID --memory 1m`), except for commands that set
   * SkipArgReorder: exec and ps, whose arguments are the container's argv.
   */
  skipArgReorder?: boolean;
  /** resolves to the process exit code */
  run(global: GlobalOptions, flags: FlagValues, args: string[]): Promise<number>;
}

/**
 * runc 1.1 prefixes every create/run failure ("runc create failed: ...") and
 * exec's ("exec failed: ...", exit 255): errors of ours get the prefix on
 * their runc words, and exitCode when given; anything else passes unchanged.
 */
export async function withPrefix<T>(prefix: string, fn: () => Promise<T> | T, exitCode?: number): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RuntsError) throw new RuntsError(`${prefix}: ${words(e)}`, exitCode ?? e.exitCode);
    throw e;
  }
}
