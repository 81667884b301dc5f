// Known runc CVEs as regression tests: each builds the attack's situation and
// checks that nothing of the host is reachable from the container.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, readState, errorMessage, mountsMention } from '../lib/harness';

t.test('CVE-2019-5736: a container process cannot open the waiting init\'s exe, environ, fds or memory', async (t) => {
  const s = new Sandbox(t);
  // A is created: its init is the sealed exec helper, waiting on the exec fifo
  // (a host file) with the program's environment and arguments in its environ
  t.equal(s.run(['create', '-b', s.bundle((c) => (c.process.args = ['sleep', '30'])), 'victim'], { detached: true }).code, 0);
  const victim = readState(s, 'victim').pid;
  t.match(fs.readlinkSync(`/proc/${victim}/exe`), /^\/memfd:runts-exec/, 'the waiting init is the sealed helper, no host binary');
  // B joins A's pid namespace and tries to reach it, as root in the container
  const b = s.bundle((c) => {
    c.linux.namespaces = c.linux.namespaces.map((n: any) => (n.type === 'pid' ? { type: 'pid', path: `/proc/${victim}/ns/pid` } : n));
    c.process.args = [
      'sh',
      '-c',
      'for f in /proc/1/exe /proc/1/environ /proc/1/fd/0 /proc/1/mem; do if cat $f > /dev/null 2>&1; then echo "open $f"; else echo "denied $f"; fi; done; ' +
        'if echo x >> /proc/1/exe 2>/dev/null; then echo "wrote exe"; fi; readlink /proc/1/exe || echo "no link"',
    ];
  });
  const r = s.run(['run', '-b', b, 'attacker']);
  t.equal(r.code, 0, r.stderr);
  for (const f of ['/proc/1/exe', '/proc/1/environ', '/proc/1/fd/0', '/proc/1/mem']) t.match(r.stdout, `denied ${f}`, `${f} is denied`);
  t.notMatch(r.stdout, /wrote exe/);
  t.match(r.stdout, 'no link', 'the exe link cannot even be read');
});

t.test('CVE-2024-21626: no host fd and no host cwd reach the container', async (t) => {
  const s = new Sandbox(t);
  const r = s.run(['run', '-b', s.bundle((c) => (c.process.args = ['ls', '/proc/self/fd'])), 'fds']);
  t.equal(r.code, 0, r.stderr);
  t.same(r.stdout.trim().split(/\s+/).map(Number).sort(), [0, 1, 2, 3], 'only stdio (and ls\'s own directory fd)');
  for (let fd = 3; fd <= 12; fd++) {
    const b = s.bundle((c) => {
      c.process.cwd = `/proc/self/fd/${fd}`;
      c.process.args = ['sh', '-c', 'pwd; ls ../../..'];
    });
    const run = s.run(['run', '-b', b, `cwd${fd}`]);
    t.not(run.code, 0, `cwd /proc/self/fd/${fd} is refused`);
    t.match(errorMessage(run.stderr), /chdir to cwd/);
    t.equal(run.stdout, '', 'nothing ran');
  }
});

t.test('CVE-2021-30465: a symlinked mount destination stays inside the rootfs', async (t) => {
  const s = new Sandbox(t);
  const hostTarget = path.join(s.dir, 'host-target');
  fs.mkdirSync(hostTarget);
  const b = s.bundle(
    (c) => {
      c.mounts.push({ destination: '/mnt/abs', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
      c.mounts.push({ destination: '/mnt/rel', type: 'tmpfs', source: 'tmpfs', options: ['size=2m'] });
      c.process.args = ['sh', '-c', `grep -E ' (/tmp/x|${hostTarget}) ' /proc/self/mounts | cut -d' ' -f2,4`];
    },
    { copyRootfs: true },
  );
  const rootfs = path.join(b, 'rootfs');
  fs.mkdirSync(path.join(rootfs, 'mnt'), { recursive: true });
  // absolute and climbing symlinks that point at the host directory from the host's view
  fs.symlinkSync(hostTarget, path.join(rootfs, 'mnt', 'abs'));
  fs.symlinkSync('../../../../../../../../tmp/x', path.join(rootfs, 'mnt', 'rel'));
  fs.mkdirSync(path.join(rootfs, hostTarget), { recursive: true });
  const r = s.run(['run', '-b', b, 'symlinks']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, `${hostTarget} rw`, 'the absolute link is followed inside the rootfs');
  t.match(r.stdout, '/tmp/x rw', 'the climbing link stops at the container\'s /');
  t.same(mountsMention(hostTarget), [], 'nothing mounted on the host directory');
  t.same(fs.readdirSync(hostTarget), [], 'the host directory is untouched');
  t.notOk(fs.existsSync('/tmp/x') && mountsMention('/tmp/x').length, 'no mount at the host\'s /tmp/x');
});

t.test('CVE-2019-16884: procfs is never mounted through a symlinked /proc', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(() => {}, { copyRootfs: true });
  const rootfs = path.join(b, 'rootfs');
  fs.rmdirSync(path.join(rootfs, 'proc'));
  fs.mkdirSync(path.join(rootfs, 'fakeproc'));
  fs.symlinkSync('/fakeproc', path.join(rootfs, 'proc'));
  const r = s.run(['run', '-b', b, 'symproc']);
  t.equal(r.code, 1);
  t.match(errorMessage(r.stderr), /proc must be mounted on ordinary directory \/proc: too many levels of symbolic links/, 'runc\'s words');
  t.same(mountsMention(rootfs), [], 'nothing left mounted');
  t.notOk(fs.existsSync(path.join(s.root, 'symproc')), 'nothing left in the state root');
});

t.test('a symlink in the image where a device goes is never followed (device chown/chmod)', async (t) => {
  const s = new Sandbox(t);
  const victim = path.join(s.dir, 'victim');
  fs.writeFileSync(victim, 'host file\n', { mode: 0o600 });
  const b = s.bundle(
    (c) => {
      // no tmpfs over /dev: the image's own /dev is used
      c.mounts = c.mounts.filter((m: any) => m.destination !== '/dev');
      c.linux.devices = [{ type: 'c', path: '/dev/fuse', major: 10, minor: 229, fileMode: 0o666, uid: 1000, gid: 1000 }];
    },
    { copyRootfs: true },
  );
  fs.symlinkSync(victim, path.join(b, 'rootfs', 'dev', 'fuse'));
  const r = s.run(['run', '-b', b, 'devlink']);
  t.equal(r.code, 1);
  t.match(errorMessage(r.stderr), 'a different file is in the device\'s place /dev/fuse');
  const st = fs.statSync(victim);
  t.equal(st.mode & 0o777, 0o600, 'the host file keeps its mode');
  t.equal(st.uid, 0, 'and its owner');
});

t.test('CVE-2025-52881: a sysctl write is not redirected by a mount over /proc/sys', async (t) => {
  const s = new Sandbox(t);
  const hostDomain = fs.readFileSync('/proc/sys/kernel/domainname', 'utf8');
  // a destination under /proc is refused outright (checkProcMount,
  // spec/security-procmount.test.ts); through a symlink in the image the
  // plan cannot see it, and the addon's sysctl write must still not follow
  const b = s.bundle(
    (c) => {
      // the host's domainname file bound where the container's kernel.shmmax is
      c.mounts.push({ destination: '/sneaky', type: 'bind', source: '/proc/sys/kernel/domainname', options: ['bind'] });
      c.linux.sysctl = { 'kernel.shmmax': 'pwned.example' };
    },
    { copyRootfs: true },
  );
  fs.symlinkSync('/proc/sys/kernel/shmmax', path.join(b, 'rootfs', 'sneaky'));
  const r = s.run(['run', '-b', b, 'sysredirect']);
  t.equal(r.code, 1, 'create refuses');
  // the mount itself is refused now (addon/src/procguard.c); before that, the
  // sysctl write was: "write sysctl kernel/shmmax: invalid cross-device link"
  t.match(errorMessage(r.stderr), "mount destination resolves into /proc /sneaky");
  t.equal(fs.readFileSync('/proc/sys/kernel/domainname', 'utf8'), hostDomain, 'the host file is untouched');
  t.same(mountsMention(b), [], 'nothing left mounted');
});
