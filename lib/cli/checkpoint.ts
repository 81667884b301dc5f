// `checkpoint` and `restore`: runc does them with CRIU; runts has no CRIU
// support yet. The commands exist so that a caller gets runc's argument
// checks and then one clear line, rather than "No help topic".
import * as fs from '../sys/fs';
import * as path from '../sys/path';
import { str, type FlagValues } from './args';
import { RuntsError } from '../errors';
import { errnoText } from '../errno';
import type { Command } from './command';
import { Store } from '../container/store';

/**
 * runc checks --parent-path before CRIU is involved, in these words: it must
 * be relative (to --image-path) and name a directory there.
 */
function checkParentPath(flags: FlagValues): void {
  const parent = str(flags, 'parent-path');
  if (!parent) return;
  if (path.isAbsolute(parent)) throw new RuntsError('--parent-path must be relative');
  const real = path.join(str(flags, 'image-path') || path.join(process.cwd(), 'checkpoint'), parent);
  let isDir: boolean;
  try {
    isDir = fs.statSync(real).isDirectory();
  } catch (e) {
    throw new RuntsError(`invalid --parent-path: stat ${real}: ${errnoText(e)}`);
  }
  if (!isDir) throw new RuntsError(`invalid --parent-path: ${real}: not a directory`);
}

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
      ...(name === 'checkpoint'
        ? ([
            { name: 'parent-path', kind: 'string', usage: 'path for previous criu image files in pre-dump' },
            { name: 'pre-dump', kind: 'bool', usage: "dump container's memory information only, leave the container running after this" },
            { name: 'ext-unix-sk', kind: 'bool', usage: 'allow external unix sockets' },
            { name: 'shell-job', kind: 'bool', usage: 'allow shell jobs' },
            { name: 'lazy-pages', kind: 'bool', usage: 'use userfaultfd to lazily restore memory pages' },
            { name: 'file-locks', kind: 'bool', usage: 'handle file locks, for safety' },
            { name: 'auto-dedup', kind: 'bool', usage: 'enable auto deduplication of memory images' },
            { name: 'page-server', kind: 'string', usage: 'ADDRESS:PORT of the page server' },
            { name: 'manage-cgroups-mode', kind: 'string', usage: "cgroups mode: 'soft' (default), 'full' and 'strict'" },
            { name: 'status-fd', kind: 'int', usage: 'criu writes \\0 to this FD once lazy-pages is ready' },
            { name: 'empty-ns', kind: 'strings', usage: "create a namespace, but don't restore its properties" },
          ] as const)
        : []),
    ],
    minArgs: 1,
    maxArgs: 1,
    async run(g, _flags, args) {
      // as runc: an unknown container is reported first
      if (name === 'checkpoint') {
        new Store(g.root).load(args[0]);
        checkParentPath(_flags);
      }
      throw new RuntsError(`${name} is not supported by runts: it needs CRIU, which runts does not drive yet`);
    },
  };
}

export const checkpoint = unsupported('checkpoint', 'checkpoint a running container (not supported: needs CRIU)');
export const restore = unsupported('restore', 'restore a container from a previous checkpoint (not supported: needs CRIU)');
