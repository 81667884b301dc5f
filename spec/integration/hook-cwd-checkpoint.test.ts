// Two behaviours runc's users rely on: a createContainer hook starts in the
// container's rootfs (runc's init runs it from there), and checkpoint checks
// --parent-path before CRIU would be involved.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, errorMessage } from '../lib/harness';

t.test('createContainer hook: its cwd is the rootfs, so relative paths land in the container', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(
    (c) => {
      c.root.readonly = false;
      c.hooks = { createContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'pwd > ./hook-cwd && touch ./hook-made']}] };
      c.process.args = ['sh', '-c', 'cat /hook-cwd; ls /hook-made'];
    },
    { copyRootfs: true },
  );
  const r = s.run(['run', '-b', b, 'hk']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, `${fs.realpathSync(path.join(b, 'rootfs'))}\n/hook-made\n`, 'the container sees what the hook made (before: in the bundle dir)');
  t.notOk(fs.existsSync(path.join(b, 'hook-made')), 'nothing in the bundle directory');
});

t.test('checkpoint --parent-path: must be relative and exist, checked before CRIU (runc\'s words)', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['sleep', '300']));
  t.equal(s.run(['run', '-d', '-b', b, 'cp'], { detached: true }).code, 0);
  const abs = s.run(['checkpoint', '--parent-path', path.join(s.dir, 'parent'), '--image-path', path.join(s.dir, 'img'), 'cp']);
  t.equal(abs.code, 1);
  t.equal(errorMessage(abs.stderr), '--parent-path must be relative');
  const missing = s.run(['checkpoint', '--parent-path', './parent-dir', '--image-path', path.join(s.dir, 'img'), 'cp']);
  t.equal(missing.code, 1);
  t.equal(errorMessage(missing.stderr), `invalid --parent-path: stat ${path.join(s.dir, 'img', 'parent-dir')}: no such file or directory`);
  const preDump = s.run(['checkpoint', '--pre-dump', '--image-path', path.join(s.dir, 'img'), 'cp']);
  t.match(errorMessage(preDump.stderr), 'checkpoint is not supported by runts', 'the flag is known; CRIU is what is missing');
});
