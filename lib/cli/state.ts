import type { Command } from './command';
import { ociState, Store } from '../container/store';
import { writeStdout } from './stdio';

export const command: Command = {
  name: 'state',
  summary: 'output the state of a container',
  argsUsage: '<container-id>',
  flags: [],
  minArgs: 1,
  maxArgs: 1,
  async run(g, _flags, args) {
    const store = new Store(g.root);
    const rec = store.load(args[0]);
    writeStdout(JSON.stringify(ociState(rec, store.status(rec)), null, 2) + '\n');
    return 0;
  },
};
