// process.cwd reached as runc reaches it: first with the runtime's
// credentials, then again as the container's user if that was refused.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, errorMessage } from '../lib/harness';

t.test('a cwd only root (the runtime) can enter: create and exec --user 0 work', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(
    (c) => {
      c.process.cwd = '/root';
      c.process.user = { uid: 42, gid: 42 };
      c.process.args = ['sleep', '300'];
    },
    { copyRootfs: true },
  );
  // uid 42 owns it, mode 700: the container's root (no CAP_DAC_OVERRIDE) cannot enter it
  fs.chownSync(path.join(b, 'rootfs', 'root'), 42, 42);
  fs.chmodSync(path.join(b, 'rootfs', 'root'), 0o700);
  const r = s.run(['run', '-d', '-b', b, 'cwd'], { detached: true });
  t.equal(r.code, 0, r.stderr);
  const e = s.run(['exec', '--user', '0', 'cwd', 'pwd']);
  t.equal(e.code, 0, `before: "chdir to cwd /root: permission denied" (${e.stderr})`);
  t.equal(e.stdout, '/root\n');
});

t.test('a cwd only root can enter, process running as root without DAC capabilities', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(
    (c) => {
      c.process.cwd = '/root';
      c.process.args = ['pwd'];
    },
    { copyRootfs: true },
  );
  fs.chownSync(path.join(b, 'rootfs', 'root'), 42, 42);
  fs.chmodSync(path.join(b, 'rootfs', 'root'), 0o700);
  const r = s.run(['run', '-b', b, 'cwd2']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, '/root\n');
  // a cwd that does not exist is still an error
  const missing = s.bundle((c) => (c.process.cwd = '/no/such/dir'));
  const m = s.run(['run', '-b', missing, 'cwd3']);
  t.equal(m.code, 1);
  t.match(errorMessage(m.stderr), 'chdir to cwd /no/such/dir: no such file or directory');
});
