// Bind mounts of a container with a user namespace whose source the
// container's root cannot reach (a directory only the host's root may enter):
// the runtime opens the source in the container's mount namespace before the
// mounts, as runc 1.1 does (runc's userns.bats "2 inaccessible mounts").
// Opened there, the bind still carries the host mount's locks.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, readState, type Json } from '../lib/harness';
import { withUserns } from '../lib/userns';


/** a sandbox whose directory the user namespace may pass through (to reach the copied rootfs) */
function sandbox(t: ConstructorParameters<typeof Sandbox>[0]): Sandbox {
  const s = new Sandbox(t);
  fs.chmodSync(s.dir, 0o711);
  return s;
}

/** a directory only host root can enter, with a file in it */
function inaccessible(s: Sandbox, name: string): string {
  const dir = path.join(s.dir, name);
  fs.mkdirSync(path.join(dir, 'dir'), { recursive: true });
  fs.chmodSync(dir, 0o700);
  fs.chmodSync(path.join(dir, 'dir'), 0o755);
  fs.writeFileSync(path.join(dir, 'dir', 'foo.txt'), `${name}\n`);
  return path.join(dir, 'dir');
}

t.test('two bind sources the user namespace cannot reach are mounted, for run and for exec', async (t) => {
  const s = sandbox(t);
  const one = inaccessible(s, 'inaccessible-1');
  const two = inaccessible(s, 'inaccessible-2');
  const b = s.bundle((c) => {
    withUserns(c);
    c.process.args = ['sh', '-c', 'cat /tmp/mount-1/foo.txt /tmp/mount-2/foo.txt'];
    c.mounts.push({ source: one, destination: '/tmp/mount-1', options: ['bind'] }, { source: two, destination: '/tmp/mount-2', options: ['bind'] });
  }, { copyRootfs: true });
  const r = s.run(['run', '-b', b, 'twice']);
  t.equal(r.code, 0, `runs (before the fix: "bind mount /tmp/mount-1: permission denied") ${r.stderr}`);
  t.equal(r.stdout, 'inaccessible-1\ninaccessible-2\n', 'both sources are there');

  const d = s.bundle((c) => {
    withUserns(c);
    c.process.args = ['sleep', '300'];
    c.mounts.push({ source: one, destination: '/tmp/mount-1', options: ['bind'] });
  }, { copyRootfs: true });
  t.equal(s.run(['run', '-d', '-b', d, 'execd'], { detached: true }).code, 0);
  const e = s.run(['exec', 'execd', 'cat', '/tmp/mount-1/foo.txt']);
  t.equal(e.code, 0, e.stderr);
  t.equal(e.stdout, 'inaccessible-1\n', 'exec sees the mount');
  t.equal(readState(s, 'execd').status, 'running');
});

t.test('a bind source on a read-only host mount stays read-only: the container cannot remount it read-write', async (t) => {
  const s = sandbox(t);
  const ro = path.join(s.dir, 'ro-host');
  fs.mkdirSync(ro, { mode: 0o700 });
  t.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'runts-test-ro', ro]).status, 0);
  t.teardown(() => void spawnSync('umount', ['-l', ro]));
  fs.writeFileSync(path.join(ro, 'foo.txt'), 'host\n');
  t.equal(spawnSync('mount', ['-o', 'remount,ro', ro]).status, 0);
  const b = s.bundle((c) => {
    withUserns(c);
    c.process.capabilities.bounding.push('CAP_SYS_ADMIN');
    c.process.capabilities.effective.push('CAP_SYS_ADMIN');
    c.process.capabilities.permitted.push('CAP_SYS_ADMIN');
    c.process.args = ['sh', '-c', 'cat /tmp/ro/foo.txt; mount -o remount,bind,rw /tmp/ro && echo REMOUNTED; echo x > /tmp/ro/foo.txt && echo WRITTEN; true'];
    c.mounts.push({ source: ro, destination: '/tmp/ro', options: ['bind'] });
  }, { copyRootfs: true });
  const r = s.run(['run', '-b', b, 'locked']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^host\n/, 'the source is mounted');
  t.notMatch(r.stdout, /REMOUNTED|WRITTEN/, 'the read-only lock of the host mount holds');
  t.equal(fs.readFileSync(path.join(ro, 'foo.txt'), 'utf8'), 'host\n');
});
