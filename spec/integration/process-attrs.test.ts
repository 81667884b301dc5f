// Personality, scheduler, I/O priority, CPU affinity, memory policy, time
// offsets, network devices and recursive mount options, seen from inside;
// and the clear errors for what this host lacks.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Sandbox, errorMessage, ROOTFS } from '../lib/harness';

t.test('personality, scheduler, ioPriority, execCPUAffinity, memoryPolicy, timeOffsets', async (t) => {
  const s = new Sandbox(t);
  const cpus = fs.readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
  const last = cpus.split(/[-,]/).pop();
  const b = s.bundle((c) => {
    c.process.args = [
      'sh',
      '-c',
      'uname -m; awk \'{print "nice=" $19, "policy=" $41}\' /proc/self/stat; ionice -p $$; grep Cpus_allowed_list /proc/self/status | tr -d "\\t"; grep -m1 -o "bind:0" /proc/self/numa_maps; cut -d. -f1 /proc/uptime',
    ];
    c.linux.personality = { domain: 'LINUX32' };
    c.process.scheduler = { policy: 'SCHED_BATCH', nice: 5 };
    c.process.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 6 };
    c.process.execCPUAffinity = { initial: cpus, final: last };
    c.linux.memoryPolicy = { mode: 'MPOL_BIND', nodes: '0' };
    c.linux.namespaces.push({ type: 'time' });
    c.linux.timeOffsets = { boottime: { secs: 1000000, nanosecs: 0 } };
  });
  const r = s.run(['run', '-b', b, 'attrs']);
  t.equal(r.code, 0, r.stderr);
  const [arch, sched, ioprio, affinity, mpol, uptime] = r.stdout.trim().split('\n');
  t.match(arch, /^i[3-6]86$/, 'LINUX32 personality: a 32-bit machine name');
  t.equal(sched, 'nice=5 policy=3', 'SCHED_BATCH with nice 5');
  t.equal(ioprio, 'best-effort: prio 6');
  t.equal(affinity, `Cpus_allowed_list:${last}`, 'the final affinity');
  t.equal(mpol, 'bind:0', 'MPOL_BIND to node 0');
  t.ok(Number(uptime) >= 1000000, 'boottime offset shows in /proc/uptime');
});

t.test('linux.netDevices: a host interface is moved in and renamed', async (t) => {
  const s = new Sandbox(t);
  const peer = `rt${process.pid % 100000}b`;
  const host = `rt${process.pid % 100000}a`;
  const add = spawnSync('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
  if (add.status !== 0) {
    t.skip('no veth support here');
    return;
  }
  t.teardown(() => spawnSync('ip', ['link', 'del', host]));
  const b = s.bundle((c) => {
    c.process.args = ['sh', '-c', 'ip -o link show | cut -d: -f2 | tr -d " "'];
    c.linux.netDevices = { [peer]: { name: 'eth7' } };
  });
  const r = s.run(['run', '-b', b, 'netdev']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^eth7@/m, 'the device is in the container, renamed');
  t.notOk(spawnSync('ip', ['link', 'show', peer]).status === 0, 'and no longer on the host');
});

t.test('recursive mount options reach submounts', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    // a tmpfs under /dev is a submount of the /dev tree: rbind it with rro
    c.mounts.push({ destination: '/mnt/devtree', type: 'bind', source: '/dev', options: ['rbind', 'rro', 'rnosuid'] });
    c.process.args = ['sh', '-c', 'grep " /mnt/devtree" /proc/self/mounts | cut -d" " -f2,4 | cut -d, -f1,2'];
  });
  const r = s.run(['run', '-b', b, 'rro']);
  t.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.ok(lines.length > 1, 'the bind carries submounts');
  for (const l of lines) t.match(l, / ro,nosuid$/, `${l.split(' ')[0]} is read-only and nosuid`);
});

t.test('idmapped bind mounts: ids go through the mount\'s mappings', async (t) => {
  const s = new Sandbox(t);
  const src = path.join(s.dir, 'idmapped');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'root-owned'), '');
  fs.writeFileSync(path.join(src, 'user-owned'), '');
  fs.chownSync(path.join(src, 'user-owned'), 1000, 1000);
  const b = s.bundle((c) => {
    c.mounts.push({ destination: '/data', type: 'bind', source: src, options: ['rbind'], uidMappings: [{ containerID: 0, hostID: 2000, size: 1000 }], gidMappings: [{ containerID: 0, hostID: 3000, size: 1000 }] });
    c.process.args = ['sh', '-c', 'ls -ln /data | awk \'NR>1 {print $3, $4, $9}\'; grep -c " /data .*idmapped" /proc/self/mountinfo'];
  });
  const r = s.run(['run', '-b', b, 'idmap']);
  t.equal(r.code, 0, r.stderr);
  // as the kernel maps it (and runc): an id k on disk shows as the hostID side of k
  t.same(r.stdout.trim().split('\n'), ['2000 3000 root-owned', '65534 65534 user-owned', '1'], 'on-disk 0 shows as 2000/3000; 1000 is outside the mapping');
  t.equal(fs.statSync(path.join(src, 'root-owned')).uid, 0, 'the files on disk are unchanged');
});

t.test('what this host lacks gets a clear error naming the field, and nothing is left', async (t) => {
  const s = new Sandbox(t);
  const cases: [string, (c: Record<string, any>) => void, RegExp][] = [
    ['apparmor', (c) => (c.process.apparmorProfile = 'runts-default'), /\/process\/apparmorProfile: AppArmor is not enabled on this host/],
    ['selinux', (c) => (c.process.selinuxLabel = 'system_u:system_r:container_t:s0'), /\/process\/selinuxLabel: SELinux labels are not supported by runts/],
    ['mountlabel', (c) => (c.linux.mountLabel = 'system_u:object_r:container_file_t:s0'), /\/linux\/mountLabel: SELinux mount labels are not supported by runts/],
    ['rdt', (c) => (c.linux.intelRdt = { closID: 'x' }), /\/linux\/intelRdt: Intel RDT is not supported on this host/],
    ['timeoffsets', (c) => (c.linux.timeOffsets = { monotonic: { secs: 1 } }), /\/linux\/timeOffsets: .*new time namespace/],
    ['affinity', (c) => (c.process.execCPUAffinity = { final: '3-1' }), /\/process\/execCPUAffinity\/final: invalid range/],
    ['device', (c) => (c.linux.devices = [{ type: 'c', path: '/etc/evil', major: 1, minor: 3 }]), /\/linux\/devices\/0\/path: .*not under \/dev/],
    ['idmap-tmpfs', (c) => c.mounts.push({ destination: '/x', type: 'tmpfs', source: 'tmpfs', uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }], gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] }), /\/mounts\/\d+: uidMappings\/gidMappings are only supported on bind mounts/],
  ];
  for (const [id, edit, re] of cases) {
    const r = s.run(['create', '-b', s.bundle(edit), id]);
    t.equal(r.code, 1, id);
    t.match(errorMessage(r.stderr), re, `${id}: ${errorMessage(r.stderr)}`);
  }
  t.equal(s.run(['list', '-q']).stdout, '', 'no container left');
});

t.test('tmpcopyup: a tmpfs starts with a copy of what it covers', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.mounts.push({ destination: '/etc', type: 'tmpfs', source: 'tmpfs', options: ['rw', 'nosuid', 'nodev', 'tmpcopyup'] });
    c.process.args = ['sh', '-c', 'grep -c " /etc tmpfs " /proc/self/mounts; head -1 /etc/passwd; stat -c "%a %u" /etc/passwd; echo new > /etc/x && cat /etc/x'];
  });
  const r = s.run(['run', '-b', b, 'copyup']);
  t.equal(r.code, 0, r.stderr);
  t.same(r.stdout.trim().split('\n'), ['1', 'root:x:0:0:root:/root:/bin/sh', '644 0', 'new'], 'a tmpfs, with the image\'s files, modes and owners, writable');
  t.notOk(fs.existsSync(path.join(ROOTFS, 'etc', 'x')), 'the image is untouched');
});

t.test('without a cgroup namespace the container sees its own cgroups at /sys/fs/cgroup', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'cgroup');
    c.linux.resources = { pids: { limit: 12 } };
    c.process.args = ['sh', '-c', 'cat /sys/fs/cgroup/pids/pids.max; cat /sys/fs/cgroup/pids/cgroup.procs'];
  });
  const r = s.run(['run', '-b', b, 'owncg']);
  t.equal(r.code, 0, r.stderr);
  const [max, ...pids] = r.stdout.trim().split('\n');
  t.equal(max, '12', 'its own pids.max');
  t.ok(pids.length > 0 && pids.every((p) => Number(p) >= 1 && Number(p) <= 2), `only its own processes (${pids.join(' ')})`);
});
