import { bool } from './args';
import type { Command } from './command';
import { logWarning } from './log';
import { remove } from '../container/lifecycle';
import { Store } from '../container/store';

export const command: Command = {
  name: 'delete',
  summary: 'delete any resources held by the container often used with detached container',
  argsUsage: '<container-id>',
  flags: [{ name: 'force', aliases: ['f'], kind: 'bool', usage: 'forcibly deletes the container if it is still running (uses SIGKILL)' }],
  minArgs: 1,
  maxArgs: 1,
  async run(g, flags, args) {
    const store = new Store(g.root);
    store.locked(args[0], () => remove(store, args[0], bool(flags, 'force'), (m) => logWarning(g, m)));
    return 0;
  },
};
