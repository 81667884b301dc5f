// exec and the session keyring: create gives the container a session keyring
// of its own (_ses.<id>), so it cannot use the caller's keys; an exec'd
// process must join that one too (runc's setns init does), not keep the
// session keyring of whoever ran `runts exec`. With --no-new-keyring at
// create, both keep the caller's, as with runc.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Sandbox, RUNC, TOP, readState } from '../lib/harness';

const SOURCE = path.join(TOP, 'spec', 'fixtures', 'programs', 'session-keyring.c');

/** a running container whose rootfs has /skr, printing its session keyring's description */
function running(s: Sandbox, id: string, createFlags: string[] = []): void {
  const b = s.bundle((c) => (c.process.args = ['sleep', '300']), { copyRootfs: true });
  const cc = spawnSync('cc', ['-static', '-O2', '-o', path.join(b, 'rootfs', 'skr'), SOURCE], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cc: ${cc.stderr}`);
  const r = s.run(['run', '-d', ...createFlags, '-b', b, id], { detached: true });
  if (r.code !== 0) throw new Error(r.stderr);
}

/** "keyring;uid;gid;perm;name" -> name */
const keyringName = (out: string): string => out.trim().split(';').pop() ?? '';

t.test('exec joins the container\'s session keyring _ses.<id>', async (t) => {
  const s = new Sandbox(t);
  running(s, 'keys');
  t.ok(readState(s, 'keys').pid > 0);
  const init = s.run(['exec', 'keys', '/skr']);
  t.equal(init.code, 0, init.stderr);
  t.equal(keyringName(init.stdout), '_ses.keys', 'exec\'d process: the container\'s keyring (before the fix: the caller\'s, e.g. _uid_ses.0)');
  const again = s.run(['exec', 'keys', '/skr']);
  t.equal(again.stdout, init.stdout, 'every exec joins the same keyring (same id, perms)');
});

t.test('with create --no-new-keyring, exec keeps the caller\'s keyring as create did', async (t) => {
  const s = new Sandbox(t);
  running(s, 'nokeys', ['--no-new-keyring']);
  const r = s.run(['exec', 'nokeys', '/skr']);
  t.equal(r.code, 0, r.stderr);
  t.notMatch(keyringName(r.stdout), /^_ses\.nokeys$/, 'no container keyring was made, none is joined');
});

t.test('runc 1.1.5 does the same', { skip: !RUNC && 'no runc' }, async (t) => {
  const s = new Sandbox(t, RUNC);
  running(s, 'rkeys');
  const r = s.run(['exec', 'rkeys', '/skr']);
  t.equal(r.code, 0, r.stderr);
  t.equal(keyringName(r.stdout), '_ses.rkeys');
});
