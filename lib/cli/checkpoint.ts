// `checkpoint` and `restore`: runc does them with CRIU; runts has no CRIU
// support yet. The commands exist so that a caller gets runc's argument
// checks and then one clear line, rather than "No help topic".
import { RuntsError } from '../errors';
import type { Command } from './command';
import { Store } from '../container/store';

function unsupported(name: 'checkpoint' | 'restore', summary: string): Command {
  return {
    name,
    summary,
    argsUsage: '<container-id>',
    flags: [
      { name: 'image-path', kind: 'string', usage: 'path for saving criu image files' },
      { name: 'work-path', kind: 'string', usage: 'path for saving work files and logs' },
      { name: 'leave-running', kind: 'bool', usage: 'leave the process running after checkpointing' },
      { name: 'tcp-established', kind: 'bool', usage: 'allow open tcp connections' },
      { name: 'bundle', aliases: ['b'], kind: 'string', usage: 'path to the root of the bundle directory' },
      { name: 'detach', aliases: ['d'], kind: 'bool', usage: 'detach from the container\'s process' },
      { name: 'pid-file', kind: 'string', usage: 'specify the file to write the process id to' },
    ],
    minArgs: 1,
    maxArgs: 1,
    async run(g, _flags, args) {
      // as runc: an unknown container is reported first
      if (name === 'checkpoint') new Store(g.root).load(args[0]);
      throw new RuntsError(`${name} is not supported by runts: it needs CRIU, which runts does not drive yet`);
    },
  };
}

export const checkpoint = unsupported('checkpoint', 'checkpoint a running container (not supported: needs CRIU)');
export const restore = unsupported('restore', 'restore a container from a previous checkpoint (not supported: needs CRIU)');
