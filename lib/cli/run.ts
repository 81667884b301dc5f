import * as fs from 'node:fs';
import { bool, int, str } from './args';
import { RuntsError } from '../errors';
import { withPrefix, type Command } from './command';
import { words } from './words';
import { CREATE_FLAGS } from './create';
import { logDebug, logWarning } from './log';
import { create, remove, start } from '../container/lifecycle';
import { Store } from '../container/store';
import * as native from '../native';
import { proxyTerminal } from './terminal';

// what a foreground `run` passes on to the container's init, as runc does
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT'];
const SIGNUM: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15, SIGCONT: 18, SIGWINCH: 28 };

export const command: Command = {
  name: 'run',
  summary: 'create and run a container',
  argsUsage: '<container-id>',
  flags: [
    ...CREATE_FLAGS,
    { name: 'detach', aliases: ['d'], kind: 'bool', usage: 'detach from the container\'s process' },
    { name: 'keep', kind: 'bool', usage: 'do not delete the container after it exits' },
    { name: 'no-subreaper', kind: 'bool', usage: 'disable the use of the subreaper used to reap reparented processes' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(g, flags, args) {
    const store = new Store(g.root);
    const id = args[0];
    const detach = bool(flags, 'detach');
    const warn = (m: string): void => logWarning(g, m);
    const { rec, consoleFd } = await withPrefix('runts run failed', () =>
      create(store, {
        id,
        bundle: str(flags, 'bundle') ?? '.',
        pidFile: str(flags, 'pid-file'),
        consoleSocket: str(flags, 'console-socket'),
        foreground: !detach,
        noPivot: bool(flags, 'no-pivot'),
      noNewKeyring: bool(flags, 'no-new-keyring'),
        preserveFds: int(flags, 'preserve-fds') ?? 0,
        systemdCgroup: g.systemdCgroup,
        warn,
        debug: (m: string) => logDebug(g, m),
      }),
    );
    let status;
    try {
      start(store, id, warn);
      if (detach) return 0;
      status = await waitForeground(rec.pid, consoleFd, rec.config.process?.consoleSize !== undefined);
    } catch (e) {
      // a run that fails after create leaves nothing behind
      remove(store, id, true, warn);
      throw e instanceof RuntsError ? new RuntsError(`runts run failed: ${words(e)}`, e.exitCode) : e;
    }
    if (!bool(flags, 'keep')) remove(store, id, true, warn);
    return status.code >= 0 ? status.code : 128 + status.signal;
  },
};

/** Waits for the init of a foreground run, forwarding signals and the terminal. */
export async function waitForeground(pid: number, consoleFd: number | undefined, sizeFromConfig: boolean): Promise<native.ExitStatus> {
  // the init is our child (CLONE_PARENT) and nobody else reaps it, so
  // watching it after start loses nothing even if it has already exited
  // the proxy's pidfd first: the process cannot be reaped (by waitExit's
  // worker) before both have one, so neither sees a recycled pid
  const terminal = consoleFd !== undefined ? proxyTerminal(consoleFd, pid, sizeFromConfig) : undefined;
  const exited = native.waitExit(pid);

  const forward = (sig: NodeJS.Signals): void => {
    // with a terminal the kernel tells the foreground job about resizes
    if (sig === 'SIGWINCH' && terminal) return;
    const fd = native.pidfdOpen(pid);
    if (fd >= 0) {
      native.pidfdSendSignal(fd, SIGNUM[sig]);
      fs.closeSync(fd);
    }
  };
  for (const s of FORWARDED) process.on(s, forward);
  const status = await exited;
  for (const s of FORWARDED) process.off(s, forward);
  await terminal?.done;
  return status;
}
