// Process attributes that the init applies just before exec: personality,
// scheduler, I/O priority, CPU affinity, NUMA memory policy, time offsets.
// Names to kernel numbers live here, once, for the plan and for `features`.
import { ConfigRefusal } from '../errors';
import type { Spec } from '../config/types';
import { u64 } from './limits';

export const SCHED_POLICY: Record<string, number> = {
  SCHED_OTHER: 0,
  SCHED_FIFO: 1,
  SCHED_RR: 2,
  SCHED_BATCH: 3,
  SCHED_ISO: 4,
  SCHED_IDLE: 5,
  SCHED_DEADLINE: 6,
};

export const SCHED_FLAG: Record<string, number> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01,
  SCHED_FLAG_RECLAIM: 0x02,
  SCHED_FLAG_DL_OVERRUN: 0x04,
  SCHED_FLAG_KEEP_POLICY: 0x08,
  SCHED_FLAG_KEEP_PARAMS: 0x10,
  SCHED_FLAG_UTIL_CLAMP_MIN: 0x20,
  SCHED_FLAG_UTIL_CLAMP_MAX: 0x40,
};

export const IOPRIO_CLASS: Record<string, number> = { IOPRIO_CLASS_RT: 1, IOPRIO_CLASS_BE: 2, IOPRIO_CLASS_IDLE: 3 };

export const MPOL_MODE: Record<string, number> = {
  MPOL_DEFAULT: 0,
  MPOL_PREFERRED: 1,
  MPOL_BIND: 2,
  MPOL_INTERLEAVE: 3,
  MPOL_LOCAL: 4,
  MPOL_PREFERRED_MANY: 5,
  MPOL_WEIGHTED_INTERLEAVE: 6,
};

export const MPOL_FLAG: Record<string, number> = {
  MPOL_F_NUMA_BALANCING: 1 << 13,
  MPOL_F_RELATIVE_NODES: 1 << 14,
  MPOL_F_STATIC_NODES: 1 << 15,
};

export const PERSONALITY: Record<string, number> = { LINUX: 0x0000, LINUX32: 0x0008 };

export interface PlanAttrs {
  /** -1 to leave */
  personality: number;
  schedSet: boolean;
  schedPolicy: number;
  schedFlags: number;
  schedNice: number;
  schedPriority: number;
  schedRuntime: bigint;
  schedDeadline: bigint;
  schedPeriod: bigint;
  /** class << 13 | level, -1 to leave */
  ioPriority: number;
  /** 64-bit words of a CPU mask, empty to leave */
  affinityInitial: bigint[];
  affinityFinal: bigint[];
  /** mode | flags, -1 to leave */
  memPolicyMode: number;
  memPolicyNodes: bigint[];
  /** /proc/self/timens_offsets text, "" to leave */
  timeOffsets: string;
}

export class AttrError extends ConfigRefusal {}

const MAX_BITS = 16 * 64;

/** "0-3,7" -> mask words; throws on a malformed list */
export function parseCpuList(list: string, field: string): bigint[] {
  const words: bigint[] = [];
  for (const part of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new AttrError(`${field}: invalid list "${list}"`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi >= MAX_BITS) throw new AttrError(`${field}: invalid range "${part}"`);
    for (let c = lo; c <= hi; c++) {
      while (words.length <= c >> 6) words.push(0n);
      words[c >> 6] |= 1n << BigInt(c & 63);
    }
  }
  if (!words.length) throw new AttrError(`${field}: empty list`);
  return words;
}

export function planAttrs(spec: Spec, hasTimeNs: boolean): PlanAttrs {
  const proc = spec.process;
  const linux = spec.linux ?? {};
  const a: PlanAttrs = {
    personality: -1,
    schedSet: false,
    schedPolicy: 0,
    schedFlags: 0,
    schedNice: 0,
    schedPriority: 0,
    schedRuntime: 0n,
    schedDeadline: 0n,
    schedPeriod: 0n,
    ioPriority: -1,
    affinityInitial: [],
    affinityFinal: [],
    memPolicyMode: -1,
    memPolicyNodes: [],
    timeOffsets: '',
  };
  if (linux.personality) a.personality = PERSONALITY[linux.personality.domain];
  const sch = proc?.scheduler;
  if (sch) {
    a.schedSet = true;
    a.schedPolicy = SCHED_POLICY[sch.policy];
    a.schedFlags = (sch.flags ?? []).reduce((m, f) => m | SCHED_FLAG[f], 0);
    a.schedNice = sch.nice ?? 0;
    a.schedPriority = sch.priority ?? 0;
    a.schedRuntime = u64(sch.runtime ?? 0);
    a.schedDeadline = u64(sch.deadline ?? 0);
    a.schedPeriod = u64(sch.period ?? 0);
  }
  if (proc?.ioPriority) a.ioPriority = (IOPRIO_CLASS[proc.ioPriority.class] << 13) | proc.ioPriority.priority;
  const aff = proc?.execCPUAffinity;
  if (aff?.initial) a.affinityInitial = parseCpuList(aff.initial, '/process/execCPUAffinity/initial');
  if (aff?.final) a.affinityFinal = parseCpuList(aff.final, '/process/execCPUAffinity/final');
  const mp = linux.memoryPolicy;
  if (mp) {
    a.memPolicyMode = MPOL_MODE[mp.mode] | (mp.flags ?? []).reduce((m, f) => m | MPOL_FLAG[f], 0);
    if (mp.nodes) a.memPolicyNodes = parseCpuList(mp.nodes, '/linux/memoryPolicy/nodes');
  }
  const offsets = linux.timeOffsets;
  if (offsets && Object.keys(offsets).length) {
    if (!hasTimeNs) throw new AttrError('/linux/timeOffsets: time offsets need a new time namespace in /linux/namespaces');
    a.timeOffsets = Object.entries(offsets)
      .map(([clock, o]) => `${clock} ${o?.secs ?? 0} ${o?.nanosecs ?? 0}\n`)
      .join('');
  }
  return a;
}
