import * as fs from '../sys/fs';
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
    const signals = detach ? undefined : new SignalForwarder();
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
        rootlessCgroups: g.rootless,
        warn,
        debug: (m: string) => logDebug(g, m),
      }),
    ).catch((e: unknown) => {
      signals?.stop();
      throw e;
    });
    signals?.attach(rec.pid);
    let status;
    try {
      store.locked(id, () => start(store, id, warn));
      if (detach) return 0;
      status = await waitForeground(rec.pid, consoleFd, rec.config.process?.consoleSize !== undefined, signals);
    } catch (e) {
      signals?.stop();
      // a run that fails after create leaves nothing behind
      store.locked(id, () => remove(store, id, true, warn));
      throw e instanceof RuntsError ? new RuntsError(`runts run failed: ${words(e)}`, e.exitCode) : e;
    }
    if (!bool(flags, 'keep')) store.locked(id, () => remove(store, id, true, warn));
    return status.code >= 0 ? status.code : 128 + status.signal;
  },
};

/**
 * Passes the signals a foreground run or exec gets on to the container's
 * process. Installed before create (as runc's signal handler is): a signal
 * that came between start and the wait would otherwise kill runts by its
 * default action and leave the container running (SIGINT and SIGHUP did,
 * found by make stress). Signals that come before the pid is known wait for it.
 */
export class SignalForwarder {
  private pid = 0;
  private pending: NodeJS.Signals[] = [];
  private readonly handler = (sig: NodeJS.Signals): void => {
    if (this.pid > 0) this.send(sig);
    else this.pending.push(sig);
  };
  /** with a terminal the kernel tells the foreground job about resizes */
  skipWinch = false;

  constructor() {
    for (const s of FORWARDED) process.on(s, this.handler);
  }

  attach(pid: number): void {
    this.pid = pid;
    for (const sig of this.pending.splice(0)) this.send(sig);
  }

  stop(): void {
    for (const s of FORWARDED) process.off(s, this.handler);
  }

  private send(sig: NodeJS.Signals): void {
    if (sig === 'SIGWINCH' && this.skipWinch) return;
    const fd = native.pidfdOpen(this.pid);
    if (fd >= 0) {
      native.pidfdSendSignal(fd, SIGNUM[sig]);
      fs.closeSync(fd);
    }
  }
}

/** Waits for the init of a foreground run, forwarding signals and the terminal. */
export async function waitForeground(
  pid: number,
  consoleFd: number | undefined,
  sizeFromConfig: boolean,
  signals: SignalForwarder = new SignalForwarder(),
): Promise<native.ExitStatus> {
  // the init is our child (CLONE_PARENT) and nobody else reaps it, so
  // watching it after start loses nothing even if it has already exited
  // the proxy's pidfd first: the process cannot be reaped (by waitExit's
  // worker) before both have one, so neither sees a recycled pid
  const terminal = consoleFd !== undefined ? proxyTerminal(consoleFd, pid, sizeFromConfig) : undefined;
  const exited = native.waitExit(pid);
  signals.skipWinch = terminal !== undefined;
  signals.attach(pid);
  try {
    return await exited;
  } finally {
    signals.stop();
    await terminal?.done;
  }
}
