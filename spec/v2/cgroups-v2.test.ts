// Pure cgroup v2, with systemd as PID 1 (make test-v2 runs this in
// ../shared/v2vm): every scenario with both drivers, cgroupfs and systemd
// (--systemd-cgroup, a transient scope made over D-Bus). Each resource is read
// back from the container's cgroup files and, with systemd, from `systemctl
// show` of its unit; OOM kill in events; pause/resume; update (and
// memory.checkBeforeUpdate); subtree_control along the path; the container's
// cgroup namespace with its cgroup2 at /sys/fs/cgroup; exec --cgroup; delete
// (--force, with sub-cgroups) leaves no unit and no cgroup. Skipped elsewhere.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { Sandbox, readState, eventually, errorMessage, RUNTS, type Json, type Teardown } from '../lib/harness';

const CG = '/sys/fs/cgroup';
const pureV2 = fs.existsSync(`${CG}/cgroup.controllers`) && !fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(' - cgroup ');
const systemd = fs.existsSync('/run/systemd/system');
// the VM is emulated, 25-35x slower than a host: room for that, never timing
const SLOW = 120_000;

if (!pureV2) t.plan(0, 'not a pure cgroup v2 host');

type Driver = 'cgroupfs' | 'systemd';
const DRIVERS: Driver[] = systemd ? ['cgroupfs', 'systemd'] : ['cgroupfs'];

/** One container's bundle and where its cgroup (and unit) is, per driver. */
class Box {
  readonly s: Sandbox;
  readonly slice: string;
  constructor(
    t: Teardown,
    readonly driver: Driver,
  ) {
    this.s = new Sandbox(t);
    // "runts-test-Xyz.slice": systemd nests it as runts.slice/runts-test.slice/runts-test-Xyz.slice
    this.slice = `${path.basename(this.s.dir)}.slice`;
    if (driver === 'systemd') t.teardown(() => void spawnSync('systemctl', ['stop', this.slice]));
  }
  bundle(edit: (c: Json) => void): string {
    return this.s.bundle((c) => {
      if (this.driver === 'systemd') c.linux.cgroupsPath = `${this.slice}:runts:${'x'}`;
      edit(c);
    });
  }
  /** the unit of the container made from bundle b (one per Box: the name is fixed) */
  get unit(): string {
    return 'runts-x.scope';
  }
  dir(b: string): string {
    return this.driver === 'systemd' ? path.join(CG, 'runts.slice/runts-test.slice', this.slice, this.unit) : path.join(CG, this.s.cgroupParent, path.basename(b));
  }
  run(args: string[], o: { input?: string; detached?: boolean } = {}): ReturnType<Sandbox['run']> {
    return this.s.run(args, { ...o, timeout: SLOW, global: this.driver === 'systemd' ? ['--systemd-cgroup'] : [] });
  }
  file(b: string, f: string): string {
    return fs.readFileSync(path.join(this.dir(b), f), 'utf8').trim();
  }
}

function show(unit: string, props: string[]): Record<string, string> {
  const r = spawnSync('systemctl', ['show', unit, ...props.map((p) => `-p${p}`)], { encoding: 'utf8' });
  const out: Record<string, string> = {};
  for (const l of r.stdout.split('\n')) {
    const i = l.indexOf('=');
    if (i > 0) out[l.slice(0, i)] = l.slice(i + 1);
  }
  return out;
}

function leftovers(box: Box, b: string): string[] {
  const out: string[] = [];
  if (fs.existsSync(box.dir(b))) out.push(box.dir(b));
  if (box.driver === 'systemd') {
    const st = show(box.unit, ['LoadState', 'ActiveState']);
    if (st.LoadState !== 'not-found') out.push(`${box.unit} ${st.LoadState}/${st.ActiveState}`);
  }
  return out;
}

if (systemd) t.teardown(() => void spawnSync('systemctl', ['stop', 'runts.slice']));

t.test('features: systemd is true exactly when systemd runs here', async (t) => {
  const r = spawnSync(RUNTS, ['features'], { encoding: 'utf8', timeout: SLOW });
  t.equal((JSON.parse(r.stdout) as Json).linux.cgroup.systemd, systemd);
});

for (const driver of DRIVERS) {
  t.test(`${driver}: resources in the files${driver === 'systemd' ? ' and the unit' : ''}; update; delete leaves nothing`, async (t) => {
    const box = new Box(t, driver);
    const b = box.bundle((c) => {
      c.process.args = ['sleep', '300'];
      c.linux.resources.memory = { limit: 64 << 20, reservation: 32 << 20, swap: 96 << 20, checkBeforeUpdate: true };
      c.linux.resources.cpu = { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' };
      c.linux.resources.pids = { limit: 50 };
      c.linux.resources.unified = { 'memory.high': String(48 << 20) };
    });
    let r = box.run(['create', '-b', b, 'res'], { detached: true });
    t.equal(r.code, 0, r.stderr);
    const f = (x: string): string => box.file(b, x);
    t.equal(f('memory.max'), String(64 << 20));
    t.equal(f('memory.low'), String(32 << 20));
    t.equal(f('memory.swap.max'), String(32 << 20), 'v2 swap alone: memory+swap minus memory');
    t.equal(f('memory.high'), String(48 << 20), 'unified');
    t.equal(f('cpu.weight'), '20', "runc's shares -> weight");
    t.equal(f('cpu.max'), '50000 100000');
    t.equal(f('cpuset.cpus'), '0');
    t.equal(f('cpuset.mems'), '0');
    t.equal(f('pids.max'), '50');
    const pid = readState(box.s, 'res').pid as number;
    t.ok(f('cgroup.procs').split('\n').includes(String(pid)), 'the init is in the container cgroup');
    // every ancestor hands the controllers down (runtime-spec: MUST enable)
    for (let d = path.dirname(box.dir(b)); d.startsWith(CG) && d !== CG; d = path.dirname(d)) {
      const sc = fs.readFileSync(path.join(d, 'cgroup.subtree_control'), 'utf8');
      for (const c of ['cpu', 'cpuset', 'memory', 'pids']) t.ok(sc.split(/\s+/).includes(c), `${c} in ${d}/cgroup.subtree_control`);
    }
    if (driver === 'systemd') {
      t.same(show(box.unit, ['MemoryMax', 'MemoryLow', 'MemoryHigh', 'MemorySwapMax', 'CPUWeight', 'CPUQuotaPerSecUSec', 'CPUQuotaPeriodUSec', 'AllowedCPUs', 'AllowedMemoryNodes', 'TasksMax', 'Delegate', 'Slice', 'DevicePolicy']), {
        MemoryMax: String(64 << 20),
        MemoryLow: String(32 << 20),
        MemoryHigh: String(48 << 20),
        MemorySwapMax: String(32 << 20),
        CPUWeight: '20',
        CPUQuotaPerSecUSec: '500ms',
        CPUQuotaPeriodUSec: '100ms',
        AllowedCPUs: '0',
        AllowedMemoryNodes: '0',
        TasksMax: '50',
        Delegate: 'yes',
        Slice: box.slice,
        DevicePolicy: 'strict',
      });
      t.equal(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim(), `0::${box.dir(b).slice(CG.length)}`, 'systemd put the init in the scope');
    }

    r = box.run(['update', '--memory', '128m', '--memory-swap', '256m', '--cpu-quota', '20000', '--cpu-share', '256', '--pids-limit', '20', 'res']);
    t.equal(r.code, 0, r.stderr);
    t.equal(f('memory.max'), String(128 << 20));
    t.equal(f('memory.swap.max'), String(128 << 20));
    t.equal(f('cpu.max'), '20000 100000');
    t.equal(f('cpu.weight'), '10');
    t.equal(f('pids.max'), '20');
    if (driver === 'systemd')
      t.same(show(box.unit, ['MemoryMax', 'MemorySwapMax', 'CPUQuotaPerSecUSec', 'CPUWeight', 'TasksMax']), {
        MemoryMax: String(128 << 20),
        MemorySwapMax: String(128 << 20),
        CPUQuotaPerSecUSec: '200ms',
        CPUWeight: '10',
        TasksMax: '20',
      }, 'update set the unit properties too');
    // memory.checkBeforeUpdate (from create): a limit under the usage is refused, nothing changes
    r = box.run(['update', '--memory', '4k', 'res']);
    t.equal(r.code, 1);
    t.match(errorMessage(r.stderr), /rejecting memory limit 4096 below usage \d+/);
    t.equal(f('memory.max'), String(128 << 20));

    r = box.run(['delete', '--force', 'res']);
    t.equal(r.code, 0, r.stderr);
    t.same(leftovers(box, b), [], 'no cgroup, no unit (not even a failed one)');
  });

  // the fields the first test leaves out: io (weight, throttles on the first
  // virtio disk), cpu burst and idle, hugetlb; and the v1-only memory fields,
  // which runc ignores on v2 (so does runts: the create must not fail)
  const disk = ['vda', 'sda', 'nvme0n1'].map((d) => `/sys/block/${d}/dev`).find((f) => fs.existsSync(f));
  t.test(`${driver}: io, cpu burst and idle, hugetlb in the files${driver === 'systemd' ? ' and IOWeight in the unit' : ''}; v1-only memory fields ignored`, { skip: !disk && 'no block device' }, async (t) => {
    const [major, minor] = fs.readFileSync(disk!, 'utf8').trim().split(':').map(Number);
    const box = new Box(t, driver);
    const b = box.bundle((c) => {
      c.process.args = ['sleep', '300'];
      c.linux.resources.memory = { limit: 64 << 20, swappiness: 10, kernel: 32 << 20, kernelTCP: 16 << 20, disableOOMKiller: false };
      c.linux.resources.cpu = { quota: 50000, period: 100000, burst: 1000, idle: 1 };
      c.linux.resources.blockIO = {
        weight: 500,
        throttleReadBpsDevice: [{ major, minor, rate: 1 << 20 }],
        throttleWriteIOPSDevice: [{ major, minor, rate: 100 }],
      };
      c.linux.resources.hugepageLimits = [{ pageSize: '2MB', limit: 2 << 21 }];
    });
    const r = box.run(['create', '-b', b, 'more'], { detached: true });
    t.equal(r.code, 0, r.stderr);
    const f = (x: string): string => box.file(b, x);
    t.equal(f('io.weight'), 'default 4950', "runc's blkio weight -> io.weight");
    t.equal(f('io.max'), `${major}:${minor} rbps=1048576 wbps=max riops=max wiops=100`);
    t.equal(f('cpu.max.burst'), '1000');
    t.equal(f('cpu.idle'), '1');
    t.equal(f('hugetlb.2MB.max'), String(2 << 21));
    t.equal(f('memory.max'), String(64 << 20));
    if (driver === 'systemd') t.equal(show(box.unit, ['IOWeight']).IOWeight, '4950');
    t.equal(box.run(['delete', '--force', 'more']).code, 0);
    t.same(leftovers(box, b), []);
  });

  t.test(`${driver}: OOM kill reported by events; pause and resume`, async (t) => {
    const box = new Box(t, driver);
    const b = box.bundle((c) => {
      c.process.args = ['sh', '-c', 'sleep 3; tail /dev/zero; sleep 300'];
      c.linux.resources.memory = { limit: 16 << 20, swap: 16 << 20 };
    });
    t.equal(box.run(['create', '-b', b, 'oom'], { detached: true }).code, 0);
    // pause/resume first, while it sleeps
    t.equal(box.run(['pause', 'oom']).code, 0);
    t.equal(readState(box.s, 'oom').status, 'paused');
    t.match(box.file(b, 'cgroup.events'), /^frozen 1$/m);
    t.equal(box.run(['resume', 'oom']).code, 0);
    t.match(box.file(b, 'cgroup.events'), /^frozen 0$/m);
    t.equal(readState(box.s, 'oom').status, 'created');
    const ev = spawn(RUNTS, ['--root', box.s.root, 'events', '--interval', '2s', 'oom'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    ev.stdout.on('data', (d: Buffer) => (out += d.toString()));
    t.teardown(() => void ev.kill());
    t.equal(box.run(['start', 'oom']).code, 0);
    t.ok(await eventually(() => out.split('\n').some((l) => l.startsWith('{"type":"oom"')), SLOW), 'an oom event');
    t.match(box.file(b, 'memory.events'), /^oom_kill [1-9]/m, 'memory.events counts the kill');
    ev.kill();
    t.equal(box.run(['delete', '--force', 'oom']).code, 0);
    t.same(leftovers(box, b), []);
  });

  t.test(`${driver}: cgroup namespace, cgroup2 at /sys/fs/cgroup, devices; exec --cgroup and delete --force with sub-cgroups`, async (t) => {
    const box = new Box(t, driver);
    const b = box.bundle((c) => {
      c.process.args = ['sleep', '300'];
      c.linux.namespaces.push({ type: 'cgroup' });
      c.linux.resources.pids = { limit: 33 };
    });
    t.equal(box.run(['create', '-b', b, 'ns'], { detached: true }).code, 0);
    t.equal(box.run(['start', 'ns']).code, 0);
    const script = [
      'cat /proc/self/cgroup',
      'cat /sys/fs/cgroup/pids.max',
      'grep " /sys/fs/cgroup " /proc/mounts | cut -d" " -f3',
      'head -c1 /dev/null && echo null-ok',
      'mknod /tmp/mem c 1 1 && head -c1 /tmp/mem >/dev/null 2>&1 || echo mem-denied',
    ].join('; ');
    let r = box.run(['exec', 'ns', 'sh', '-c', script]);
    t.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    t.equal(lines[0], '0::/', 'the container sees its own cgroup as the root');
    t.equal(lines[1], '33', "its /sys/fs/cgroup is its own cgroup's files");
    t.equal(lines[2], 'cgroup2');
    t.equal(lines[3], 'null-ok');
    t.equal(lines[4], 'mem-denied', '/dev/mem (c 1:1) is denied by the device rules');

    fs.mkdirSync(path.join(box.dir(b), 'sub'));
    r = box.run(['exec', '--cgroup', 'sub', 'ns', 'cat', '/proc/self/cgroup']);
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stdout.trim(), '0::/sub', 'exec --cgroup put the process in the sub-cgroup');
    r = box.run(['exec', '-d', '--cgroup', 'sub', 'ns', 'sleep', '300'], { detached: true });
    t.equal(r.code, 0, r.stderr);
    t.ok(box.file(b, 'sub/cgroup.procs').length > 0, 'a process lives in the sub-cgroup');
    r = box.run(['delete', '--force', 'ns']);
    t.equal(r.code, 0, r.stderr);
    t.same(leftovers(box, b), [], 'the sub-cgroup went with the container');
  });
}
