import { bool, int, str } from './args';
import { withPrefix, type Command } from './command';
import { logWarning } from './log';
import { CREATE_FLAGS } from './create';
import { create, remove, start } from '../container/lifecycle';
import { Store } from '../container/store';
import * as native from '../native';

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
    const rec = await withPrefix('runts run failed', () => create(store, {
      id,
      bundle: str(flags, 'bundle') ?? '.',
      pidFile: str(flags, 'pid-file'),
      noPivot: bool(flags, 'no-pivot'),
      preserveFds: int(flags, 'preserve-fds') ?? 0,
      systemdCgroup: g.systemdCgroup,
      warn: (m) => logWarning(g, m),
    }));
    try {
      start(store, id);
    } catch (e) {
      remove(store, id, true);
      throw e;
    }
    if (bool(flags, 'detach')) return 0;
    // the init is our child (CLONE_PARENT) and nobody else reaps it, so
    // watching it after start loses nothing even if it has already exited
    const exited = native.waitExit(rec.pid);

    const forward = (sig: NodeJS.Signals): void => {
      const fd = native.pidfdOpen(rec.pid);
      if (fd >= 0) {
        native.pidfdSendSignal(fd, SIGNUM[sig]);
        require('node:fs').closeSync(fd);
      }
    };
    for (const s of FORWARDED) process.on(s, forward);
    const status = await exited;
    for (const s of FORWARDED) process.off(s, forward);
    if (!bool(flags, 'keep')) remove(store, id, true);
    return status.code >= 0 ? status.code : 128 + status.signal;
  },
};
