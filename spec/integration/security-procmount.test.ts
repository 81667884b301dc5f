// Mounts over /proc are limited as runc's checkProcMount limits them: over
// /proc itself only a procfs, inside it only the files lxcfs emulates. A
// config that binds a file of its choosing over /proc/sys/kernel/core_pattern
// (or hides /proc under a tmpfs) is refused with the field named.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, RUNC, errorMessage, mountsMention } from '../lib/harness';

t.test('mounts inside /proc, or over it without procfs, are refused (runc: checkProcMount)', async (t) => {
  const s = new Sandbox(t);
  const fake = path.join(s.dir, 'fake-core-pattern');
  fs.writeFileSync(fake, '|/evil-helper\n');
  const cases: [string, Record<string, unknown>, string][] = [
    ['bind over /proc/sys/kernel/core_pattern', { destination: '/proc/sys/kernel/core_pattern', type: 'bind', source: fake, options: ['bind'] }, '"/proc/sys/kernel/core_pattern" cannot be mounted because it is inside /proc'],
    ['tmpfs over /proc/self', { destination: '/proc/self/attr', type: 'tmpfs', source: 'tmpfs' }, '"/proc/self/attr" cannot be mounted because it is inside /proc'],
    ['tmpfs over /proc', { destination: '/proc', type: 'tmpfs', source: 'tmpfs' }, '"/proc" cannot be mounted because it is not of type proc'],
    ['bind of a plain directory over /proc', { destination: '/proc', type: 'bind', source: s.dir, options: ['rbind'] }, '"/proc" cannot be mounted because it is not of type proc'],
  ];
  for (const [name, mount, words] of cases) {
    const b = s.bundle((c) => {
      c.mounts.push(mount);
      c.process.args = ['sh', '-c', 'cat /proc/sys/kernel/core_pattern; grep -c " /proc" /proc/self/mountinfo'];
    });
    const r = s.run(['run', '-b', b, 'procmnt']);
    t.equal(r.code, 1, `${name}: refused (before the fix: ran, exit ${r.code})`);
    t.equal(r.stdout, '', `${name}: nothing ran`);
    // the sample config has 7 mounts: the pushed one is /mounts/7
    t.equal(errorMessage(r.stderr), `runts run failed: /mounts/7/destination: ${words}`, `${name}: the field named`);
    t.same(mountsMention(b), [], `${name}: nothing left mounted`);
  }
});

t.test('what runc allows still works: procfs over /proc, lxcfs-style files', async (t) => {
  const s = new Sandbox(t);
  const uptime = path.join(s.dir, 'uptime');
  fs.writeFileSync(uptime, '12345.67 0.00\n');
  const b = s.bundle((c) => {
    c.mounts.push({ destination: '/proc/uptime', type: 'bind', source: uptime, options: ['bind', 'ro'] });
    c.process.args = ['cat', '/proc/uptime'];
  });
  const r = s.run(['run', '-b', b, 'lxcfs']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, '12345.67 0.00\n', '/proc/uptime may be bound (lxcfs)');
  const hostProc = s.bundle((c) => {
    c.mounts = c.mounts.filter((m: any) => m.destination !== '/proc');
    c.mounts.unshift({ destination: '/proc', type: 'bind', source: '/proc', options: ['rbind'] });
    c.process.args = ['true'];
  });
  t.equal(s.run(['run', '-b', hostProc, 'hostproc']).code, 0, 'a bind of a procfs over /proc is allowed (runc too)');
});

t.test('runc 1.1.5 refuses the same bind inside /proc', { skip: !RUNC && 'no runc' }, async (t) => {
  const s = new Sandbox(t, RUNC);
  const fake = path.join(s.dir, 'fake-core-pattern');
  fs.writeFileSync(fake, '|/evil-helper\n');
  const b = s.bundle((c) => {
    c.root.path = fs.realpathSync(c.root.path);
    c.mounts.push({ destination: '/proc/sys/kernel/core_pattern', type: 'bind', source: fake, options: ['bind'] });
    c.process.args = ['true'];
  });
  const r = s.run(['run', '-b', b, 'runcproc']);
  t.equal(r.code, 1);
  t.match(errorMessage(r.stderr), 'cannot be mounted because it is inside /proc');
});

t.test('a destination that reaches /proc through an image symlink is refused too', async (t) => {
  const s = new Sandbox(t);
  const fake = path.join(s.dir, 'fake-core-pattern');
  fs.writeFileSync(fake, '|/evil-helper\n');
  const b = s.bundle(
    (c) => {
      // the plan sees /sneaky; inside the rootfs it is /proc/sys/kernel/core_pattern
      c.mounts.push({ destination: '/sneaky', type: 'bind', source: fake, options: ['bind'] });
      c.process.args = ['cat', '/proc/sys/kernel/core_pattern'];
    },
    { copyRootfs: true },
  );
  fs.symlinkSync('/proc/sys/kernel/core_pattern', path.join(b, 'rootfs', 'sneaky'));
  const r = s.run(['run', '-b', b, 'sneaky']);
  t.equal(r.code, 1, `refused (before the fix: ran, printing ${JSON.stringify(r.stdout)})`);
  t.notMatch(r.stdout, 'evil-helper');
  t.match(errorMessage(r.stderr), 'mount destination resolves into /proc /sneaky');
  t.same(mountsMention(b), [], 'nothing left mounted');
});
