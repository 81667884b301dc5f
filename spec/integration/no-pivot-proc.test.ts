// --no-pivot: the host's mounts stay in the container's mount namespace under
// the chroot. A full procfs there lets the container, in a user namespace of
// its own, mount a bare /proc (no masked paths) and write /proc/sysrq-trigger.
import t from 'tap';
import { Sandbox } from '../lib/harness';

t.test('--no-pivot must not expose a bare /proc: mounting procfs in a new user namespace is refused', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['unshare', '-mrpf', 'sh', '-euxc', 'mount -t proc none /proc && echo MOUNTED-BARE-PROC'];
    c.process.capabilities.bounding.push('CAP_SETFCAP');
    c.process.capabilities.permitted.push('CAP_SETFCAP');
  });
  const r = s.run(['run', '--no-pivot', '-b', b, 'np']);
  t.equal(r.code, 1, 'before: exit 0, the mount succeeded');
  t.notMatch(r.stdout, 'MOUNTED-BARE-PROC');
  t.match(r.stderr, 'mount: permission denied');
  const ok = s.bundle((c) => (c.process.args = ['sh', '-c', 'grep -c " /proc proc " /proc/self/mounts']));
  const p = s.run(['run', '--no-pivot', '-b', ok, 'np2']);
  t.equal(p.code, 0, p.stderr);
  t.equal(p.stdout, '1\n', 'the container keeps its own /proc');
});
