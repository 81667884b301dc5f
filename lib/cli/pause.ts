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
    pause(new Store(g.root), args[0]);
    return 0;
  },
};
