// Smaller hardening items (issue 16.9): what runts leaves on disk and hands to
// hooks must not give anyone more than it gives root.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, RUNTS, readState } from '../lib/harness';

const mode = (p: string): string => (fs.statSync(p).mode & 0o7777).toString(8);

t.test('--root 0700, <root>/<id> 0700 and the exec fifo 0600, whatever the umask', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['true']));
  // umask 0: the modes runts asks for are the modes it gets
  // the init keeps create's stdio: files, not pipes this test would wait on
  const err = path.join(s.dir, 'create.err');
  const r = spawnSync('sh', ['-c', `umask 0; exec "${RUNTS}" --root "${s.root}" create -b "${b}" modes >/dev/null 2>"${err}"`]);
  t.teardown(() => s.run(['delete', '--force', 'modes']));
  t.equal(r.status, 0, fs.readFileSync(err, 'utf8'));
  t.equal(mode(s.root), '700', '--root (before the fix: 711)');
  t.equal(mode(path.join(s.root, 'modes')), '700', '<root>/<id> (before the fix: 711)');
  t.equal(mode(path.join(s.root, 'modes', 'exec.fifo')), '600', 'exec.fifo (before the fix: 622)');
  t.equal(mode(path.join(s.root, 'modes', 'state.json')), '600', 'state.json');
});

t.test('the pid file\'s temporary is never written through a planted symlink', async (t) => {
  const s = new Sandbox(t);
  const victim = path.join(s.dir, 'victim');
  fs.writeFileSync(victim, 'host file\n');
  const pidDir = path.join(s.dir, 'piddir');
  fs.mkdirSync(pidDir);
  // the temporary's name is predictable: someone who can write the pid file's
  // directory plants a link there before create writes it
  fs.symlinkSync(victim, path.join(pidDir, '.pid.tmp'));
  const pidFile = path.join(pidDir, 'pid');
  const r = s.run(['run', '-d', '--pid-file', pidFile, '-b', s.bundle((c) => (c.process.args = ['sleep', '300'])), 'pidlink'], { detached: true });
  t.equal(r.code, 0, r.stderr);
  t.equal(fs.readFileSync(victim, 'utf8'), 'host file\n', 'the link\'s target is untouched (before the fix: it held the pid)');
  t.equal(fs.readFileSync(pidFile, 'utf8'), String(readState(s, 'pidlink').pid), 'the pid file is written');
  t.notOk(fs.lstatSync(pidFile).isSymbolicLink(), 'and is a file of its own');
});

t.test('hooks get stdio and nothing else of the runtime\'s fds', async (t) => {
  const s = new Sandbox(t);
  const out = (name: string): string => path.join(s.dir, `fds-${name}`);
  const names = ['prestart', 'createRuntime', 'poststart', 'poststop'] as const;
  const b = s.bundle((c) => {
    c.process.args = ['true'];
    // what the hook process holds: the shell execs ls, which lists its own
    // fds (its directory fd aside)
    const hook = (name: string) => ({ path: '/bin/sh', args: ['sh', '-c', `exec ls -l /proc/self/fd > ${out(name)}`] });
    c.hooks = Object.fromEntries(names.map((n) => [n, [hook(n)]]));
  });
  const r = s.run(['run', '-b', b, 'hookfds']);
  t.equal(r.code, 0, r.stderr);
  for (const n of names) {
    const fds = fs
      .readFileSync(out(n), 'utf8')
      .split('\n')
      .map((l) => /\s(\d+) -> (.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && !/^\/proc\/\d+\/fd$/.test(m[2]))
      .map((m) => `${m[1]} -> ${m[2]}`);
    t.same(fds.map((f) => f.split(' ')[0]), ['0', '1', '2'], `${n}: only stdio (saw ${fds.join(', ')})`);
  }
});
