import type { Command } from './command';
import { ContainerNotFound } from '../errors';
import { statusOfId } from '../container/status';
import { creatingState, ociState, Store } from '../container/store';
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
    const id = args[0];
    const found = statusOfId(store, id);
    if (!found) throw new ContainerNotFound(id);
    writeStdout(JSON.stringify(found.rec ? ociState(found.rec, found.status) : creatingState(id), null, 2) + '\n');
    return 0;
  },
};
