// Integration tests on this host (cgroup v1 hybrid), as root: each resource
// lands in its v1 file and does what it says: OOM kill reported by events,
// a fork bomb stopped by pids.max, devices denied, freezer pause/resume; and
// update, ps, kill --all, delete --force of a paused container.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { Sandbox, readState, eventually, alive, errorMessage, RUNTS, RUNC, type Json } from '../lib/harness';
import { deviceRules } from '../../lib/cgroups/resources';
import { attachDeviceFilter } from '../../lib/cgroups/devicefilter';

const CG = '/sys/fs/cgroup';
const cg = (s: Sandbox, b: string, ctrl: string, file: string): string => fs.readFileSync(path.join(CG, ctrl, s.cgroupParent, path.basename(b), file), 'utf8').trim();
const withTmp = (c: Json): void => {
  c.mounts.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'size=65536k'] });
};

t.test('cpu quota/shares, cpuset, memory and pids land in their files; update changes them', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['sleep', '30'];
    c.linux.resources.memory = { limit: 64 << 20, reservation: 32 << 20, swap: 128 << 20, swappiness: 0 };
    c.linux.resources.cpu = { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' };
    c.linux.resources.pids = { limit: 50 };
  });
  t.equal(s.run(['create', '-b', b, 'files'], { detached: true }).code, 0);
  t.equal(cg(s, b, 'cpu', 'cpu.shares'), '512');
  t.equal(cg(s, b, 'cpu', 'cpu.cfs_quota_us'), '50000');
  t.equal(cg(s, b, 'cpu', 'cpu.cfs_period_us'), '100000');
  t.equal(cg(s, b, 'cpuset', 'cpuset.cpus'), '0');
  t.equal(cg(s, b, 'memory', 'memory.limit_in_bytes'), String(64 << 20));
  t.equal(cg(s, b, 'memory', 'memory.soft_limit_in_bytes'), String(32 << 20));
  t.equal(cg(s, b, 'memory', 'memory.memsw.limit_in_bytes'), String(128 << 20));
  t.equal(cg(s, b, 'memory', 'memory.swappiness'), '0');
  t.equal(cg(s, b, 'pids', 'pids.max'), '50');
  const pid = readState(s, 'files').pid;
  t.ok(fs.readFileSync(`${CG}/memory${s.cgroupParent}/${path.basename(b)}/cgroup.procs`, 'utf8').includes(String(pid)), 'the init is in the limited cgroup');

  let r = s.run(['update', '--memory', '256m', '--memory-swap', '512m', '--cpu-quota', '20000', '--cpu-share', '256', '--pids-limit', '20', 'files']);
  t.equal(r.code, 0, r.stderr);
  t.equal(cg(s, b, 'memory', 'memory.limit_in_bytes'), String(256 << 20), 'raising memory above the old memory+swap works (swap first)');
  t.equal(cg(s, b, 'memory', 'memory.memsw.limit_in_bytes'), String(512 << 20));
  t.equal(cg(s, b, 'cpu', 'cpu.cfs_quota_us'), '20000');
  t.equal(cg(s, b, 'cpu', 'cpu.shares'), '256');
  t.equal(cg(s, b, 'pids', 'pids.max'), '20');
  r = s.run(['update', '-r', '-', 'files'], { input: JSON.stringify({ memory: { limit: 100 << 20, swap: 200 << 20 }, cpu: { quota: -1 }, pids: { limit: 30 } }) });
  t.equal(r.code, 0, r.stderr);
  t.equal(cg(s, b, 'memory', 'memory.limit_in_bytes'), String(100 << 20), 'update -r - (containerd shim style)');
  t.equal(cg(s, b, 'cpu', 'cpu.cfs_quota_us'), '-1');
  t.equal(cg(s, b, 'pids', 'pids.max'), '30');
  r = s.run(['update', '--memory', '1k', 'files']);
  t.equal(r.code, 1, 'a limit under the usage is refused by the kernel');
  t.match(errorMessage(r.stderr), /^\/linux\/resources\/memory\/limit: write "1024" to .*memory.limit_in_bytes: device or resource busy$/);
  r = s.run(['update', '--cpu-quota', 'x', 'files']);
  t.match(errorMessage(r.stderr), /invalid value for cpu-quota: x/);
  t.equal(s.run(['delete', '-f', 'files']).code, 0);
  t.notOk(fs.existsSync(`${CG}/cpu${s.cgroupParent}/${path.basename(b)}`), 'delete removed the cgroup');
});

t.test('memory limit: the allocation is OOM-killed and events reports it', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    // tail of an endless line keeps all of it in memory
    c.process.args = ['sh', '-c', 'sleep 1; tail /dev/zero; sleep 30'];
    c.linux.resources.memory = { limit: 32 << 20, swap: 32 << 20 };
  });
  t.equal(s.run(['create', '-b', b, 'oom'], { detached: true }).code, 0);
  const ev = spawn(RUNTS, ['--root', s.root, 'events', '--interval', '1s', 'oom'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  ev.stdout.on('data', (d: Buffer) => (out += d.toString()));
  t.teardown(() => {
    ev.kill();
  });
  t.equal(s.run(['start', 'oom']).code, 0);
  t.ok(await eventually(() => out.split('\n').some((l) => l.startsWith('{"type":"oom"')), 15000), 'an oom event');
  const oom = out.split('\n').find((l) => l.startsWith('{"type":"oom"'));
  t.same(JSON.parse(oom!), { type: 'oom', id: 'oom' }, "runc's shape: no data");
  const stats = out.split('\n').filter((l) => l.startsWith('{"type":"stats"')).map((l) => JSON.parse(l) as Json);
  t.ok(stats.length >= 1, 'stats events in the stream');
  t.equal(stats[0].data.memory.usage.limit, 32 << 20);
  t.match(cg(s, b, 'memory', 'memory.oom_control'), /oom_kill [1-9]/);
  t.equal(readState(s, 'oom').status, 'running', 'the shell survived; tail was killed');
  t.equal(s.run(['delete', '-f', 'oom']).code, 0);
});

t.test('pids.max 10 stops a fork bomb', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    // the subshell dies at the first refused fork; the init goes on without forking
    c.process.args = ['sh', '-c', '(for i in $(seq 1 40); do sleep 20 & done); exec sleep 20'];
    c.linux.resources.pids = { limit: 10 };
  });
  t.equal(s.run(['run', '-d', '-b', b, 'bomb'], { detached: true }).code, 0);
  t.ok(await eventually(() => Number(cg(s, b, 'pids', 'pids.events').split(' ')[1]) > 0, 10000), 'forks were refused (pids.events max > 0)');
  t.ok(Number(cg(s, b, 'pids', 'pids.current')) <= 10, 'never more than 10 tasks');
  const ps = s.run(['ps', '-f', 'json', 'bomb']);
  const pids = JSON.parse(ps.stdout) as number[];
  t.ok(pids.length >= 2 && pids.length <= 10, `ps -f json: ${pids.length} pids`);
  t.ok(pids.includes(readState(s, 'bomb').pid), 'the init among them');
  const table = s.run(['ps', 'bomb']);
  t.match(table.stdout, /^UID\s+PID\s+PPID/);
  t.equal(table.stdout.trim().split('\n').length, pids.length + 1, 'one table line per pid');
  t.equal(s.run(['kill', '--all', 'bomb', 'KILL']).code, 0);
  t.ok(await eventually(() => pids.every((p) => !alive(p))), 'kill --all reached every process');
  t.equal(s.run(['delete', 'bomb']).code, 0);
});

t.test('devices: deny-all plus the defaults blocks other devices', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    withTmp(c);
    for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set].push('CAP_MKNOD');
    c.process.args = ['sh', '-c', [
      'head -c 4 /dev/zero >/dev/null && echo zero-ok',
      'echo x > /dev/null && echo null-ok',
      'mknod /tmp/kmsg c 1 11 && echo mknod-ok',
      'head -c 1 /tmp/kmsg >/dev/null 2>/tmp/err || echo kmsg-denied',
      'mknod /tmp/loop b 7 0 && (head -c 1 /tmp/loop >/dev/null 2>&1 || echo loop-denied)',
    ].join('; ')];
  });
  const r = s.run(['run', '-b', b, 'dev']);
  t.equal(r.code, 0, r.stderr);
  t.same(r.stdout.trim().split('\n'), ['zero-ok', 'null-ok', 'mknod-ok', 'kmsg-denied', 'loop-denied']);
  s.run(['delete', 'dev']);
});

t.test('freezer: pause stops a counting process, resume restarts it; paused containers can be killed and deleted', async (t) => {
  const s = new Sandbox(t);
  const out = path.join(s.dir, 'out');
  fs.mkdirSync(out);
  const b = s.bundle((c) => {
    // onto a directory the shared rootfs has: a new mount point would be made in it (and
    // then be in every copy of it, security-hooks.test.ts's mkdir of rootfs/out failed EEXIST)
    c.mounts.push({ destination: '/tmp', type: 'bind', source: out, options: ['rbind', 'rw'] });
    c.process.args = ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i > /tmp/n; usleep 20000; done'];
  });
  const count = (): number => Number(fs.readFileSync(path.join(out, 'n'), 'utf8').trim() || 0);
  t.equal(s.run(['run', '-d', '-b', b, 'cnt'], { detached: true }).code, 0);
  t.ok(await eventually(() => fs.existsSync(path.join(out, 'n')) && count() > 3), 'counting');
  t.equal(s.run(['pause', 'cnt']).code, 0);
  t.equal(readState(s, 'cnt').status, 'paused');
  t.equal(cg(s, b, 'freezer', 'freezer.state'), 'FROZEN');
  const a = count();
  await new Promise((r) => setTimeout(r, 400));
  t.equal(count(), a, 'no progress while paused');
  t.equal(errorMessage(s.run(['pause', 'cnt']).stderr), '', 'pause of a paused container is a no-op');
  t.equal(s.run(['resume', 'cnt']).code, 0);
  t.equal(readState(s, 'cnt').status, 'running');
  t.ok(await eventually(() => count() > a + 3), 'counting again after resume');
  const r = s.run(['resume', 'cnt']);
  t.equal(errorMessage(r.stderr), 'container not paused');

  // kill of a paused container
  t.equal(s.run(['pause', 'cnt']).code, 0);
  const pid = readState(s, 'cnt').pid;
  t.equal(s.run(['kill', 'cnt', 'KILL']).code, 0);
  t.ok(await eventually(() => readState(s, 'cnt').status === 'stopped'), 'SIGKILL of a paused container stops it');
  t.notOk(alive(pid));
  t.equal(errorMessage(s.run(['pause', 'cnt']).stderr), 'container not running');
  t.equal(s.run(['delete', 'cnt']).code, 0);

  // delete --force of a paused container
  t.equal(s.run(['run', '-d', '-b', b, 'cnt2'], { detached: true }).code, 0);
  t.equal(s.run(['pause', 'cnt2']).code, 0);
  const pid2 = readState(s, 'cnt2').pid;
  t.equal(s.run(['delete', '--force', 'cnt2']).code, 0);
  t.notOk(alive(pid2));
  t.notOk(fs.existsSync(`${CG}/freezer${s.cgroupParent}/${path.basename(b)}`), 'cgroups removed');
});

t.test('refusals name the field, and leave nothing behind', async (t) => {
  const s = new Sandbox(t);
  const cases: [string, (c: Json) => void, string][] = [
    ['net', (c) => (c.linux.resources.network = { classID: 1048577 }), '/linux/resources/network: net_cls and net_prio are not available on this host'],
    ['huge', (c) => (c.linux.resources.hugepageLimits = [{ pageSize: '2MB', limit: 2097152 }]), '/linux/resources/hugepageLimits/0: the hugetlb cgroup controller is not available on this host'],
    ['uni', (c) => (c.linux.resources.unified = { 'memory.high': '1000' }), '/linux/resources/unified/memory.high: invalid configuration: cannot use unified on cgroup v1 (the memory controller is not enabled on the cgroup2 mount of this hybrid host)'],
    ['cpus', (c) => (c.linux.resources.cpu = { cpus: '999' }), ''],
  ];
  for (const [id, edit, msg] of cases) {
    const b = s.bundle(edit);
    const r = s.run(['create', '-b', b, id], { detached: true });
    t.equal(r.code, 1, id);
    if (msg) t.equal(errorMessage(r.stderr), `runts create failed: ${msg}`);
    else t.match(errorMessage(r.stderr), /^runts create failed: \/linux\/resources\/cpu\/cpus: write "999" to .*cpuset.cpus: (invalid argument|numerical result out of range)$/);
    t.notOk(fs.existsSync(path.join(s.root, id)), `${id}: no state left`);
    for (const h of fs.readdirSync(CG)) t.notOk(fs.existsSync(path.join(CG, h, s.cgroupParent, path.basename(b))), `${id}: no ${h} cgroup left`);
  }
});

t.test('events --stats: same JSON shape and values as runc on the same config', { skip: !RUNC && 'runc not installed' }, async (t) => {
  const mine = new Sandbox(t);
  const theirs = new Sandbox(t, RUNC!);
  const edit = (c: Json): void => {
    c.process.args = ['sleep', '30'];
    c.linux.resources.memory = { limit: 48 << 20 };
    c.linux.resources.cpu = { shares: 256, cpus: '0' };
    c.linux.resources.pids = { limit: 15 };
  };
  t.equal(mine.run(['run', '-d', '-b', mine.bundle(edit), 'st'], { detached: true }).code, 0);
  t.equal(theirs.run(['run', '-d', '-b', theirs.bundle(edit), 'st'], { detached: true }).code, 0);
  const a = JSON.parse(mine.run(['events', '--stats', 'st']).stdout) as Json;
  const b = JSON.parse(theirs.run(['events', '--stats', 'st']).stdout) as Json;
  const keys = (o: Json, p = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) && k !== 'raw' ? [`${p}${k}`, ...keys(v as Json, `${p}${k}.`)] : [`${p}${k}`]));
  // memory.cache is omitempty in runc's JSON (and runts'): whether it is there depends
  // on the page cache each container happened to be charged, not on the format
  const shape = (o: Json): string[] => keys(o).filter((k) => k !== 'data.memory.cache');
  t.same(shape(a), shape(b), 'the same fields, in the same order');
  t.same(Object.keys(a.data.memory.raw).sort(), Object.keys(b.data.memory.raw).sort(), 'memory.raw has the same keys');
  t.equal(a.type, 'stats');
  t.equal(a.id, 'st');
  for (const f of ['memory.usage.limit', 'memory.swap.limit', 'memory.kernel.limit', 'memory.kernelTCP.limit', 'pids.current', 'pids.limit', 'cpuset', 'blkio', 'hugetlb', 'intel_rdt', 'network_interfaces', 'memory.raw.hierarchical_memory_limit']) {
    const get = (o: Json): unknown => f.split('.').reduce<unknown>((x, k) => (x as Json)?.[k], o.data);
    t.same(get(a), get(b), f);
  }
  // uint64 "unlimited" printed exactly as Go prints it
  t.match(mine.run(['events', '--stats', 'st']).stdout, /"kernel":\{"limit":9223372036854771712,/);
  t.same(keys(a.data.cpu.usage), keys(b.data.cpu.usage));
  t.ok(a.data.cpu.usage.total > 0 && a.data.memory.usage.usage > 0);
});

t.test('v2 device filter: the eBPF program loads, attaches and decides (on this host\'s cgroup2 mount)', async (t) => {
  const dir = fs.mkdtempSync(path.join(CG, 'unified', 'runts-test-bpf-'));
  const tmp = fs.mkdtempSync('/tmp/runts-test-devnodes-');
  t.teardown(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmdirSync(dir);
  });
  attachDeviceFilter(dir, deviceRules([{ allow: false, access: 'rwm' }], []));
  // the kernel checks the program of the task's cgroup2 cgroup even on a hybrid host
  const r = spawnSync('sh', ['-c', [
    `echo $$ > ${dir}/cgroup.procs`,
    'head -c 4 /dev/zero >/dev/null && echo zero-ok',
    `mknod ${tmp}/kmsg c 1 11 && echo mknod-ok`,
    `head -c 1 ${tmp}/kmsg >/dev/null 2>&1 || echo kmsg-denied`,
    `mknod ${tmp}/loop b 7 0 && (head -c 1 ${tmp}/loop >/dev/null 2>&1 || echo loop-denied)`,
  ].join('; ')], { encoding: 'utf8' });
  t.same(r.stdout.trim().split('\n'), ['zero-ok', 'mknod-ok', 'kmsg-denied', 'loop-denied'], r.stderr);
  // a later attach replaces the program (update): allow everything
  attachDeviceFilter(dir, [{ allow: true, type: 'a', major: -1, minor: -1, access: 'rwm' }]);
  const r2 = spawnSync('sh', ['-c', `echo $$ > ${dir}/cgroup.procs; mknod ${tmp}/k2 c 1 11 && head -c 0 ${tmp}/k2 && echo kmsg-ok`], { encoding: 'utf8' });
  t.equal(r2.stdout.trim(), 'kmsg-ok', r2.stderr);
});
