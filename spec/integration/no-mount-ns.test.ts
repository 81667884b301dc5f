// A config without a mount namespace in linux.namespaces: the container
// shares the runtime's mount namespace (config.md), and runc 1.1.5 runs it,
// making the config's mounts there, onto the rootfs, then chroot. runts does
// the same without changing the propagation of any mount the host has
// (runc makes / rslave and the rootfs's parent private), and delete takes the
// container's mounts off the host again (runc leaves them; runtime.md:
// delete removes what create made).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, eventually, readState, type Json } from '../lib/harness';

function noMountNs(c: Json): void {
  c.linux.namespaces = (c.linux.namespaces as Json[]).filter((n) => n.type !== 'mount');
  // runc refuses these without a mount namespace too
  delete c.linux.maskedPaths;
  delete c.linux.readonlyPaths;
  // the container's cgroup mount of a v1 host is a tree of binds: keep the test to what it is about
  c.mounts = (c.mounts as Json[]).filter((m) => m.type !== 'cgroup');
  c.mounts.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'size=1m'] });
}

function hostMountsUnder(dir: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p) => p !== undefined && (p === dir || p.startsWith(dir + '/')));
}

/** the host's / as mountinfo has it, propagation fields included */
function hostRoot(): string {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.split(' ')[4] === '/')
    .map((l) => l.split(' ').slice(0, 7).join(' '))
    .join('\n');
}

t.test('without a mount namespace the mounts are made on the rootfs in the host namespace, and delete removes them', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(
    (c) => {
      noMountNs(c);
      c.process.args = ['sh', '-c', 'grep -c " /proc " /proc/self/mountinfo >/dev/null && test -c /dev/null && echo x > /tmp/x && cat /tmp/x && sleep 300'];
    },
    { copyRootfs: true },
  );
  const rootfs = fs.realpathSync(path.join(b, 'rootfs'));
  // whatever happens, the host keeps nothing
  t.teardown(() => void spawnSync('umount', ['-R', '-l', rootfs]));
  const root = hostRoot();
  const r = s.run(['run', '-d', '-b', b, 'nomnt'], { detached: true });
  t.equal(r.code, 0, `runs (before the fix: refused, "/mounts: mounts need a mount namespace in /linux/namespaces") ${r.stderr}`);
  t.equal(readState(s, 'nomnt').status, 'running');
  const made = hostMountsUnder(rootfs);
  for (const d of ['/proc', '/dev', '/dev/pts', '/tmp']) t.ok(made.includes(rootfs + d), `${d} is mounted on the rootfs in the host's namespace (as runc)`);
  t.notOk(made.includes(rootfs), 'the rootfs itself is not bound onto itself');
  t.equal(hostRoot(), root, "the host's / keeps its propagation (runc makes it rslave)");
  const out = path.join(s.dir, 'detached.out');
  t.ok(await eventually(() => fs.readFileSync(out, 'utf8').includes('x')), 'the container sees its /proc, /dev/null and /tmp');
  const e = s.run(['exec', 'nomnt', 'cat', '/tmp/x']);
  t.equal(e.code, 0, e.stderr);
  t.equal(e.stdout, 'x\n', 'exec is chrooted onto the same mounts');
  const d = s.run(['delete', '--force', 'nomnt']);
  t.equal(d.code, 0, d.stderr);
  t.same(hostMountsUnder(rootfs), [], 'delete took the mounts off the host (runc leaves them)');
});

t.test('a mount that was under the rootfs before create stays after delete', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(
    (c) => {
      noMountNs(c);
      c.process.args = ['cat', '/home/mark'];
    },
    { copyRootfs: true },
  );
  const rootfs = fs.realpathSync(path.join(b, 'rootfs'));
  const home = path.join(rootfs, 'home');
  fs.mkdirSync(home, { recursive: true });
  t.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'runts-test-home', home]).status, 0);
  t.teardown(() => void spawnSync('umount', ['-R', '-l', rootfs]));
  t.teardown(() => void spawnSync('umount', ['-l', home]));
  fs.writeFileSync(path.join(home, 'mark'), 'mine\n');
  const r = s.run(['run', '-b', b, 'keep']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'mine\n');
  t.equal(s.run(['delete', '--force', 'keep']).code, 0);
  t.same(hostMountsUnder(rootfs), [home], "only the mount runts did not make is left");
});
