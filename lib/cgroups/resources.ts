// linux.resources -> the list of cgroup file writes that set it. Pure: the
// host is described by its facts (version, controllers present, files that
// exist), so unit tests run it against fake hosts without root. The manager
// applies the list in order; every write carries the config field it came
// from, so a refusal by the kernel is reported against that field.
import { ConfigRefusal } from '../errors';
import type { LinuxDeviceCgroup, LinuxDevice, LinuxThrottleDevice, Resources } from '../config/types';

export interface Write {
  /** v1 controller whose hierarchy holds the file ("memory", "cpu"...), or "unified" */
  controller: string;
  file: string;
  value: string;
  /** JSON pointer of the config field, for error messages */
  field: string;
}

export interface HostFacts {
  /** 'v2': everything goes to the unified hierarchy; 'v1'/'hybrid': v1 controllers */
  version: 'v1' | 'v2' | 'hybrid';
  /** v1: controllers mounted; v2: controllers available (cgroup.controllers of the root) */
  controllers: ReadonlySet<string>;
  /** hybrid: controllers available on the cgroup2 mount (usually none) */
  unifiedControllers?: ReadonlySet<string>;
  /** optional files the kernel may lack, "controller/file", e.g. "blkio/blkio.weight" */
  hasFile(controller: string, file: string): boolean;
}

/** What is in the cgroup now, for writes whose order depends on it (update). */
export interface Current {
  /** v1 memory.limit_in_bytes; unlimited when undefined */
  memoryLimit?: number;
}

export class ResourceError extends ConfigRefusal {}

const P = '/linux/resources';
// the v1 kernels' "unlimited": what memory.limit_in_bytes reads back as
const V1_UNLIMITED = '-1';

/** cpu.shares -> cpu.weight, runc 1.1's linear mapping of [2, 262144] onto [1, 10000] */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  return Math.floor(1 + ((shares - 2) * 9999) / 262142);
}

/** blkio.weight [10, 1000] -> io.weight [1, 10000], runc's mapping */
export function blkioWeightToIoWeight(w: number): number {
  if (w === 0) return 0;
  return Math.floor(1 + ((w - 10) * 9999) / 990);
}

/** memory+swap (v1 semantics of linux.resources.memory.swap) -> memory.swap.max */
export function swapToV2(swap: number, limit: number | undefined): string {
  if (swap === -1) return 'max';
  if (limit === undefined || limit === -1) {
    throw new ResourceError(`${P}/memory/swap: on cgroup v2 swap needs memory.limit to be set`);
  }
  if (swap < limit) throw new ResourceError(`${P}/memory/swap: must be at least memory.limit (${swap} < ${limit})`);
  return String(swap - limit);
}

/**
 * runc's default device rules, appended after the config's own: the devices
 * every container needs and mknod of any device (creating one is harmless,
 * opening it is what the rules guard).
 */
export const DEFAULT_DEVICE_RULES: LinuxDeviceCgroup[] = [
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, // /dev/null
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' }, // /dev/random
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' }, // /dev/full
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' }, // /dev/tty
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' }, // /dev/zero
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' }, // /dev/urandom
  { allow: true, type: 'c', major: 136, access: 'rwm' }, // /dev/pts/*
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' }, // /dev/ptmx
  { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' }, // /dev/net/tun
];

/** the first rule of every container's list */
export const DENY_ALL: LinuxDeviceCgroup = { allow: false, access: 'rwm' };

export interface DeviceRule {
  allow: boolean;
  type: 'a' | 'c' | 'b';
  /** -1: any */
  major: number;
  minor: number;
  access: string;
}

/**
 * The effective rule list, in order: deny everything, the config's rules,
 * then runc's defaults. The deny-all comes first whatever the config says:
 * without it a v1 devices cgroup inherits the parent's "a *:* rwm" and allows
 * are no-ops, so a container with CAP_MKNOD could make and open any host
 * device. The defaults come after the config's rules, as in runc (specconv
 * appends them): the usual config starts with its own deny-all, which must
 * not take /dev/null away. A device listed in linux.devices is created, not
 * allowed: as with runc, opening it takes a rule of the config's (a deny rule
 * for it must hold). runc drops a default rule whose path linux.devices lists
 * again, but applies its rules only after the init opened its pty, so a
 * listed /dev/ptmx still works there; runts applies them before the init
 * runs, so the defaults stay (a terminal needs c 5:2).
 * Access letters other than r, w, m are ignored, as runc ignores them ("rwa"
 * is "rw"); a rule left with none does nothing and is dropped.
 * `configIndex` is the rule's index in linux.resources.devices, for messages.
 */
export function deviceRules(rules: LinuxDeviceCgroup[] | undefined, devices: LinuxDevice[] | undefined): (DeviceRule & { configIndex?: number })[] {
  const norm = (r: LinuxDeviceCgroup): DeviceRule => ({
    allow: r.allow,
    type: r.type ?? 'a',
    major: r.major ?? -1,
    minor: r.minor ?? -1,
    access: r.access && r.access.length ? [...'rwm'].filter((c) => r.access!.includes(c)).join('') : 'rwm',
  });
  const given = (rules ?? []).map((r, i) => ({ ...norm(r), configIndex: i })).filter((r) => r.access !== '');
  const first = given[0];
  const startsDenyAll = first !== undefined && !first.allow && first.type === 'a' && [...'rwm'].every((c) => first.access.includes(c));
  // a config that starts with its own deny-all (runc spec's, podman's) needs no second one
  const out: (DeviceRule & { configIndex?: number })[] = startsDenyAll ? given : [norm(DENY_ALL), ...given];
  out.push(...DEFAULT_DEVICE_RULES.map(norm));
  return out;
}

/** "c 1:3 rwm", the line devices.allow/deny take */
export function deviceRuleLine(r: DeviceRule): string {
  if (r.type === 'a') return 'a';
  const n = (x: number): string => (x < 0 ? '*' : String(x));
  return `${r.type} ${n(r.major)}:${n(r.minor)} ${r.access}`;
}

const dev = (d: { major: number; minor: number }): string => `${d.major}:${d.minor}`;

/** A hugetlb page size as the kernel names it in files: "2MB", "1GB", "64KB". */
function hugepageName(size: string, field: string): string {
  const m = /^(\d+)(KB|MB|GB|TB|PB)$/i.exec(size);
  if (!m) throw new ResourceError(`${field}: page size "${size}" is not like "2MB" or "1GB"`);
  return `${m[1]}${m[2].toUpperCase()}`;
}

/** What the v1 writers share: the host's facts, the refusal for a missing controller, the list. */
interface V1Out {
  host: HostFacts;
  need(ctrl: string, field: string, what?: string): void;
  w(controller: string, file: string, value: string | number, field: string): void;
}

/** The write list for v1 controllers (this host's kind of cgroups), in the order runc writes them. */
function v1Writes(r: Resources, host: HostFacts, cur: Current, devices: LinuxDevice[] | undefined, out: Write[]): void {
  const o: V1Out = {
    host,
    need(ctrl, field, what = ctrl) {
      if (!host.controllers.has(ctrl)) throw new ResourceError(`${field}: the ${what} cgroup controller is not available on this host`);
    },
    w(controller, file, value, field) {
      out.push({ controller, file, value: String(value), field });
    },
  };
  v1Devices(r, devices, o);
  v1Memory(r, cur, o);
  v1Cpu(r, o);
  v1BlockIO(r, o);
  v1Others(r, o);
}

/** devices.allow/deny: the rules that make up the container's device list */
function v1Devices(r: Resources, devices: LinuxDevice[] | undefined, o: V1Out): void {
  const { need, w } = o;
  if (r.devices !== undefined) {
    need('devices', `${P}/devices`);
    for (const rule of deviceRules(r.devices, devices)) {
      const field = rule.configIndex !== undefined ? `${P}/devices/${rule.configIndex}` : `${P}/devices`;
      w('devices', rule.allow ? 'devices.allow' : 'devices.deny', deviceRuleLine(rule), field);
    }
  }
}

/** memory.*: limit and swap in the order the kernel accepts */
function v1Memory(r: Resources, cur: Current, o: V1Out): void {
  const { host, need, w } = o;
  const m = r.memory;
  if (m) {
    need('memory', `${P}/memory`);
    const f = `${P}/memory`;
    // memory.memsw.limit_in_bytes must stay >= memory.limit_in_bytes at every
    // step, so when raising the limit swap goes first (runc's order)
    const swap = m.swap;
    const limitW = (): void => {
      if (m.limit !== undefined) w('memory', 'memory.limit_in_bytes', m.limit, `${f}/limit`);
    };
    const swapW = (): void => {
      if (swap !== undefined) {
        if (!host.hasFile('memory', 'memory.memsw.limit_in_bytes'))
          throw new ResourceError(`${f}/swap: swap accounting is not enabled on this host (no memory.memsw.limit_in_bytes)`);
        w('memory', 'memory.memsw.limit_in_bytes', swap, `${f}/swap`);
      }
    };
    if (m.limit !== undefined && swap !== undefined) {
      if (swap !== -1 && m.limit !== -1 && swap < m.limit)
        throw new ResourceError(`${f}/swap: must be at least memory.limit (${swap} < ${m.limit})`);
      const current = cur.memoryLimit;
      if (swap === -1 || (current !== undefined && current < swap)) {
        swapW();
        limitW();
      } else {
        limitW();
        swapW();
      }
    } else if (m.limit === -1 && swap === undefined && host.hasFile('memory', 'memory.memsw.limit_in_bytes')) {
      // unlimited memory takes unlimited swap with it, or the kernel refuses
      w('memory', 'memory.memsw.limit_in_bytes', V1_UNLIMITED, `${f}/limit`);
      limitW();
    } else {
      limitW();
      swapW();
    }
    if (m.reservation !== undefined) w('memory', 'memory.soft_limit_in_bytes', m.reservation, `${f}/reservation`);
    if (m.kernel !== undefined) {
      if (!host.hasFile('memory', 'memory.kmem.limit_in_bytes'))
        throw new ResourceError(`${f}/kernel: kernel memory limits are not supported by this kernel`);
      w('memory', 'memory.kmem.limit_in_bytes', m.kernel, `${f}/kernel`);
    }
    if (m.kernelTCP !== undefined) {
      if (!host.hasFile('memory', 'memory.kmem.tcp.limit_in_bytes'))
        throw new ResourceError(`${f}/kernelTCP: kernel TCP memory limits are not supported by this kernel`);
      w('memory', 'memory.kmem.tcp.limit_in_bytes', m.kernelTCP, `${f}/kernelTCP`);
    }
    if (m.swappiness !== undefined) {
      if (m.swappiness > 100) throw new ResourceError(`${f}/swappiness: must be between 0 and 100, got ${m.swappiness}`);
      w('memory', 'memory.swappiness', m.swappiness, `${f}/swappiness`);
    }
    if (m.disableOOMKiller !== undefined) w('memory', 'memory.oom_control', m.disableOOMKiller ? 1 : 0, `${f}/disableOOMKiller`);
    if (m.useHierarchy !== undefined) w('memory', 'memory.use_hierarchy', m.useHierarchy ? 1 : 0, `${f}/useHierarchy`);
    // checkBeforeUpdate: on v1 the kernel itself refuses a limit under the usage
  }
}

/** cpu.* and cpuset.* */
function v1Cpu(r: Resources, o: V1Out): void {
  const { host, need, w } = o;
  const c = r.cpu;
  if (c) {
    const f = `${P}/cpu`;
    if (c.shares !== undefined || c.quota !== undefined || c.period !== undefined || c.burst !== undefined ||
        c.realtimeRuntime !== undefined || c.realtimePeriod !== undefined || c.idle !== undefined) need('cpu', f);
    if (c.shares !== undefined && c.shares !== 0) w('cpu', 'cpu.shares', c.shares, `${f}/shares`);
    // the rt period before the runtime: a runtime above the period is refused
    if (c.realtimePeriod !== undefined && c.realtimePeriod !== 0) w('cpu', 'cpu.rt_period_us', c.realtimePeriod, `${f}/realtimePeriod`);
    if (c.realtimeRuntime !== undefined && c.realtimeRuntime !== 0) w('cpu', 'cpu.rt_runtime_us', c.realtimeRuntime, `${f}/realtimeRuntime`);
    if (c.period !== undefined && c.period !== 0) w('cpu', 'cpu.cfs_period_us', c.period, `${f}/period`);
    if (c.quota !== undefined && c.quota !== 0) w('cpu', 'cpu.cfs_quota_us', c.quota, `${f}/quota`);
    if (c.burst !== undefined) {
      if (!host.hasFile('cpu', 'cpu.cfs_burst_us')) throw new ResourceError(`${f}/burst: not supported by this kernel (no cpu.cfs_burst_us)`);
      w('cpu', 'cpu.cfs_burst_us', c.burst, `${f}/burst`);
    }
    if (c.idle !== undefined) {
      if (!host.hasFile('cpu', 'cpu.idle')) throw new ResourceError(`${f}/idle: not supported by this kernel (no cpu.idle)`);
      w('cpu', 'cpu.idle', c.idle, `${f}/idle`);
    }
    if (c.cpus || c.mems) need('cpuset', f, 'cpuset');
    if (c.cpus) w('cpuset', 'cpuset.cpus', c.cpus, `${f}/cpus`);
    if (c.mems) w('cpuset', 'cpuset.mems', c.mems, `${f}/mems`);
  }
}

/** blkio.*: weights (CFQ or BFQ files) and throttles */
function v1BlockIO(r: Resources, o: V1Out): void {
  const { host, need, w } = o;
  const b = r.blockIO;
  if (b) {
    const f = `${P}/blockIO`;
    need('blkio', f, 'blkio');
    // kernels without CFQ have only BFQ's weight files
    const weightFile = host.hasFile('blkio', 'blkio.weight') ? 'blkio.weight' : 'blkio.bfq.weight';
    const weightDevFile = host.hasFile('blkio', 'blkio.weight_device') ? 'blkio.weight_device' : 'blkio.bfq.weight_device';
    const weightOk = host.hasFile('blkio', weightFile);
    if (b.weight !== undefined && b.weight !== 0) {
      if (!weightOk) throw new ResourceError(`${f}/weight: no blkio weight file on this host (no CFQ or BFQ scheduler)`);
      w('blkio', weightFile, b.weight, `${f}/weight`);
    }
    if (b.leafWeight !== undefined && b.leafWeight !== 0) {
      if (!host.hasFile('blkio', 'blkio.leaf_weight'))
        throw new ResourceError(`${f}/leafWeight: not supported by this kernel (no blkio.leaf_weight)`);
      w('blkio', 'blkio.leaf_weight', b.leafWeight, `${f}/leafWeight`);
    }
    for (const [i, d] of (b.weightDevice ?? []).entries()) {
      if (d.weight !== undefined) {
        if (!host.hasFile('blkio', weightDevFile)) throw new ResourceError(`${f}/weightDevice/${i}: no blkio weight_device file on this host`);
        w('blkio', weightDevFile, `${dev(d)} ${d.weight}`, `${f}/weightDevice/${i}`);
      }
      if (d.leafWeight !== undefined) {
        if (!host.hasFile('blkio', 'blkio.leaf_weight_device'))
          throw new ResourceError(`${f}/weightDevice/${i}/leafWeight: not supported by this kernel (no blkio.leaf_weight_device)`);
        w('blkio', 'blkio.leaf_weight_device', `${dev(d)} ${d.leafWeight}`, `${f}/weightDevice/${i}`);
      }
    }
    const throttle: [keyof typeof b, string][] = [
      ['throttleReadBpsDevice', 'blkio.throttle.read_bps_device'],
      ['throttleWriteBpsDevice', 'blkio.throttle.write_bps_device'],
      ['throttleReadIOPSDevice', 'blkio.throttle.read_iops_device'],
      ['throttleWriteIOPSDevice', 'blkio.throttle.write_iops_device'],
    ];
    for (const [key, file] of throttle) {
      for (const [i, d] of ((b[key] as LinuxThrottleDevice[] | undefined) ?? []).entries())
        w('blkio', file, `${dev(d)} ${d.rate}`, `${f}/${key}/${i}`);
    }
  }
}

/** hugetlb, net_cls/net_prio, pids, rdma, and unified on a hybrid host */
function v1Others(r: Resources, o: V1Out): void {
  const { host, need, w } = o;
  for (const [i, h] of (r.hugepageLimits ?? []).entries()) {
    const f = `${P}/hugepageLimits/${i}`;
    need('hugetlb', f);
    w('hugetlb', `hugetlb.${hugepageName(h.pageSize, f)}.limit_in_bytes`, h.limit, `${f}/limit`);
  }

  const n = r.network;
  if (n && (n.classID !== undefined || n.priorities?.length)) {
    const f = `${P}/network`;
    const missing = ['net_cls', 'net_prio'].filter((x) => !host.controllers.has(x));
    if (missing.length === 2) throw new ResourceError(`${f}: net_cls and net_prio are not available on this host`);
    if (n.classID !== undefined) {
      need('net_cls', `${f}/classID`);
      w('net_cls', 'net_cls.classid', n.classID, `${f}/classID`);
    }
    for (const [i, p] of (n.priorities ?? []).entries()) {
      need('net_prio', `${f}/priorities`);
      w('net_prio', 'net_prio.ifpriomap', `${p.name} ${p.priority}`, `${f}/priorities/${i}`);
    }
  }

  if (r.pids && r.pids.limit !== undefined) {
    need('pids', `${P}/pids`);
    w('pids', 'pids.max', r.pids.limit < 0 ? 'max' : r.pids.limit, `${P}/pids/limit`);
  }

  for (const [name, rd] of Object.entries(r.rdma ?? {})) {
    const f = `${P}/rdma/${name}`;
    need('rdma', f);
    w('rdma', 'rdma.max', rdmaLine(name, rd.hcaHandles, rd.hcaObjects), f);
  }

  const u = r.unified;
  if (u && Object.keys(u).length) {
    // on a hybrid host only what the cgroup2 mount has can be set there
    for (const [key, value] of Object.entries(u)) {
      const f = `${P}/unified/${key}`;
      const ctrl = unifiedController(key, f);
      if (host.version === 'v1') throw new ResourceError(`${f}: invalid configuration: cannot use unified on cgroup v1 (this host has only cgroup v1)`);
      if (ctrl !== 'cgroup' && !host.unifiedControllers?.has(ctrl))
        throw new ResourceError(`${f}: invalid configuration: cannot use unified on cgroup v1 (the ${ctrl} controller is not enabled on the cgroup2 mount of this hybrid host)`);
      w('unified', key, value, f);
    }
  }
}

function rdmaLine(name: string, handles: number | undefined, objects: number | undefined): string {
  const parts = [name];
  if (handles !== undefined) parts.push(`hca_handle=${handles}`);
  if (objects !== undefined) parts.push(`hca_object=${objects}`);
  return parts.join(' ');
}

/** "memory.high" -> "memory"; refuses keys that are not a cgroup file name */
function unifiedController(key: string, field: string): string {
  if (key.includes('/') || key === '.' || key === '..' || !/^[a-z_]+\.[\w.]+$/.test(key))
    throw new ResourceError(`${field}: not a cgroup v2 file name`);
  return key.slice(0, key.indexOf('.'));
}

/** The write list for a unified (v2) hierarchy, with the v1 fields converted. */
function v2Writes(r: Resources, host: HostFacts, out: Write[]): void {
  const need = (ctrl: string, field: string): void => {
    if (!host.controllers.has(ctrl)) throw new ResourceError(`${field}: the ${ctrl} cgroup controller is not available on this host`);
  };
  const w = (file: string, value: string | number, field: string): void => {
    out.push({ controller: 'unified', file, value: String(value), field });
  };
  const max = (v: number): string => (v === -1 ? 'max' : String(v));

  const m = r.memory;
  if (m) {
    const f = `${P}/memory`;
    need('memory', f);
    if (m.limit !== undefined) w('memory.max', max(m.limit), `${f}/limit`);
    if (m.swap !== undefined) w('memory.swap.max', swapToV2(m.swap, m.limit), `${f}/swap`);
    if (m.reservation !== undefined) w('memory.low', max(m.reservation), `${f}/reservation`);
    // kernel, kernelTCP, swappiness, disableOOMKiller, useHierarchy have no v2
    // file: runc ignores them there, and so do we (containerd sets some always)
  }
  const c = r.cpu;
  if (c) {
    const f = `${P}/cpu`;
    if (c.realtimeRuntime || c.realtimePeriod) throw new ResourceError(`${f}/realtimeRuntime: real-time scheduling limits are not supported on cgroup v2`);
    if (c.shares || c.quota || c.period || c.burst !== undefined || c.idle !== undefined) need('cpu', f);
    if (c.shares) w('cpu.weight', sharesToWeight(c.shares), `${f}/shares`);
    if (c.quota || c.period) {
      const quota = c.quota === undefined || c.quota === 0 || c.quota < 0 ? 'max' : String(c.quota);
      w('cpu.max', `${quota} ${c.period || 100000}`, `${f}/quota`);
    }
    if (c.burst !== undefined) w('cpu.max.burst', c.burst, `${f}/burst`);
    if (c.idle !== undefined) w('cpu.idle', c.idle, `${f}/idle`);
    if (c.cpus || c.mems) need('cpuset', f);
    if (c.cpus) w('cpuset.cpus', c.cpus, `${f}/cpus`);
    if (c.mems) w('cpuset.mems', c.mems, `${f}/mems`);
  }
  const b = r.blockIO;
  if (b) {
    const f = `${P}/blockIO`;
    need('io', f);
    const bfq = host.hasFile('unified', 'io.bfq.weight');
    if (b.weight) w(bfq ? 'io.bfq.weight' : 'io.weight', bfq ? b.weight : blkioWeightToIoWeight(b.weight), `${f}/weight`);
    if (b.leafWeight) throw new ResourceError(`${f}/leafWeight: not supported on cgroup v2`);
    for (const [i, d] of (b.weightDevice ?? []).entries()) {
      if (d.weight !== undefined)
        w(bfq ? 'io.bfq.weight' : 'io.weight', `${dev(d)} ${bfq ? d.weight : blkioWeightToIoWeight(d.weight)}`, `${f}/weightDevice/${i}`);
    }
    const keys: [keyof typeof b, string][] = [
      ['throttleReadBpsDevice', 'rbps'],
      ['throttleWriteBpsDevice', 'wbps'],
      ['throttleReadIOPSDevice', 'riops'],
      ['throttleWriteIOPSDevice', 'wiops'],
    ];
    for (const [key, name] of keys) {
      for (const [i, d] of ((b[key] as LinuxThrottleDevice[] | undefined) ?? []).entries())
        w('io.max', `${dev(d)} ${name}=${d.rate === 0 ? 'max' : d.rate}`, `${f}/${key}/${i}`);
    }
  }
  for (const [i, h] of (r.hugepageLimits ?? []).entries()) {
    const f = `${P}/hugepageLimits/${i}`;
    need('hugetlb', f);
    w(`hugetlb.${hugepageName(h.pageSize, f)}.max`, h.limit, `${f}/limit`);
  }
  const n = r.network;
  if (n && (n.classID !== undefined || n.priorities?.length))
    throw new ResourceError(`${P}/network: net_cls and net_prio do not exist on cgroup v2`);
  if (r.pids && r.pids.limit !== undefined) {
    need('pids', `${P}/pids`);
    w('pids.max', r.pids.limit < 0 ? 'max' : r.pids.limit, `${P}/pids/limit`);
  }
  for (const [name, rd] of Object.entries(r.rdma ?? {})) {
    const f = `${P}/rdma/${name}`;
    need('rdma', f);
    w('rdma.max', rdmaLine(name, rd.hcaHandles, rd.hcaObjects), f);
  }
  // unified last: it overrides what the converted fields wrote
  for (const [key, value] of Object.entries(r.unified ?? {})) {
    const f = `${P}/unified/${key}`;
    const ctrl = unifiedController(key, f);
    if (ctrl !== 'cgroup') need(ctrl, f);
    w(key, value, f);
  }
}

/**
 * The writes that put `r` into a container's cgroup, in order. Devices on v2
 * are not files: see v2DeviceRules and bpf.ts.
 */
export function resourceWrites(r: Resources, host: HostFacts, cur: Current = {}, devices?: LinuxDevice[]): Write[] {
  const out: Write[] = [];
  if (host.version === 'v2') v2Writes(r, host, out);
  else v1Writes(r, host, cur, devices, out);
  return out;
}

/** The controllers a v2 write list needs enabled in every ancestor's cgroup.subtree_control. */
export function controllersNeeded(writes: Write[]): string[] {
  const s = new Set<string>();
  for (const w of writes) {
    if (w.controller !== 'unified') continue;
    const c = w.file.slice(0, w.file.indexOf('.'));
    if (c !== 'cgroup') s.add(c);
  }
  return [...s].sort();
}
