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
    resume(new Store(g.root), args[0]);
    return 0;
  },
};
