// Container statistics in the JSON shape of runc's `events` (runc/types), the
// one containerd and podman parse. Field names, omitempty rules and units are
// runc 1.1's; a v2 host fills the same shape from its own files.
import * as fs from '../sys/fs';
import * as path from '../sys/path';
import { dirFor } from './manager';

/** uint64 counters: "unlimited" (2^63 - 4096) does not fit a double exactly, so it stays a bigint */
export type U64 = number | bigint;

export interface MemoryEntry {
  limit: U64;
  usage?: U64;
  max?: U64;
  failcnt: U64;
}
export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}
export interface Stats {
  cpu: {
    usage: { total: number; percpu?: number[]; percpu_kernel?: number[]; percpu_user?: number[]; kernel: number; user: number };
    throttling: { periods?: number; throttled_periods?: number; throttled_time?: number };
  };
  cpuset?: Record<string, number | number[]>;
  memory: {
    cache?: U64;
    usage?: MemoryEntry;
    swap?: MemoryEntry;
    kernel?: MemoryEntry;
    kernelTCP?: MemoryEntry;
    raw?: Record<string, U64>;
  };
  pids: { current?: number; limit?: number };
  blkio: Record<string, BlkioEntry[]>;
  hugetlb: Record<string, { usage?: U64; max?: U64; failcnt: U64 }>;
  intel_rdt: Record<string, never>;
  network_interfaces: null;
}

function read(dir: string | undefined, file: string): string | undefined {
  if (!dir) return undefined;
  try {
    return fs.readFileSync(path.join(dir, file), 'utf8');
  } catch {
    return undefined;
  }
}

/** a uint64 file; "max" (v2's unlimited) reads as 0, as runc reports it */
function num(dir: string | undefined, file: string): U64 | undefined {
  const t = read(dir, file)?.trim();
  if (t === undefined || !/^-?\d+$/.test(t)) return t === 'max' ? 0 : undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : BigInt(t);
}

/** small counters (pids, flags) */
function small(dir: string | undefined, file: string): number | undefined {
  const v = num(dir, file);
  return v === undefined ? undefined : Number(v);
}

/** JSON with uint64 values printed exactly, as Go prints them */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `\u0000${x}\u0000` : x)).replace(/"\\u0000(\d+)\\u0000"/g, '$1');
}

/** "key value" lines -> map */
function keyed(text: string | undefined): Record<string, U64> {
  const out: Record<string, U64> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out[k] = Number.isSafeInteger(Number(v)) ? Number(v) : BigInt(v);
  }
  return out;
}

/** a keyed counter as a plain number (the ones that never get near 2^53) */
const n0 = (v: U64 | undefined): number => Number(v ?? 0);

/** "0-2,4" -> [0,1,2,4] */
export function parseList(s: string | undefined): number[] {
  const out: number[] = [];
  for (const part of (s ?? '').trim().split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

/** Go's omitempty for numbers: zero and absent fields are left out */
function omitZero<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === 0 || o[k] === 0n || o[k] === undefined) delete o[k];
  return o;
}

const USER_HZ = 100;
const NS = 1e9;

function entry(dir: string | undefined, prefix: string): MemoryEntry {
  const e: MemoryEntry = {
    limit: num(dir, `${prefix}.limit_in_bytes`) ?? 0,
    usage: num(dir, `${prefix}.usage_in_bytes`),
    max: num(dir, `${prefix}.max_usage_in_bytes`),
    failcnt: num(dir, `${prefix}.failcnt`) ?? 0,
  };
  if (!e.usage) delete e.usage;
  if (!e.max) delete e.max;
  return e;
}

/** blkio "8:0 Read 4096" lines (the "Total" lines are dropped, as runc does) */
function blkioEntries(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 2 || !f[0].includes(':')) continue;
    const [major, minor] = f[0].split(':').map(Number);
    if (f.length === 2) out.push({ major, minor, op: '', value: Number(f[1]) });
    else out.push({ major, minor, op: f[1], value: Number(f[2]) });
  }
  return out;
}

/** runc's cpuset stats: the lists as numbers, the flags as 0/1 */
function cpusetV1(cs: string): NonNullable<Stats['cpuset']> {
  const n = (f: string): number => small(cs, f) ?? 0;
  return {
    cpus: parseList(read(cs, 'cpuset.cpus')),
    cpu_exclusive: n('cpuset.cpu_exclusive'),
    mems: parseList(read(cs, 'cpuset.mems')),
    mem_hardwall: n('cpuset.mem_hardwall'),
    mem_exclusive: n('cpuset.mem_exclusive'),
    memory_migrate: n('cpuset.memory_migrate'),
    memory_spread_page: n('cpuset.memory_spread_page'),
    memory_spread_slab: n('cpuset.memory_spread_slab'),
    memory_pressure: n('cpuset.memory_pressure'),
    sched_load_balance: n('cpuset.sched_load_balance'),
    sched_relax_domain_level: n('cpuset.sched_relax_domain_level'),
  };
}

/** blkio's recursive counters into out: CFQ's files when the kernel has them, else BFQ's, else the throttle ones */
function blkioV1(blk: string, out: Stats['blkio']): void {
  // CFQ's files when the kernel has them, else BFQ's, else the throttle counters
  const cfq = read(blk, 'blkio.io_serviced_recursive') !== undefined;
  const bfq = read(blk, 'blkio.bfq.io_serviced_recursive') !== undefined;
  const pre = cfq ? 'blkio.' : bfq ? 'blkio.bfq.' : 'blkio.throttle.';
  const files: Record<string, string> = cfq || bfq
    ? {
        io_service_bytes_recursive: 'io_service_bytes_recursive',
        io_serviced_recursive: 'io_serviced_recursive',
        io_queue_recursive: 'io_queued_recursive',
        io_service_time_recursive: 'io_service_time_recursive',
        io_wait_time_recursive: 'io_wait_time_recursive',
        io_merged_recursive: 'io_merged_recursive',
        io_time_recursive: 'time_recursive',
        sectors_recursive: 'sectors_recursive',
      }
    : { io_service_bytes_recursive: 'io_service_bytes_recursive', io_serviced_recursive: 'io_serviced_recursive' };
  for (const [key, file] of Object.entries(files)) {
    const e = blkioEntries(read(blk, pre + file));
    if (e.length) out[key] = e;
  }
}

export function statsV1(paths: Record<string, string>): Stats {
  const acct = dirFor(paths, 'cpuacct');
  const cpu = dirFor(paths, 'cpu');
  const mem = dirFor(paths, 'memory');
  const pids = dirFor(paths, 'pids');
  const blk = dirFor(paths, 'blkio');
  const cs = dirFor(paths, 'cpuset');
  const hug = dirFor(paths, 'hugetlb');

  const percpuUser: number[] = [];
  const percpuKernel: number[] = [];
  for (const line of (read(acct, 'cpuacct.usage_all') ?? '').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length === 3) {
      percpuUser.push(Number(f[1]));
      percpuKernel.push(Number(f[2]));
    }
  }
  const cstat = keyed(read(acct, 'cpuacct.stat'));
  const thr = keyed(read(cpu, 'cpu.stat'));
  const s: Stats = {
    cpu: {
      usage: {
        total: Number(num(acct, 'cpuacct.usage') ?? 0),
        percpu: (read(acct, 'cpuacct.usage_percpu') ?? '').trim().split(/\s+/).filter(Boolean).map(Number),
        percpu_kernel: percpuKernel,
        percpu_user: percpuUser,
        kernel: (n0(cstat.system) * NS) / USER_HZ,
        user: (n0(cstat.user) * NS) / USER_HZ,
      },
      throttling: omitZero({ periods: n0(thr.nr_periods), throttled_periods: n0(thr.nr_throttled), throttled_time: n0(thr.throttled_time) }),
    },
    cpuset: undefined, // here for runc's key order; filled below
    memory: {},
    pids: {},
    blkio: {},
    hugetlb: {},
    intel_rdt: {},
    network_interfaces: null,
  };
  for (const k of ['percpu', 'percpu_kernel', 'percpu_user'] as const) if (!s.cpu.usage[k]?.length) delete s.cpu.usage[k];
  if (cs) s.cpuset = cpusetV1(cs);
  if (mem) {
    const raw = keyed(read(mem, 'memory.stat'));
    s.memory = {
      cache: raw.cache,
      usage: entry(mem, 'memory'),
      swap: entry(mem, 'memory.memsw'),
      kernel: entry(mem, 'memory.kmem'),
      kernelTCP: entry(mem, 'memory.kmem.tcp'),
      raw: Object.fromEntries(Object.entries(raw).sort(([a], [b]) => (a < b ? -1 : 1))),
    };
    if (!s.memory.cache) delete s.memory.cache;
  }
  if (pids) s.pids = omitZero({ current: small(pids, 'pids.current'), limit: small(pids, 'pids.max') });
  if (blk) blkioV1(blk, s.blkio);
  if (hug) {
    for (const f of fs.readdirSync(hug)) {
      const m = /^hugetlb\.(\w+)\.usage_in_bytes$/.exec(f);
      if (!m) continue;
      const p = `hugetlb.${m[1]}`;
      s.hugetlb[m[1]] = omitZero({ usage: num(hug, `${p}.usage_in_bytes`), max: num(hug, `${p}.max_usage_in_bytes`), failcnt: num(hug, `${p}.failcnt`) ?? 0 });
      s.hugetlb[m[1]].failcnt ??= 0;
    }
  }
  return s;
}

export function statsV2(dir: string): Stats {
  const cs = keyed(read(dir, 'cpu.stat'));
  const mstat = keyed(read(dir, 'memory.stat'));
  const s: Stats = {
    cpu: {
      // v2 counts microseconds; runc reports nanoseconds
      usage: { total: n0(cs.usage_usec) * 1000, kernel: n0(cs.system_usec) * 1000, user: n0(cs.user_usec) * 1000 },
      throttling: omitZero({ periods: n0(cs.nr_periods), throttled_periods: n0(cs.nr_throttled), throttled_time: n0(cs.throttled_usec) * 1000 }),
    },
    memory: {
      cache: mstat.file,
      usage: { limit: num(dir, 'memory.max') ?? 0, usage: num(dir, 'memory.current'), max: num(dir, 'memory.peak'), failcnt: keyed(read(dir, 'memory.events')).max ?? 0 },
      swap: { limit: num(dir, 'memory.swap.max') ?? 0, usage: num(dir, 'memory.swap.current'), failcnt: 0 },
      raw: mstat,
    },
    pids: omitZero({ current: small(dir, 'pids.current'), limit: small(dir, 'pids.max') }),
    blkio: {},
    hugetlb: {},
    intel_rdt: {},
    network_interfaces: null,
  };
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of (read(dir, 'io.stat') ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (!f[0]?.includes(':')) continue;
    const [major, minor] = f[0].split(':').map(Number);
    const kv = Object.fromEntries(f.slice(1).map((x) => x.split('=')).map(([k, v]) => [k, Number(v)]));
    bytes.push({ major, minor, op: 'Read', value: kv.rbytes ?? 0 }, { major, minor, op: 'Write', value: kv.wbytes ?? 0 });
    ios.push({ major, minor, op: 'Read', value: kv.rios ?? 0 }, { major, minor, op: 'Write', value: kv.wios ?? 0 });
  }
  if (bytes.length) s.blkio = { io_service_bytes_recursive: bytes, io_serviced_recursive: ios };
  return s;
}

/** OOM kills so far in the container's memory cgroup (v1 memory.oom_control, v2 memory.events) */
export function oomKills(paths: Record<string, string>, v2: boolean): number {
  const dir = v2 ? paths['unified'] : dirFor(paths, 'memory');
  const k = keyed(read(dir, v2 ? 'memory.events' : 'memory.oom_control'));
  return n0(k.oom_kill);
}
