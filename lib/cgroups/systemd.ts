// The systemd cgroup driver (--systemd-cgroup with systemd running, cgroup v2):
// as runc's, the container's cgroup is a transient unit systemd makes and
// knows about: StartTransientUnit("<prefix>-<name>.scope", Slice=<slice>,
// PIDs=[init], Delegate=yes, and the resource properties systemd has), then
// what systemd has no property for is written to the unit's cgroup files, as
// on cgroupfs. update sets the unit's properties and the files; delete stops
// the unit and resets it if it failed. Loaded only on this path (lifecycle and
// manager require() it lazily), so the cgroupfs path never pays for it.
//
// Property mapping is pure (unitProperties, resourceProperties) and taken
// from the cgroupfs write list: systemd and the files cannot disagree.
import * as fs from '../sys/fs';
import * as path from '../sys/path';
import { RuntsError } from '../errors';
import type { LinuxDevice, Resources } from '../config/types';
import { DBusCallError, DBusProtocolError, SyncConnection, type DBusValue, type Message, type Variant } from './dbus';
import type { Layout } from './layout';
import { FsV2Manager, hostFacts, type CgroupManager } from './manager';
import { parseSystemdPath } from './path';
import { hostRootless } from '../rootless';
import { chooseBus, defaultSlice, outsideUid, sessionBusPath, unixPathOf } from './systemd-user';
import { deviceRules, resourceWrites, type DeviceRule, type Write } from './resources';

export type Property = [string, Variant];

const SD = 'org.freedesktop.systemd1';
const SD_PATH = '/org/freedesktop/systemd1';
const MANAGER = 'org.freedesktop.systemd1.Manager';
/** systemd's "infinity" (CGROUP_LIMIT_MAX, USEC_INFINITY) */
export const INFINITY = (1n << 64n) - 1n;
/** runc waits as long for a job */
const TIMEOUT_MS = 30_000;

const t = (v: bigint | number): Variant => ({ sig: 't', value: BigInt(v) });
const s = (v: string): Variant => ({ sig: 's', value: v });
const b = (v: boolean): Variant => ({ sig: 'b', value: v });

export interface SystemdUnit {
  /** "runts-abc.scope", or the slice the container is ("foo.slice") */
  unit: string;
  /** the slice the scope goes in ("system.slice"); a slice unit's parent */
  slice: string;
}

/** cgroupsPath "slice:prefix:name" (or "" for the default) to the unit systemd makes. */
export function unitFor(cgroupsPath: string | undefined, id: string): SystemdUnit {
  const p = parseSystemdPath(cgroupsPath, id);
  return { unit: p.unit, slice: p.slice };
}

/** "0-2,7" -> bitmask bytes, cpu (or node) n at bit n%8 of byte n/8, as systemd's AllowedCPUs takes it */
export function listToMask(list: string, field: string): Buffer {
  const bits: number[] = [];
  for (const part of list.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) throw new RuntsError(`${field}: "${list}" is not a list like "0-2,7"`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi > 65535) throw new RuntsError(`${field}: bad range "${part.trim()}" in "${list}"`);
    for (let i = lo; i <= hi; i++) bits.push(i);
  }
  const out = Buffer.alloc(Math.floor(Math.max(...bits) / 8) + 1);
  for (const i of bits) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/** "max" -> systemd's infinity */
const limit = (v: string): bigint => (v.trim() === 'max' ? INFINITY : BigInt(v.trim()));

/** blkio weight (10-1000) to io weight (1-10000), as runc converts it */
const blkioToIo = (w: number): number => 1 + Math.floor(((w - 10) * 9999) / 990);

/** /proc/devices: the driver name of a major ("136" -> "pts"), for DeviceAllow's "char-pts" */
export function deviceGroup(procDevices: string, type: 'c' | 'b', major: number): string | undefined {
  let section: 'c' | 'b' | undefined;
  for (const line of procDevices.split('\n')) {
    if (/^Character devices:/.test(line)) section = 'c';
    else if (/^Block devices:/.test(line)) section = 'b';
    else {
      const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(line);
      if (m && section === type && Number(m[1]) === major) return m[2];
    }
  }
  return undefined;
}

/**
 * DevicePolicy and DeviceAllow for the effective rule list. The rules are
 * checked last to first (devicefilter.ts); systemd only knows an allow list,
 * so what it gets is a superset: every allow after the last catch-all deny
 * (later denies are left to runts' own program, attached next to systemd's,
 * and a device must pass both). A catch-all allow last: DevicePolicy=auto,
 * no list, runts' program decides alone.
 */
export function deviceProperties(rules: DeviceRule[], procDevices: string): Property[] {
  const catchAll = (r: DeviceRule): boolean => r.type === 'a' && r.access.length === 3 && new Set(r.access).size === 3;
  let from = 0;
  for (let i = rules.length - 1; i >= 0; i--) {
    if (catchAll(rules[i])) {
      if (rules[i].allow) return [['DevicePolicy', s('auto')], ['DeviceAllow', { sig: 'a(ss)', value: [] }]];
      from = i + 1;
      break;
    }
  }
  const entries: [string, string][] = [];
  const add = (name: string, access: string): void => {
    const have = entries.find((e) => e[0] === name);
    if (have) have[1] = [...new Set(have[1] + access)].sort((x, y) => 'rwm'.indexOf(x) - 'rwm'.indexOf(y)).join('');
    else entries.push([name, access]);
  };
  for (const r of rules.slice(from)) {
    if (!r.allow) continue;
    const kind = r.type === 'b' ? 'block' : 'char';
    if (r.type === 'a') {
      add('char-*', r.access);
      add('block-*', r.access);
    } else if (r.major < 0) add(`${kind}-*`, r.access);
    else if (r.minor < 0) {
      const g = deviceGroup(procDevices, r.type, r.major);
      add(g && !g.includes('/') ? `${kind}-${g}` : `${kind}-*`, r.access);
    } else add(`/dev/${kind}/${r.major}:${r.minor}`, r.access);
  }
  return [
    ['DevicePolicy', s('strict')],
    // an empty list first: on update it clears what the unit had
    ['DeviceAllow', { sig: 'a(ss)', value: [] }],
    ...(entries.length ? [['DeviceAllow', { sig: 'a(ss)', value: entries }] as Property] : []),
  ];
}

/**
 * The unit properties for a v2 write list (what resourceWrites made from
 * linux.resources, unified included). Files systemd has no property for
 * (io.max, cpu.max.burst, hugetlb, rdma, ...) are only written to cgroupfs.
 */
export function resourceProperties(writes: Write[]): Property[] {
  const last = new Map<string, string>();
  for (const w of writes) if (w.controller === 'unified') last.set(w.file, w.value);
  const props: Property[] = [];
  const get = (f: string): string | undefined => last.get(f);
  const simple: [string, string][] = [
    ['memory.max', 'MemoryMax'],
    ['memory.low', 'MemoryLow'],
    ['memory.high', 'MemoryHigh'],
    ['memory.min', 'MemoryMin'],
    ['memory.swap.max', 'MemorySwapMax'],
    ['pids.max', 'TasksMax'],
  ];
  for (const [file, prop] of simple) {
    const v = get(file);
    if (v !== undefined) props.push([prop, t(limit(v))]);
  }
  const weight = get('cpu.weight');
  if (weight !== undefined) props.push(['CPUWeight', t(BigInt(weight.trim()))]);
  const cpuMax = get('cpu.max');
  if (cpuMax !== undefined) {
    const [q, p = '100000'] = cpuMax.trim().split(/\s+/);
    const period = BigInt(p);
    // systemd keeps CPUQuota as a whole percentage: round up to 10 ms per
    // second, as runc does, so the exact cpu.max written next is not above it
    let perSec = INFINITY;
    if (q !== 'max') {
      perSec = (BigInt(q) * 1_000_000n) / period;
      if (perSec % 10_000n !== 0n) perSec = (perSec / 10_000n + 1n) * 10_000n;
    }
    props.push(['CPUQuotaPerSecUSec', t(perSec)], ['CPUQuotaPeriodUSec', t(period)]);
  }
  const cpus = get('cpuset.cpus');
  if (cpus !== undefined) props.push(['AllowedCPUs', { sig: 'ay', value: listToMask(cpus, 'cpuset.cpus') }]);
  const mems = get('cpuset.mems');
  if (mems !== undefined) props.push(['AllowedMemoryNodes', { sig: 'ay', value: listToMask(mems, 'cpuset.mems') }]);
  // only the default weight has a property (IOWeight), "MAJ:MIN w" lines do not
  for (const w of writes) {
    if (w.controller !== 'unified') continue;
    const v = w.value.trim();
    if (w.file === 'io.weight' && /^(default\s+)?\d+$/.test(v)) props.push(['IOWeight', t(BigInt(v.replace('default', '').trim()))]);
    if (w.file === 'io.bfq.weight' && /^(default\s+)?\d+$/.test(v)) props.push(['IOWeight', t(blkioToIo(Number(v.replace('default', '').trim())))]);
  }
  return props;
}

/** Everything StartTransientUnit gets for the container's unit. */
export function unitProperties(u: SystemdUnit, id: string, pid: number, resources: Property[]): Property[] {
  const props: Property[] = [['Description', s(`runts container ${id}`)]];
  if (u.unit.endsWith('.slice')) {
    // a slice holds no processes by itself: its parent is a dependency, the
    // init is written into cgroup.procs afterwards (runc does the same)
    props.push(['Wants', { sig: 'as', value: [u.slice] }]);
  } else {
    props.push(['Slice', s(u.slice)], ['Delegate', b(true)], ['PIDs', { sig: 'au', value: [pid] }]);
  }
  props.push(
    ['MemoryAccounting', b(true)],
    ['CPUAccounting', b(true)],
    ['IOAccounting', b(true)],
    ['TasksAccounting', b(true)],
    // no implicit dependencies on shutdown targets: the container's
    // lifetime is its own (runc sets this too)
    ['DefaultDependencies', b(false)],
  );
  return [...props, ...resources];
}

/** linux.resources (and linux.devices on create) to unit properties, for this host */
function propertiesFor(layout: Layout, paths: Record<string, string>, r: Resources | undefined, devices: LinuxDevice[] | undefined, create: boolean): { writes: Write[]; props: Property[] } {
  if (!r) return { writes: [], props: [] };
  const writes = resourceWrites(r, hostFacts(layout, paths), {}, devices);
  const props = resourceProperties(writes);
  if (r.devices !== undefined || create) props.push(...deviceProperties(deviceRules(r.devices, devices), readOr('/proc/devices', '')));
  return { writes, props };
}

function readOr(file: string, dflt: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return dflt;
  }
}

// ---------------------------------------------------------------------------
// talking to systemd

/** unix:path=/x of DBUS_SYSTEM_BUS_ADDRESS, else the standard socket */
function systemBusPath(): string {
  return unixPathOf(process.env.DBUS_SYSTEM_BUS_ADDRESS ?? '') ?? '/run/dbus/system_bus_socket';
}

/** our euid as the parent user namespace sees it (no uid_map: our own) */
function uidOutside(): number | undefined {
  const euid = process.geteuid?.() ?? 0;
  const uidMap = readOr('/proc/self/uid_map', '');
  return uidMap === '' ? euid : outsideUid(uidMap, euid);
}

let chosen: ReturnType<typeof chooseBus> | undefined;

/** This process's bus for the driver (systemd-user.ts decides), read once. */
export function driverBus(): ReturnType<typeof chooseBus> {
  if (chosen) return chosen;
  const { euid, inUserNamespace } = hostRootless();
  chosen = chooseBus(
    {
      euid,
      inUserNamespace,
      hostUid: uidOutside(),
      sessionBus: sessionBusPath(process.env, (p) => fs.existsSync(p)),
    },
    systemBusPath(),
  );
  return chosen;
}

export class Systemd {
  private constructor(
    private c: SyncConnection,
    private onBus: boolean,
    readonly kind: 'system' | 'user',
  ) {}

  private static cached: Systemd | undefined;

  /**
   * The system bus, else (as root) systemd's private socket, as go-systemd
   * (runc) does; rootless (driverBus), the user's session bus, authenticated
   * as our uid outside the user namespace. One connection per process.
   */
  static connect(): Systemd {
    if (Systemd.cached) return Systemd.cached;
    const errors: string[] = [];
    const chosen = driverBus();
    if ('error' in chosen) throw new RuntsError(`systemd cgroup driver (rootless: the user's systemd): ${chosen.error}`);
    const candidates: [string, boolean][] = chosen.kind === 'user' ? [[chosen.path, true]] : [[chosen.path, true], ['/run/systemd/private', false]];
    for (const [p, bus] of candidates) {
      if (!bus && process.getuid?.() !== 0) continue;
      try {
        const c = SyncConnection.open(p, { bus, timeoutMs: TIMEOUT_MS, authUid: chosen.authUid });
        const sd = new Systemd(c, bus, chosen.kind);
        if (bus) {
          // JobRemoved is broadcast; the bus sends it to those who asked
          c.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'AddMatch', 's', [
            `type='signal',sender='${SD}',path='${SD_PATH}',interface='${MANAGER}',member='JobRemoved'`,
          ]);
        }
        Systemd.cached = sd;
        return sd;
      } catch (e) {
        errors.push(`${p}: ${(e as Error).message}`);
      }
    }
    throw new RuntsError(`systemd cgroup driver: cannot reach ${chosen.kind === 'user' ? "the user's systemd over the session bus" : 'systemd over D-Bus'} (${errors.join('; ')})`);
  }

  get transport(): string {
    return this.kind === 'user' ? 'session bus' : this.onBus ? 'system bus' : 'private socket';
  }

  /** The Manager's ControlGroup: "/user.slice/user-1000.slice/user@1000.service" for a user's instance */
  managerCgroup(): string {
    let v: DBusValue[];
    try {
      v = this.c.call(SD, SD_PATH, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [MANAGER, 'ControlGroup']);
    } catch (e) {
      if (e instanceof DBusProtocolError || e instanceof DBusCallError) throw new RuntsError(`systemd: reading the manager's ControlGroup: ${e.message || e.name}`);
      throw e;
    }
    const got = (v[0] as Variant | undefined)?.value;
    if (typeof got !== 'string' || !got.startsWith('/')) throw new RuntsError(`systemd: the manager's ControlGroup is ${JSON.stringify(got)}, not a cgroup path`);
    return got;
  }

  private call(member: string, sig: string, body: DBusValue[]): DBusValue[] {
    try {
      return this.c.call(SD, SD_PATH, MANAGER, member, sig, body);
    } catch (e) {
      if (e instanceof DBusProtocolError) throw new RuntsError(`systemd ${member}: ${e.message}`);
      throw e;
    }
  }

  /** Waits for the job's JobRemoved: its result ("done", "failed", "timeout"...) */
  private jobResult(job: string): string {
    let m: Message;
    try {
      m = this.c.waitSignal((x) => x.member === 'JobRemoved' && x.interface === MANAGER && x.body[1] === job);
    } catch (e) {
      if (e instanceof DBusProtocolError) throw new RuntsError(`waiting for systemd job ${job}: ${e.message}`);
      throw e;
    }
    return String(m.body[3]);
  }

  /** StartTransientUnit and wait for its job; a failed leftover of the same name is reset first. */
  startTransient(unit: string, props: Property[]): void {
    for (let attempt = 0; ; attempt++) {
      let job: string;
      try {
        [job] = this.call('StartTransientUnit', 'ssa(sv)a(sa(sv))', [unit, 'replace', props, []]) as [string];
      } catch (e) {
        if (e instanceof DBusCallError && e.name === `${SD}.UnitExists` && attempt === 0) {
          this.resetFailed(unit);
          continue;
        }
        if (e instanceof DBusCallError) throw new RuntsError(`unable to start unit "${unit}": ${e.message || e.name}`);
        throw e;
      }
      const result = this.jobResult(job);
      if (result !== 'done') {
        this.resetFailed(unit);
        throw new RuntsError(`error creating systemd unit \`${unit}\`: got \`${result}\``);
      }
      return;
    }
  }

  setProperties(unit: string, props: Property[]): void {
    if (!props.length) return;
    try {
      this.call('SetUnitProperties', 'sba(sv)', [unit, true, props]);
    } catch (e) {
      if (e instanceof DBusCallError) throw new RuntsError(`unable to set properties of unit "${unit}": ${e.message || e.name}`);
      throw e;
    }
  }

  /** StopUnit and wait; a unit systemd no longer has is already stopped. Then reset-failed. */
  stop(unit: string, warn: (m: string) => void): void {
    try {
      const [job] = this.call('StopUnit', 'ss', [unit, 'replace']) as [string];
      const result = this.jobResult(job);
      if (result !== 'done') warn(`error removing unit \`${unit}\`: got \`${result}\`. Continuing...`);
    } catch (e) {
      if (!(e instanceof DBusCallError && e.name === `${SD}.NoSuchUnit`)) throw e;
    }
    this.resetFailed(unit);
  }

  resetFailed(unit: string): void {
    try {
      this.call('ResetFailedUnit', 's', [unit]);
    } catch (e) {
      // not loaded, or not failed: nothing to reset
      if (!(e instanceof DBusCallError)) throw e;
    }
  }
}

// ---------------------------------------------------------------------------
// what lifecycle and the manager call

/** /proc/<pid>/cgroup's v2 line: where systemd put the process */
function cgroupOf(pid: number): string | undefined {
  const m = /^0::(.*)$/m.exec(readOr(`/proc/${pid}/cgroup`, ''));
  return m?.[1];
}

/**
 * create: the unit for the init `pid` (waiting, not yet in its cgroup
 * namespace), then the files. paths.unified is where systemd puts the unit;
 * a mismatch is an error rather than a container somewhere unexpected.
 */
export function startContainerUnit(o: {
  id: string;
  unit: SystemdUnit;
  pid: number;
  layout: Layout;
  paths: Record<string, string>;
  resources: Resources | undefined;
  devices: LinuxDevice[] | undefined;
}): void {
  const { writes, props } = propertiesFor(o.layout, o.paths, o.resources, o.devices, true);
  const sd = Systemd.connect();
  sd.startTransient(o.unit.unit, unitProperties(o.unit, o.id, o.pid, props));
  try {
    const dir = o.paths['unified'];
    const top = o.layout.hierarchies.find((h) => h.version === 2)?.mountpoint ?? '/sys/fs/cgroup';
    if (o.unit.unit.endsWith('.slice')) fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(o.pid));
    const got = cgroupOf(o.pid);
    if (got !== undefined && path.join(top, got) !== dir)
      throw new RuntsError(`systemd put unit ${o.unit.unit} at ${path.join(top, got)}, not at ${dir}`);
    new FsV2Manager(o.layout, o.paths, true).applyWrites(writes, o.resources, o.devices);
  } catch (e) {
    sd.stop(o.unit.unit, () => {});
    throw e;
  }
}

/**
 * Where this process's systemd keeps units: the slice a cgroupsPath without
 * one means, and the cgroup its units are under (the user's instance: its
 * ControlGroup, read over the bus; the system's: the root).
 */
export function unitsRoot(): { defaultSlice: string; managerCgroup: string } {
  const bus = driverBus();
  if (bus.kind === 'system') return { defaultSlice: defaultSlice('system'), managerCgroup: '' };
  return { defaultSlice: defaultSlice('user'), managerCgroup: Systemd.connect().managerCgroup() };
}

/**
 * features' systemdUser: this caller's own systemd answers on its session
 * bus (found as the driver finds it, authenticated as it would be) and says
 * where its units go. Short time-out: features must not hang on a dead bus.
 */
export function userInstanceReachable(): boolean {
  const found = sessionBusPath(process.env, (p) => fs.existsSync(p));
  if ('error' in found) return false;
  try {
    const c = SyncConnection.open(found.path, { bus: true, timeoutMs: 2000, authUid: uidOutside() ?? process.geteuid?.() ?? 0 });
    try {
      const [v] = c.call(SD, SD_PATH, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [MANAGER, 'ControlGroup']);
      return typeof (v as Variant).value === 'string';
    } finally {
      c.close();
    }
  } catch {
    return false;
  }
}

export function stopContainerUnit(unit: string, warn: (m: string) => void): void {
  Systemd.connect().stop(unit, warn);
}

/** The manager of a container in a systemd unit: update goes to systemd and the files. */
export class SystemdV2Manager extends FsV2Manager implements CgroupManager {
  constructor(
    layout: Layout,
    paths: Record<string, string>,
    private unit: string,
  ) {
    super(layout, paths, true);
  }

  override apply(r: Resources, devices?: LinuxDevice[]): void {
    const { writes, props } = propertiesFor(this.layoutOf, this.pathsOf, r, devices, false);
    this.checkUsage(r);
    Systemd.connect().setProperties(this.unit, props);
    this.applyWrites(writes, r, devices);
  }
}
