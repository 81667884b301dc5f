import type { Command } from './command';
import { pause } from '../container/pause';
import { Store } from '../container/store';

export const command: Command = {
  name: 'pause',
  summary: 'pause suspends all processes inside the container',
  argsUsage: '<container-id>',
  flags: [],
  minArgs: 1,
  maxArgs: 1,
  async run(g, _flags, args) {
    const store = new Store(g.root);
    store.locked(args[0], () => pause(store, args[0]));
    return 0;
  },
};
