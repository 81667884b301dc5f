// `ps`: `ps -ef` (or the options given after the id) filtered to the
// container's cgroup; -f json is the plain array of host pids, as runc prints.
import { spawnSync } from 'node:child_process';
import { str } from './args';
import { RuntsError } from '../errors';
import type { Command } from './command';
import { managerOf } from '../container/pause';
import { Store } from '../container/store';
import { pidsWithoutCgroup } from '../container/lifecycle';

export const command: Command = {
  name: 'ps',
  summary: 'ps displays the processes running inside a container',
  argsUsage: '<container-id> [ps options]',
  flags: [{ name: 'format', aliases: ['f'], kind: 'string', usage: 'select one of: table or json (default: "table")', default: 'table' }],
  // the arguments after the id are the container's: never reordered (runc too)
  skipArgReorder: true,
  minArgs: 1,
  maxArgs: Number.MAX_SAFE_INTEGER,
  async run(g, flags, args) {
    const store = new Store(g.root);
    const rec = store.load(args[0]);
    // rootless without delegated cgroups the container has none: its pid namespace says what it holds
    const pids = pidsWithoutCgroup(store, rec) ?? managerOf(store, rec).pids();
    const format = str(flags, 'format') ?? 'table';
    if (format === 'json') {
      process.stdout.write(JSON.stringify(pids) + '\n');
      return 0;
    }
    if (format !== 'table') throw new RuntsError(`invalid format option`);
    let psArgs = args.slice(1);
    if (psArgs[0] === '--') psArgs = psArgs.slice(1);
    if (!psArgs.length) psArgs = ['-ef'];
    const r = spawnSync('ps', psArgs, { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new RuntsError(`ps: ${r.error ? r.error.message : r.stderr.trim()}`);
    const lines = r.stdout.split('\n');
    const header = lines[0] ?? '';
    const col = header.trim().split(/\s+/).indexOf('PID');
    if (col < 0) throw new RuntsError("couldn't find PID field in ps output");
    const mine = new Set(pids);
    const out = [header];
    for (const line of lines.slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > col && mine.has(Number(f[col]))) out.push(line);
    }
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  },
};
