import { bool, int, str } from './args';
import { withPrefix, type Command } from './command';
import { logDebug, logWarning } from './log';
import { create } from '../container/lifecycle';
import { Store } from '../container/store';

export const CREATE_FLAGS: Command['flags'] = [
  { name: 'bundle', aliases: ['b'], kind: 'string', usage: 'path to the root of the bundle directory', default: '.' },
  { name: 'console-socket', kind: 'string', usage: 'path to an AF_UNIX socket which will receive the pty master' },
  { name: 'pid-file', kind: 'string', usage: 'specify the file to write the process id to' },
  { name: 'no-pivot', kind: 'bool', usage: 'do not use pivot root to jail process inside rootfs' },
  { name: 'no-new-keyring', kind: 'bool', usage: 'do not create a new session keyring for the container' },
  { name: 'preserve-fds', kind: 'int', usage: 'pass N additional file descriptors to the container', default: 0 },
];

export const command: Command = {
  name: 'create',
  summary: 'create a container',
  argsUsage: '<container-id>',
  flags: CREATE_FLAGS,
  minArgs: 1,
  maxArgs: 1,
  async run(g, flags, args) {
    await withPrefix('runts create failed', () => create(new Store(g.root), {
      id: args[0],
      bundle: str(flags, 'bundle') ?? '.',
      pidFile: str(flags, 'pid-file'),
      consoleSocket: str(flags, 'console-socket'),
      noPivot: bool(flags, 'no-pivot'),
      noNewKeyring: bool(flags, 'no-new-keyring'),
      preserveFds: int(flags, 'preserve-fds') ?? 0,
      systemdCgroup: g.systemdCgroup,
      rootlessCgroups: g.rootless,
      warn: (m) => logWarning(g, m),
      debug: (m) => logDebug(g, m),
    }));
    return 0;
  },
};
