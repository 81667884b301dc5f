// Namespaces, mounts and cgroup placement as the container sees them.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, readState } from '../lib/harness';

const ns = (pid: number | 'self', type: string): string => fs.readlinkSync(`/proc/${pid}/ns/${type}`);

t.test('each namespace of the config is new; the rest are the host\'s', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['sleep', '30'];
    c.linux.namespaces.push({ type: 'cgroup' });
  });
  t.equal(s.run(['run', '-d', '-b', b, 'nsnew'], { detached: true }).code, 0);
  const pid = readState(s, 'nsnew').pid;
  for (const type of ['pid', 'net', 'ipc', 'uts', 'mnt', 'cgroup']) t.not(ns(pid, type), ns('self', type), `new ${type}`);
  t.equal(ns(pid, 'user'), ns('self', 'user'), 'the host user namespace');
  t.equal(ns(pid, 'time'), ns('self', 'time'), 'the host time namespace');
});

t.test('namespaces given by path are joined', async (t) => {
  const s = new Sandbox(t);
  t.equal(s.run(['run', '-d', '-b', s.bundle((c) => (c.process.args = ['sleep', '30'])), 'first'], { detached: true }).code, 0);
  const first = readState(s, 'first').pid;
  const b = s.bundle((c) => {
    c.process.args = ['sleep', '30'];
    c.linux.namespaces = c.linux.namespaces.map((n: any) =>
      ['network', 'ipc', 'uts', 'pid'].includes(n.type) ? { type: n.type, path: `/proc/${first}/ns/${n.type === 'network' ? 'net' : n.type}` } : n,
    );
    delete c.hostname;
  });
  t.equal(s.run(['run', '-d', '-b', b, 'second'], { detached: true }).code, 0);
  const second = readState(s, 'second').pid;
  for (const type of ['net', 'ipc', 'uts', 'pid']) t.equal(ns(second, type), ns(first, type), `joined ${type}`);
  t.not(ns(second, 'mnt'), ns(first, 'mnt'), 'its own mount namespace');
  const nspid = fs.readFileSync(`/proc/${second}/status`, 'utf8').match(/^NSpid:\s+(.*)$/m)![1].split(/\s+/);
  t.equal(nspid.length, 2);
  t.not(nspid[1], '1', 'not the init of the joined pid namespace');
});

t.test('a user namespace with mappings: root inside is the mapped uid outside', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.linux.namespaces.push({ type: 'user' });
    c.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    c.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    c.process.args = ['sh', '-c', 'id -u; cat /proc/self/uid_map; ls -ln /dev/null; echo x > /dev/null && echo null-ok; sleep 30'];
    // sysfs cannot be mounted from a user namespace without a new network namespace's ownership; bind it
    c.mounts = c.mounts.map((m: any) => (m.type === 'sysfs' ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] } : m));
    c.mounts = c.mounts.filter((m: any) => m.type !== 'cgroup');
  });
  // the shared rootfs is owned by host root: inside the user namespace that is "nobody", readable still
  const r = s.run(['run', '-d', '-b', b, 'userns'], { detached: true });
  t.equal(r.code, 0, r.stderr);
  const pid = readState(s, 'userns').pid;
  t.not(ns(pid, 'user'), ns('self', 'user'));
  t.match(fs.readFileSync(`/proc/${pid}/uid_map`, 'utf8'), /^\s*0\s+100000\s+65536\s*$/m);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  t.match(status, /^Uid:\s+100000\s/m, 'uid 0 inside is 100000 on the host');
  t.equal(s.run(['delete', '-f', 'userns']).code, 0);
});

t.test('bind mounts: files and directories, read-only, relative sources', async (t) => {
  const s = new Sandbox(t);
  const data = path.join(s.dir, 'data');
  fs.mkdirSync(data);
  fs.writeFileSync(path.join(data, 'hello'), 'from the host\n');
  const b = s.bundle((c) => {
    c.mounts.push({ destination: '/data', type: 'bind', source: data, options: ['rbind', 'ro'] });
    c.mounts.push({ destination: '/etc/greeting', type: 'bind', source: 'greeting.txt', options: ['bind'] });
    c.mounts.push({ destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'size=1m'] });
    c.process.args = [
      'sh',
      '-c',
      'cat /data/hello; cat /etc/greeting; touch /data/x 2>/dev/null || echo data-ro; touch /scratch/y && echo scratch-rw; grep -E " /(data|scratch) " /proc/self/mounts | cut -d" " -f2,4',
    ];
  });
  fs.writeFileSync(path.join(b, 'greeting.txt'), 'hi from the bundle\n');
  const r = s.run(['run', '-b', b, 'binds']);
  t.equal(r.code, 0, r.stderr);
  const out = r.stdout.split('\n');
  t.equal(out[0], 'from the host');
  t.equal(out[1], 'hi from the bundle', 'a relative source is under the bundle');
  t.equal(out[2], 'data-ro');
  t.equal(out[3], 'scratch-rw');
  t.match(out[4], /^\/data ro,/);
  t.match(out[5], /^\/scratch rw,nosuid/);
  t.notOk(fs.existsSync(path.join(data, 'x')));
});

t.test('the init is placed in its cgroup in every hierarchy, and delete removes it', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['sleep', '30']));
  const cgPath = `${s.cgroupParent}/${path.basename(b)}`;
  t.equal(s.run(['run', '-d', '-b', b, 'cg'], { detached: true }).code, 0);
  const pid = readState(s, 'cg').pid;
  const own = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  for (const ctrl of ['memory', 'pids', 'cpu', 'cpuset', 'freezer', 'devices', 'blkio', 'name=systemd'])
    t.match(own, new RegExp(`:${ctrl}:${cgPath}$`, 'm'), `${ctrl}: ${cgPath}`);
  t.match(own, new RegExp(`^0::${cgPath}$`, 'm'), 'unified');
  t.equal(s.run(['delete', '-f', 'cg']).code, 0);
  for (const h of ['memory', 'pids', 'cpuset', 'unified']) t.notOk(fs.existsSync(`/sys/fs/cgroup/${h}${cgPath}`), `${h} cgroup removed`);
});

t.test('--systemd-cgroup without systemd: slice:prefix:name laid out as systemd would, with a warning', async (t) => {
  const s = new Sandbox(t);
  const slice = `${s.cgroupParent.slice(1)}.slice`;
  const b = s.bundle((c) => {
    c.process.args = ['grep', ':pids:', '/proc/self/cgroup'];
    c.linux.cgroupsPath = `${slice}:runts:sd`;
  });
  const r = s.run(['run', '-b', b, 'sd'], { global: ['--systemd-cgroup'] });
  t.equal(r.code, 0, r.stderr);
  // systemd nests "a-b-c.slice" as a.slice/a-b.slice/a-b-c.slice
  const nested = `/runts.slice/runts-test.slice/${slice}/runts-sd.scope`;
  t.match(r.stdout.trim(), new RegExp(`^\\d+:pids:${nested.replace(/[.]/g, '\\.')}$`), 'the scope under its nested slices');
  t.match(r.stderr, /level=warning msg="systemd is not running: cgroupsPath .* is placed at /);
  t.notOk(fs.existsSync(`/sys/fs/cgroup/pids${nested}`), 'removed with the container');
});
