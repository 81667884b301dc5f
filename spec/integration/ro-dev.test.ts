// A read-only /dev (runc issue 3248): /dev is mounted read-write while its
// devices, links, /dev/pts and the console go in, then remounted read-only.
import t from 'tap';
import { Sandbox } from '../lib/harness';

t.test('"ro" on the /dev tmpfs: the container starts and /dev is read-only, its submounts are not', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    for (const m of c.mounts) if (m.destination === '/dev') m.options = [...(m.options ?? []), 'ro'];
    c.mounts.push({ destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'size=1m'] });
    c.process.args = ['sh', '-c', 'grep "^tmpfs /dev " /proc/mounts; touch /dev/x 2>&1; touch /dev/shm/y && echo shm-ok; echo > /dev/null && echo null-ok'];
  });
  const r = s.run(['run', '-b', b, 'rodev']);
  t.equal(r.code, 0, `before: "create mount destination /dev/pts: read-only file system" (${r.stderr})`);
  const [mount, ...rest] = r.stdout.trim().split('\n');
  t.match(mount, /^tmpfs \/dev tmpfs ro,/, '/dev is read-only');
  t.match(rest.join('\n'), /Read-only file system/, 'nothing can be made in it');
  t.match(rest.join('\n'), 'shm-ok', 'a tmpfs below it stays writable');
  t.match(rest.join('\n'), 'null-ok', 'its devices work');
});
