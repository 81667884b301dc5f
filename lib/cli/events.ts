// `events`: --stats prints one stats event; otherwise a stats event every
// --interval and an "oom" event as soon as the kernel OOM-kills in the
// container (its oom_kill counter is polled; runc waits on an eventfd instead).
import { bool, str } from './args';
import { RuntsError, TransitionRefused } from '../errors';
import type { Command } from './command';
import { hostLayout } from '../cgroups/layout';
import { oomKills, statsV1, statsV2, toJson, type Stats } from '../cgroups/stats';
import { canWatch, isStopped, statusOf } from '../container/status';
import { Store, type ContainerRecord } from '../container/store';

/** Go's time.ParseDuration for the units people use: "5s", "100ms", "1m30s" */
export function parseDuration(s: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let ms = 0;
  let pos = 0;
  for (let m; (m = re.exec(s)); ) {
    ms += Number(m[1]) * units[m[2]];
    pos = re.lastIndex;
  }
  if (!s || pos !== s.length) throw new RuntsError(`invalid value "${s}" for flag -interval: parse error`);
  return ms;
}

function stats(rec: ContainerRecord): Stats {
  const v2 = hostLayout().kind === 'v2';
  return v2 ? statsV2(rec.cgroupPaths['unified']) : statsV1(rec.cgroupPaths);
}

const emit = (e: unknown): boolean => process.stdout.write(toJson(e) + '\n');

export const command: Command = {
  name: 'events',
  summary: 'display container events such as OOM notifications, cpu, memory, and IO usage statistics',
  argsUsage: '<container-id>',
  flags: [
    { name: 'interval', kind: 'string', usage: 'set the stats collection interval (default: 5s)', default: '5s' },
    { name: 'stats', kind: 'bool', usage: "display the container's stats then exit" },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(g, flags, args) {
    const store = new Store(g.root);
    const id = args[0];
    const rec = store.load(id);
    const interval = parseDuration(str(flags, 'interval') ?? '5s');
    if (interval <= 0) throw new RuntsError('duration interval must be greater than 0');
    const s = statusOf(store, rec);
    if (!canWatch(s)) throw new TransitionRefused('events', id, s);
    if (bool(flags, 'stats')) {
      emit({ type: 'stats', id, data: stats(rec) });
      return 0;
    }
    const v2 = hostLayout().kind === 'v2';
    let ooms = oomKills(rec.cgroupPaths, v2);
    let nextStats = 0;
    const OOM_POLL_MS = 100;
    for (;;) {
      const n = oomKills(rec.cgroupPaths, v2);
      if (n > ooms) emit({ type: 'oom', id });
      ooms = n;
      if (isStopped(statusOf(store, rec))) return 0;
      const now = Date.now();
      if (now >= nextStats) {
        emit({ type: 'stats', id, data: stats(rec) });
        nextStats = now + interval;
      }
      await new Promise((r) => setTimeout(r, Math.min(OOM_POLL_MS, Math.max(1, nextStats - Date.now()))));
    }
  },
};
