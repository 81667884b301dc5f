import type { Command } from './command';
import { logWarning } from './log';
import { start } from '../container/lifecycle';
import { Store } from '../container/store';

export const command: Command = {
  name: 'start',
  summary: 'executes the user defined process in a created container',
  argsUsage: '<container-id>',
  flags: [],
  minArgs: 1,
  maxArgs: 1,
  async run(g, _flags, args) {
    const store = new Store(g.root);
    store.locked(args[0], () => start(store, args[0], (m) => logWarning(g, m)));
    return 0;
  },
};
