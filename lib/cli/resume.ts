import type { Command } from './command';
import { resume } from '../container/pause';
import { Store } from '../container/store';

export const command: Command = {
  name: 'resume',
  summary: 'resumes all processes that have been previously paused',
  argsUsage: '<container-id>',
  flags: [],
  minArgs: 1,
  maxArgs: 1,
  async run(g, _flags, args) {
    const store = new Store(g.root);
    store.locked(args[0], () => resume(store, args[0]));
    return 0;
  },
};
