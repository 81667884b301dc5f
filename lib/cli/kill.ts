import { bool } from './args';
import type { Command } from './command';
import { kill } from '../container/lifecycle';
import { Store } from '../container/store';
import { parseSignal } from '../signals';

export const command: Command = {
  name: 'kill',
  summary: 'kill sends the specified signal (default: SIGTERM) to the container\'s init process',
  argsUsage: '<container-id> [signal]',
  flags: [{ name: 'all', aliases: ['a'], kind: 'bool', usage: 'send the specified signal to all processes inside the container' }],
  minArgs: 1,
  maxArgs: 2,
  async run(g, flags, args) {
    const store = new Store(g.root);
    store.load(args[0]);
    // runc: an empty signal argument means SIGTERM
    const sig = parseSignal(args[1] === undefined || args[1] === '' ? 'SIGTERM' : args[1]);
    store.locked(args[0], () => kill(store, args[0], sig, bool(flags, 'all')));
    return 0;
  },
};
