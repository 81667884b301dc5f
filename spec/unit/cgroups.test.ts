// Unit tests (no root): linux.resources -> write lists for v1 and v2 against
// fake hosts, the conversions, applying them to a fake cgroupfs directory,
// the v2 device program, update's flags and the stats readers.
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resourceWrites, deviceRules, sharesToWeight, blkioWeightToIoWeight, controllersNeeded, ResourceError, type HostFacts, type Write } from '../../lib/cgroups/resources';
import { applyWrites, hostFacts } from '../../lib/cgroups/manager';
import { parseLayout } from '../../lib/cgroups/layout';
import { deviceFilterProgram, encode } from '../../lib/cgroups/devicefilter';
import { statsV1, statsV2, toJson, parseList } from '../../lib/cgroups/stats';
import { resourcesFromFlags, ramInBytes } from '../../lib/cli/update';
import { parseDuration } from '../../lib/cli/events';
import { parseFlags } from '../../lib/cli/args';
import { command as updateCommand } from '../../lib/cli/update';

const THIS_HOST_V1 = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'name=systemd'];

function v1Host(files: string[] = ['memory/memory.memsw.limit_in_bytes', 'memory/memory.kmem.limit_in_bytes', 'memory/memory.kmem.tcp.limit_in_bytes', 'cpu/cpu.cfs_burst_us', 'cpu/cpu.idle', 'blkio/blkio.bfq.weight', 'blkio/blkio.bfq.weight_device'], ctrls = THIS_HOST_V1): HostFacts {
  const have = new Set(files);
  return { version: 'hybrid', controllers: new Set(ctrls), unifiedControllers: new Set(), hasFile: (c, f) => have.has(`${c}/${f}`) };
}
function v2Host(ctrls = ['cpu', 'cpuset', 'io', 'memory', 'pids', 'hugetlb', 'rdma'], files: string[] = []): HostFacts {
  const have = new Set(files);
  return { version: 'v2', controllers: new Set(ctrls), hasFile: (c, f) => have.has(`${c}/${f}`) };
}
const short = (ws: Write[]): string[] => ws.map((w) => `${w.controller}:${w.file}=${w.value}`);

t.test('v1: memory, cpu, pids, blkio write lists', async (t) => {
  const ws = resourceWrites(
    {
      memory: { limit: 33554432, reservation: 16777216, swap: 67108864, kernel: 8388608, kernelTCP: 4194304, swappiness: 10, disableOOMKiller: true, useHierarchy: true },
      cpu: { shares: 512, quota: 50000, period: 100000, burst: 1000, realtimeRuntime: 950, realtimePeriod: 1000, cpus: '0-1', mems: '0', idle: 0 },
      pids: { limit: 10 },
      blockIO: { weight: 300, weightDevice: [{ major: 8, minor: 0, weight: 500 }], throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }], throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 100 }] },
    },
    v1Host(),
  );
  t.same(short(ws), [
    // fresh cgroup (unlimited): memory first, then memory+swap
    'memory:memory.limit_in_bytes=33554432',
    'memory:memory.memsw.limit_in_bytes=67108864',
    'memory:memory.soft_limit_in_bytes=16777216',
    'memory:memory.kmem.limit_in_bytes=8388608',
    'memory:memory.kmem.tcp.limit_in_bytes=4194304',
    'memory:memory.swappiness=10',
    'memory:memory.oom_control=1',
    'memory:memory.use_hierarchy=1',
    'cpu:cpu.shares=512',
    'cpu:cpu.rt_period_us=1000',
    'cpu:cpu.rt_runtime_us=950',
    'cpu:cpu.cfs_period_us=100000',
    'cpu:cpu.cfs_quota_us=50000',
    'cpu:cpu.cfs_burst_us=1000',
    'cpu:cpu.idle=0',
    'cpuset:cpuset.cpus=0-1',
    'cpuset:cpuset.mems=0',
    'blkio:blkio.bfq.weight=300',
    'blkio:blkio.bfq.weight_device=8:0 500',
    'blkio:blkio.throttle.read_bps_device=8:0 1048576',
    'blkio:blkio.throttle.write_iops_device=8:0 100',
    'pids:pids.max=10',
  ]);
  t.equal(ws.find((w) => w.file === 'cpu.cfs_quota_us')?.field, '/linux/resources/cpu/quota', 'each write names its field');
  t.same(short(resourceWrites({ pids: { limit: -1 } }, v1Host())), ['pids:pids.max=max']);
  t.same(short(resourceWrites({ pids: { limit: 0 } }, v1Host())), ['pids:pids.max=0'], '0 is a real limit (spec)');
  t.same(short(resourceWrites({ blockIO: { weight: 300 } }, v1Host(['blkio/blkio.weight']))), ['blkio:blkio.weight=300'], 'CFQ file when present');
});

t.test('v1: memory and swap order follows the current limit (update)', async (t) => {
  const raise = resourceWrites({ memory: { limit: 200 << 20, swap: 400 << 20 } }, v1Host(), { memoryLimit: 100 << 20 });
  t.same(raise.map((w) => w.file), ['memory.memsw.limit_in_bytes', 'memory.limit_in_bytes'], 'raising: swap first');
  const lower = resourceWrites({ memory: { limit: 50 << 20, swap: 60 << 20 } }, v1Host(), { memoryLimit: 100 << 20 });
  t.same(lower.map((w) => w.file), ['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes'], 'lowering: memory first');
  t.same(short(resourceWrites({ memory: { limit: -1 } }, v1Host())), ['memory:memory.memsw.limit_in_bytes=-1', 'memory:memory.limit_in_bytes=-1'], 'unlimited memory takes swap along');
  t.throws(() => resourceWrites({ memory: { limit: 100, swap: 50 } }, v1Host()), /\/linux\/resources\/memory\/swap: must be at least memory.limit/);
  t.throws(() => resourceWrites({ memory: { swap: 100 } }, v1Host([])), /memory\/swap: swap accounting is not enabled/);
});

t.test('v1: devices = config rules, then runc defaults; linux.devices are created, not allowed', async (t) => {
  const ws = resourceWrites({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 4, minor: 64, access: 'rw' }] }, v1Host(), {}, [
    { type: 'c', path: '/dev/fuse', major: 10, minor: 229 },
  ]);
  t.same(short(ws), [
    'devices:devices.deny=a',
    'devices:devices.allow=c 4:64 rw',
    'devices:devices.allow=c *:* m',
    'devices:devices.allow=b *:* m',
    'devices:devices.allow=c 1:3 rwm',
    'devices:devices.allow=c 1:8 rwm',
    'devices:devices.allow=c 1:7 rwm',
    'devices:devices.allow=c 5:0 rwm',
    'devices:devices.allow=c 1:5 rwm',
    'devices:devices.allow=c 1:9 rwm',
    'devices:devices.allow=c 136:* rwm',
    'devices:devices.allow=c 5:2 rwm',
    'devices:devices.allow=c 10:200 rwm',
  ]);
  t.equal(ws[1].field, '/linux/resources/devices/1');
  // a /dev/ptmx the config lists again keeps its default rule: the init's terminal needs it
  const redundant = short(resourceWrites({ devices: [{ allow: false, access: 'rwm' }] }, v1Host(), {}, [{ type: 'c', path: '/dev/ptmx', major: 5, minor: 2 }]));
  t.ok(redundant.includes('devices:devices.allow=c 5:2 rwm'), 'the default rule for /dev/ptmx stays');
  // runc ignores access letters it does not know: "rwa" is "rw"
  t.same(short(resourceWrites({ devices: [{ allow: false, access: 'rwm' }, { allow: false, type: 'c', major: 1, minor: 11, access: 'rwa' }] }, v1Host(), {}, [])).slice(0, 2), [
    'devices:devices.deny=a',
    'devices:devices.deny=c 1:11 rw',
  ]);
});

t.test('v1: what this host lacks is refused with the field named', async (t) => {
  t.throws(() => resourceWrites({ network: { classID: 1048577 } }, v1Host()), new ResourceError('/linux/resources/network: net_cls and net_prio are not available on this host'));
  t.throws(() => resourceWrites({ hugepageLimits: [{ pageSize: '2MB', limit: 1 << 21 }] }, v1Host()), /\/linux\/resources\/hugepageLimits\/0: the hugetlb cgroup controller is not available/);
  t.throws(() => resourceWrites({ rdma: { mlx5_0: { hcaHandles: 3 } } }, v1Host()), /\/linux\/resources\/rdma\/mlx5_0: the rdma cgroup controller/);
  t.throws(() => resourceWrites({ unified: { 'memory.high': '1000' } }, v1Host()), /\/linux\/resources\/unified\/memory.high: invalid configuration: cannot use unified on cgroup v1 \(the memory controller is not enabled on the cgroup2 mount of this hybrid host\)/);
  t.throws(() => resourceWrites({ unified: { 'memory.high': '1' } }, { ...v1Host(), version: 'v1' }), /invalid configuration: cannot use unified on cgroup v1/);
  t.throws(() => resourceWrites({ blockIO: { leafWeight: 10 } }, v1Host()), /blockIO\/leafWeight: not supported by this kernel/);
  t.throws(() => resourceWrites({ memory: { swappiness: 101 } }, v1Host()), /swappiness: must be between 0 and 100/);
  t.same(short(resourceWrites({ unified: { 'cgroup.freeze': '0' } }, v1Host())), ['unified:cgroup.freeze=0'], 'core files of the cgroup2 mount are there on hybrid');
  // a host that has them
  const full = v1Host([], [...THIS_HOST_V1, 'net_cls', 'net_prio', 'hugetlb', 'rdma']);
  t.same(short(resourceWrites({ network: { classID: 1048577, priorities: [{ name: 'eth0', priority: 5 }] }, hugepageLimits: [{ pageSize: '2MB', limit: 2097152 }], rdma: { mlx5_0: { hcaHandles: 3, hcaObjects: 1000 } } }, full)), [
    'hugetlb:hugetlb.2MB.limit_in_bytes=2097152',
    'net_cls:net_cls.classid=1048577',
    'net_prio:net_prio.ifpriomap=eth0 5',
    'rdma:rdma.max=mlx5_0 hca_handle=3 hca_object=1000',
  ]);
});

t.test('v2: conversions and files', async (t) => {
  t.equal(sharesToWeight(2), 1);
  t.equal(sharesToWeight(1024), 39);
  t.equal(sharesToWeight(262144), 10000);
  t.equal(blkioWeightToIoWeight(10), 1);
  t.equal(blkioWeightToIoWeight(500), 4950);
  t.equal(blkioWeightToIoWeight(1000), 10000);
  const ws = resourceWrites(
    {
      memory: { limit: 33554432, swap: 67108864, reservation: 1 << 20, swappiness: 10, kernel: 1, disableOOMKiller: true },
      cpu: { shares: 1024, quota: 50000, period: 100000, burst: 1000, cpus: '0', idle: 1 },
      pids: { limit: -1 },
      blockIO: { weight: 500, weightDevice: [{ major: 8, minor: 0, weight: 10 }], throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1000 }], throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 0 }] },
      hugepageLimits: [{ pageSize: '1GB', limit: 1 << 30 }],
      unified: { 'memory.high': '30000000' },
    },
    v2Host(),
  );
  t.same(short(ws), [
    'unified:memory.max=33554432',
    'unified:memory.swap.max=33554432', // memory+swap minus memory
    'unified:memory.low=1048576',
    'unified:cpu.weight=39',
    'unified:cpu.max=50000 100000',
    'unified:cpu.max.burst=1000',
    'unified:cpu.idle=1',
    'unified:cpuset.cpus=0',
    'unified:io.weight=4950',
    'unified:io.weight=8:0 1',
    'unified:io.max=8:0 rbps=1000',
    'unified:io.max=8:16 wiops=max',
    'unified:hugetlb.1GB.max=1073741824',
    'unified:pids.max=max',
    'unified:memory.high=30000000',
  ]);
  t.same(controllersNeeded(ws), ['cpu', 'cpuset', 'hugetlb', 'io', 'memory', 'pids']);
  t.same(short(resourceWrites({ cpu: { quota: -1 } }, v2Host())), ['unified:cpu.max=max 100000']);
  t.same(short(resourceWrites({ memory: { limit: 100, swap: -1 } }, v2Host())), ['unified:memory.max=100', 'unified:memory.swap.max=max']);
  t.same(short(resourceWrites({ blockIO: { weight: 500 } }, v2Host(undefined, ['unified/io.bfq.weight']))), ['unified:io.bfq.weight=500'], 'BFQ takes the v1 range as is');
  t.throws(() => resourceWrites({ cpu: { realtimeRuntime: 10 } }, v2Host()), /real-time scheduling limits are not supported on cgroup v2/);
  t.throws(() => resourceWrites({ network: { classID: 1 } }, v2Host()), /\/linux\/resources\/network: net_cls and net_prio do not exist on cgroup v2/);
  t.throws(() => resourceWrites({ unified: { 'misc.max': 'x 1' } }, v2Host()), /\/linux\/resources\/unified\/misc.max: the misc cgroup controller is not available/);
  t.throws(() => resourceWrites({ unified: { '../../etc/passwd': 'x' } }, v2Host()), /not a cgroup v2 file name/);
  t.throws(() => resourceWrites({ memory: { swap: 100 } }, v2Host()), /swap needs memory.limit/);
});

t.test('applyWrites on a fake cgroupfs directory', async (t) => {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-fakecg-'));
  t.teardown(() => fs.rmSync(top, { recursive: true, force: true }));
  const mountinfo = ['memory', 'cpu', 'pids'].map((c, i) => `${30 + i} 20 0:${40 + i} / ${top}/${c} rw - cgroup cgroup rw,${c}`).join('\n') + `\n40 20 0:50 / ${top}/unified rw - cgroup2 cgroup2 rw\n`;
  const layout = parseLayout(mountinfo);
  t.equal(layout.kind, 'hybrid');
  const paths: Record<string, string> = {};
  for (const h of layout.hierarchies) {
    paths[h.key] = path.join(h.mountpoint, 'c1');
    fs.mkdirSync(paths[h.key], { recursive: true });
  }
  fs.writeFileSync(path.join(paths.memory, 'memory.memsw.limit_in_bytes'), '');
  fs.writeFileSync(path.join(top, 'unified', 'cgroup.controllers'), '');
  const facts = hostFacts(layout, paths);
  t.ok(facts.hasFile('memory', 'memory.memsw.limit_in_bytes'));
  t.notOk(facts.hasFile('cpu', 'cpu.idle'));
  applyWrites(paths, resourceWrites({ memory: { limit: 1000, swap: 2000 }, cpu: { shares: 100 }, pids: { limit: 5 } }, facts));
  t.equal(fs.readFileSync(path.join(paths.memory, 'memory.limit_in_bytes'), 'utf8'), '1000');
  t.equal(fs.readFileSync(path.join(paths.memory, 'memory.memsw.limit_in_bytes'), 'utf8'), '2000');
  t.equal(fs.readFileSync(path.join(paths.cpu, 'cpu.shares'), 'utf8'), '100');
  t.equal(fs.readFileSync(path.join(paths.pids, 'pids.max'), 'utf8'), '5');
  t.throws(() => resourceWrites({ cpu: { cpus: '0' } }, facts), /\/linux\/resources\/cpu: the cpuset cgroup controller is not available/);
  fs.mkdirSync(path.join(paths.pids, 'pids.max.d'));
  t.throws(() => applyWrites(paths, [{ controller: 'pids', file: 'pids.max.d', value: '1', field: '/linux/resources/pids/limit' }]), /^\/linux\/resources\/pids\/limit: write "1" to .*pids.max.d: is a directory$/);
});

t.test('v2 device filter program', async (t) => {
  const rules = deviceRules([{ allow: false, access: 'rwm' }], []);
  const prog = deviceFilterProgram(rules);
  // 6 loads, a block per rule after the deny-all, which ends the scan as a catch-all
  t.equal(prog[prog.length - 1].code, 0x95, 'ends with exit');
  t.equal(prog.filter((i) => i.code === 0x95).length, rules.length, 'one exit per rule, the deny-all last');
  for (const [k, x] of prog.entries()) if (x.code === 0x55 || x.code === 0x5d) t.ok(k + x.off + 1 < prog.length && prog[k + x.off].code === 0x95, `jump at ${k} lands after its block's exit`);
  const buf = encode(prog);
  t.equal(buf.length, prog.length * 8);
  t.same([...buf.subarray(0, 8)], [0x61, 0x12, 0, 0, 0, 0, 0, 0], 'r2 = *(u32 *)(r1 + 0)');
  // without a catch-all, the default is deny
  const p2 = deviceFilterProgram([{ allow: true, type: 'c', major: 1, minor: 3, access: 'rw' }]);
  t.same(p2.slice(-2).map((i) => [i.code, i.imm]), [[0xb7, 0], [0x95, 0]]);
  t.throws(() => deviceFilterProgram([{ allow: true, type: 'c', major: 1, minor: 3, access: 'rx' }]), /access "rx"/);
});

t.test('update: flags and --resources', async (t) => {
  const f = parseFlags(['--memory', '32m', '--memory-swap', '-1', '--cpu-quota', '-1', '--cpu-share', '512', '--cpuset-cpus', '0', '--pids-limit', '20', '--blkio-weight', '300', 'id'], updateCommand.flags).flags;
  t.same(resourcesFromFlags(f), { memory: { limit: 33554432, swap: -1 }, cpu: { shares: 512, quota: -1, cpus: '0' }, blockIO: { weight: 300 }, pids: { limit: 20 } });
  t.same(resourcesFromFlags(parseFlags(['id'], updateCommand.flags).flags), {}, 'no flags, no writes');
  t.equal(ramInBytes('memory', '1.5g'), 1610612736);
  t.equal(ramInBytes('memory', '1024'), 1024);
  t.throws(() => ramInBytes('memory', 'lots'), /invalid value for memory: lots/);
});

t.test('events: durations and stats readers on fake files', async (t) => {
  t.equal(parseDuration('5s'), 5000);
  t.equal(parseDuration('100ms'), 100);
  t.equal(parseDuration('1m30s'), 90000);
  t.throws(() => parseDuration('5'), /invalid value "5" for flag -interval/);
  t.same(parseList('0-2,4\n'), [0, 1, 2, 4]);
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-fakestats-'));
  t.teardown(() => fs.rmSync(top, { recursive: true, force: true }));
  const mk = (d: string, files: Record<string, string>): string => {
    const p = path.join(top, d);
    fs.mkdirSync(p, { recursive: true });
    for (const [k, v] of Object.entries(files)) fs.writeFileSync(path.join(p, k), v);
    return p;
  };
  const paths = {
    memory: mk('memory', { 'memory.limit_in_bytes': '9223372036854771712\n', 'memory.usage_in_bytes': '4096\n', 'memory.max_usage_in_bytes': '8192', 'memory.failcnt': '0', 'memory.stat': 'cache 10\nrss 20\n', 'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n' }),
    pids: mk('pids', { 'pids.current': '3', 'pids.max': 'max' }),
    cpuacct: mk('cpuacct', { 'cpuacct.usage': '1000', 'cpuacct.usage_percpu': '600 400 ', 'cpuacct.usage_all': 'cpu user system\n0 100 200\n1 0 0\n', 'cpuacct.stat': 'user 3\nsystem 4\n' }),
    blkio: mk('blkio', { 'blkio.bfq.io_serviced_recursive': '8:0 Read 5\n8:0 Write 6\nTotal 11\n', 'blkio.bfq.io_service_bytes_recursive': '' }),
  };
  const s = statsV1(paths);
  t.same(s.cpu.usage, { total: 1000, percpu: [600, 400], percpu_kernel: [200, 0], percpu_user: [100, 0], kernel: 40000000, user: 30000000 });
  t.same(s.pids, { current: 3 }, 'pids.max "max" is omitted, as runc (0 with omitempty)');
  t.same(s.blkio, { io_serviced_recursive: [{ major: 8, minor: 0, op: 'Read', value: 5 }, { major: 8, minor: 0, op: 'Write', value: 6 }] });
  t.match(toJson(s), /"usage":\{"limit":9223372036854771712,"usage":4096,"max":8192,"failcnt":0\}/, 'uint64 printed exactly');
  t.same(Object.keys(JSON.parse(toJson(s))), ['cpu', 'memory', 'pids', 'blkio', 'hugetlb', 'intel_rdt', 'network_interfaces']);
  const v2 = statsV2(mk('v2', { 'cpu.stat': 'usage_usec 10\nuser_usec 6\nsystem_usec 4\n', 'memory.current': '4096', 'memory.max': 'max', 'memory.stat': 'file 7\n', 'pids.current': '1', 'io.stat': '8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n' }));
  t.same(v2.cpu.usage, { total: 10000, kernel: 4000, user: 6000 });
  t.same(v2.blkio.io_serviced_recursive, [{ major: 8, minor: 0, op: 'Read', value: 3 }, { major: 8, minor: 0, op: 'Write', value: 4 }]);
});

t.test('devices: deny-all first even when the config has no rules or no deny-all, never twice', async (t) => {
  const lines = (r: Parameters<typeof deviceRules>[0]): string[] => deviceRules(r, []).map((x) => `${x.allow ? 'allow' : 'deny'} ${x.type} ${x.major}:${x.minor} ${x.access}`);
  t.equal(lines(undefined)[0], 'deny a -1:-1 rwm', 'no rules at all');
  t.equal(lines([])[0], 'deny a -1:-1 rwm', 'an empty list');
  t.same(lines([{ allow: true, type: 'c', major: 1, minor: 3 }]).slice(0, 2), ['deny a -1:-1 rwm', 'allow c 1:3 rwm'], 'an allow-only list');
  t.equal(lines([{ allow: false, access: 'rwm' }]).filter((l) => l.startsWith('deny a')).length, 1, 'the config\'s own deny-all is the one');
  const ws = resourceWrites({ devices: [{ allow: true, type: 'c', major: 4, minor: 64 }] }, v1Host());
  t.same(ws.slice(0, 2).map((w) => w.field), ['/linux/resources/devices', '/linux/resources/devices/0'], 'fields name the config rule');
});
