// `update`: runc's flags, or -r FILE / -r - (containerd's shim writes the
// LinuxResources JSON to stdin). With -r the other flags are ignored, as in runc.
import * as fs from '../sys/fs';
import { str, int, type FlagValues } from './args';
import { RuntsError } from '../errors';
import type { Command } from './command';
import { update } from '../container/pause';
import { Store } from '../container/store';
import type { Resources } from '../config/types';

/** docker/go-units RAMInBytes: "32m", "1.5g", "1024" (binary multiples) */
export function ramInBytes(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp])?(?:i?b)?$/i.exec(v.trim());
  if (!m) throw new RuntsError(`invalid value for ${flag}: ${v}`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Math.floor(Number(m[1]) * mult);
}

function integer(flag: string, v: string, signed: boolean): number {
  if (!(signed ? /^-?\d+$/ : /^\d+$/).test(v)) throw new RuntsError(`invalid value for ${flag}: ${v}`);
  return Number(v);
}

/** The Resources the flags describe; only the flags given appear. */
export function resourcesFromFlags(f: FlagValues): Resources {
  const r: Resources = {};
  const s = (n: string): string | undefined => str(f, n);
  const mem = (r.memory = {} as NonNullable<Resources['memory']>);
  const memVal = (n: string): number | undefined => {
    const v = s(n);
    if (v === undefined || v === '') return undefined;
    return v === '-1' ? -1 : ramInBytes(n, v);
  };
  const limit = memVal('memory');
  if (limit !== undefined) mem.limit = limit;
  const res = memVal('memory-reservation');
  if (res !== undefined) mem.reservation = res;
  const swap = memVal('memory-swap');
  if (swap !== undefined) mem.swap = swap;
  const km = memVal('kernel-memory');
  if (km !== undefined) mem.kernel = km;
  const kt = memVal('kernel-memory-tcp');
  if (kt !== undefined) mem.kernelTCP = kt;
  if (!Object.keys(mem).length) delete r.memory;

  const cpu = (r.cpu = {} as NonNullable<Resources['cpu']>);
  const cpuNum = (n: string, key: 'shares' | 'quota' | 'period' | 'realtimeRuntime' | 'realtimePeriod', signed: boolean): void => {
    const v = s(n);
    if (v !== undefined && v !== '') cpu[key] = integer(n, v, signed);
  };
  cpuNum('cpu-share', 'shares', false);
  cpuNum('cpu-quota', 'quota', true);
  cpuNum('cpu-period', 'period', false);
  cpuNum('cpu-rt-runtime', 'realtimeRuntime', true);
  cpuNum('cpu-rt-period', 'realtimePeriod', false);
  if (s('cpuset-cpus')) cpu.cpus = s('cpuset-cpus');
  if (s('cpuset-mems')) cpu.mems = s('cpuset-mems');
  if (!Object.keys(cpu).length) delete r.cpu;

  const bw = int(f, 'blkio-weight');
  if (bw !== undefined && bw !== 0) r.blockIO = { weight: bw };
  const pl = int(f, 'pids-limit');
  if (pl !== undefined && pl !== 0) r.pids = { limit: pl };
  return r;
}

function readResources(file: string): Resources {
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new RuntsError(`open ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new RuntsError(`--resources ${file}: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RuntsError(`--resources ${file}: expected a JSON object (LinuxResources)`);
  return v as Resources;
}

const s = (name: string, usage: string) => ({ name, kind: 'string' as const, usage });

export const command: Command = {
  name: 'update',
  summary: 'update container resource constraints',
  argsUsage: '<container-id>',
  flags: [
    { name: 'resources', aliases: ['r'], kind: 'string', usage: "path to the file containing the resources to update or '-' to read from the standard input" },
    { name: 'blkio-weight', kind: 'int', usage: 'Specifies per cgroup weight, range is from 10 to 1000 (default: 0)' },
    s('cpu-period', 'CPU CFS period to be used for hardcapping (in usecs). 0 to use system default'),
    s('cpu-quota', 'CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period'),
    s('cpu-share', 'CPU shares (relative weight vs. other containers)'),
    s('cpu-rt-period', 'CPU realtime period to be used for hardcapping (in usecs). 0 to use system default'),
    s('cpu-rt-runtime', 'CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period'),
    s('cpuset-cpus', 'CPU(s) to use'),
    s('cpuset-mems', 'Memory node(s) to use'),
    s('kernel-memory', 'Kernel memory limit (in bytes)'),
    s('kernel-memory-tcp', 'Kernel memory limit (in bytes) for tcp buffer'),
    s('memory', 'Memory limit (in bytes)'),
    s('memory-reservation', 'Memory reservation or soft_limit (in bytes)'),
    s('memory-swap', "Total memory usage (memory + swap); set '-1' to enable unlimited swap"),
    { name: 'pids-limit', kind: 'int', usage: 'Maximum number of pids allowed in the container (default: 0)' },
    s('l3-cache-schema', 'The string of Intel RDT/CAT L3 cache schema'),
    s('mem-bw-schema', 'The string of Intel RDT/MBA memory bandwidth schema'),
  ],
  minArgs: 1,
  maxArgs: 1,
  async run(g, flags, args) {
    const store = new Store(g.root);
    store.load(args[0]);
    if (str(flags, 'l3-cache-schema') || str(flags, 'mem-bw-schema'))
      throw new RuntsError('Intel RDT is not supported by runts (no resctrl on this host)');
    const file = str(flags, 'resources');
    const resources = file !== undefined ? readResources(file) : resourcesFromFlags(flags);
    store.locked(args[0], () => update(store, args[0], resources));
    return 0;
  },
};
