// process.apparmorProfile where the host has AppArmor (make test-v2 runs this
// in ../shared/v2vm, a Debian 12 guest with AppArmor enabled): a profile that
// denies writes to /tmp confines the container's process itself (the sealed
// exec helper writes the exec attribute just before the program's execve),
// through run and through exec (the container's profile, and exec --apparmor),
// side by side with runc 1.1.5, and a startContainer hook with it; with a late
// seccomp filter (noNewPrivileges) that denies openat2 the label is still
// written (the helper loads the filter after it); a profile that is not loaded fails create with
// the field and leaves nothing; a tmpfs mounted over the container's /proc
// cannot take the write and let exec run unconfined (CVE-2019-16884's class).
// Before this change runts printed "unconfined" and the write to /tmp
// succeeded: the profile was accepted and dropped. Skipped where AppArmor is
// not enabled (spec/integration/security-lsm.test.ts covers the refusal there).
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Sandbox, errorMessage, eventually, RUNC, RUNTS, type Json, type Teardown } from '../lib/harness';

const enabled = (() => {
  try {
    return fs.readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').startsWith('Y') && fs.existsSync('/sys/kernel/security/apparmor');
  } catch {
    return false;
  }
})();
const parser = ['/usr/sbin/apparmor_parser', '/sbin/apparmor_parser'].find((p) => fs.existsSync(p));
if (!enabled || !parser) t.plan(0, 'AppArmor is not enabled here (or no apparmor_parser)');

// the guest is emulated, 25-35x slower than a host: room for that, never timing
const SLOW = 120_000;
const PROFILE = `runts-test-notmp-${process.pid}`;
const RUNTIMES: [string, string][] = [['runts', RUNTS], ...(RUNC ? [['runc', RUNC] as [string, string]] : [])];

/** loads a profile that allows everything but writes under /tmp; unloaded at teardown */
function loadProfile(t: Teardown): void {
  const dir = fs.mkdtempSync('/tmp/runts-test-aa-');
  const file = path.join(dir, 'profile');
  fs.writeFileSync(
    file,
    `abi <abi/3.0>,\nprofile ${PROFILE} flags=(attach_disconnected,mediate_deleted) {\n  file,\n  capability,\n  mount,\n  umount,\n  signal,\n  network,\n  deny /tmp/** w,\n  deny /tmp/ w,\n}\n`,
  );
  const r = spawnSync(parser!, ['-r', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`apparmor_parser -r: ${r.stderr}`);
  t.teardown(() => {
    spawnSync(parser!, ['-R', file]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

function loaded(name: string): boolean {
  return fs.readFileSync('/sys/kernel/security/apparmor/profiles', 'utf8').split('\n').some((l) => l.startsWith(`${name} (`));
}

// what a user checks: the label the process has, a write under /tmp (denied
// by the profile) and one on another tmpfs (allowed: the file system is writable)
const PROBE = 'cat /proc/self/attr/current; echo x > /tmp/f && echo TMP-WRITTEN; echo y > /scratch/f && echo SCRATCH-WRITTEN';
const CONFINED = [`${PROFILE} (enforce)`, 'SCRATCH-WRITTEN'];

function withScratch(c: Json): void {
  c.root.readonly = false;
  c.mounts.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid'] });
  c.mounts.push({ destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['nosuid'] });
}

const lines = (s: string): string[] => s.trim().split('\n').filter(Boolean);

t.test('run: a profile denying writes to /tmp confines the container\'s process and its startContainer hook, as with runc', async (t) => {
  loadProfile(t);
  for (const [name, bin] of RUNTIMES) {
    const s = new Sandbox(t, bin);
    const seen = path.join(s.dir, 'seen');
    fs.mkdirSync(seen);
    const b = s.bundle((c) => {
      withScratch(c);
      c.mounts.push({ destination: '/seen', type: 'bind', source: seen, options: ['rbind', 'rw'] });
      c.process.args = ['sh', '-c', PROBE];
      c.process.apparmorProfile = PROFILE;
      // run from the init, in the container, just before the process (runtime.md)
      c.hooks = { startContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'cat /proc/self/attr/current > /seen/hook'] }] };
    });
    const r = s.run(['run', '-b', b, 'aa'], { timeout: SLOW });
    t.same(lines(r.stdout), CONFINED, `${name}: the profile is the process's label, /tmp is not written, /scratch is`);
    t.match(r.stderr, /can't create \/tmp\/f: Permission denied/, `${name}: the write to /tmp fails with EACCES`);
    t.equal(fs.readFileSync(path.join(seen, 'hook'), 'utf8').trim(), `${PROFILE} (enforce)`, `${name}: the startContainer hook runs under the profile too`);
  }
});

// With noNewPrivileges the sealed exec helper writes the label first and
// loads the filter after it (docs/DESIGN.md, "seccomp"), so the profile need
// not allow the helper's openat2 (nor its write and close): a filter that
// denies openat2 takes the label as with runc, which writes it before
// seccomp. Before, the helper's openat2 ran under the filter: runts printed
// "apply the exec label (...): invalid cross-device link" and exited 127.
t.test('a late seccomp filter that denies openat2: the label is written, then the filter loads, as with runc', async (t) => {
  loadProfile(t);
  for (const [name, bin] of RUNTIMES) {
    const s = new Sandbox(t, bin);
    const b = s.bundle((c) => {
      withScratch(c);
      c.process.noNewPrivileges = true;
      c.process.apparmorProfile = PROFILE;
      c.process.args = ['sh', '-c', `grep ^Seccomp: /proc/self/status; ${PROBE}`];
      c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['openat2'], action: 'SCMP_ACT_ERRNO', errnoRet: 18 }] };
    });
    const r = s.run(['run', '-b', b, 'aa-late'], { timeout: SLOW });
    t.equal(r.code, 0, `${name}: exit 0 (${r.stderr.trim()})`);
    t.same(lines(r.stdout).map((l) => l.replace(/\s+/g, ' ')), ['Seccomp: 2', ...CONFINED], `${name}: filtered, and confined by the profile`);
  }
});

t.test('exec: the container\'s profile, and exec --apparmor, confine the new process, as with runc', async (t) => {
  loadProfile(t);
  for (const [name, bin] of RUNTIMES) {
    const s = new Sandbox(t, bin);
    const confined = s.bundle((c) => {
      withScratch(c);
      c.process.args = ['sleep', '600'];
      c.process.apparmorProfile = PROFILE;
    });
    const plain = s.bundle((c) => {
      withScratch(c);
      c.process.args = ['sleep', '600'];
    });
    t.equal(s.run(['run', '-d', '-b', confined, 'conf'], { detached: true, timeout: SLOW }).code, 0, `${name}: run -d`);
    t.equal(s.run(['run', '-d', '-b', plain, 'plain'], { detached: true, timeout: SLOW }).code, 0, `${name}: run -d`);
    const inherited = s.run(['exec', 'conf', 'sh', '-c', PROBE], { timeout: SLOW });
    t.same(lines(inherited.stdout), CONFINED, `${name}: exec into a confined container gets its profile`);
    const flag = s.run(['exec', '--apparmor', PROFILE, 'plain', 'sh', '-c', PROBE], { timeout: SLOW });
    t.same(lines(flag.stdout), CONFINED, `${name}: exec --apparmor confines the new process`);
    t.match(flag.stderr, /Permission denied/, `${name}: and its write to /tmp fails`);
    const none = s.run(['exec', 'plain', 'sh', '-c', PROBE], { timeout: SLOW });
    t.same(lines(none.stdout), ['unconfined', 'TMP-WRITTEN', 'SCRATCH-WRITTEN'], `${name}: without a profile the process is unconfined`);
  }
});

t.test('a profile that is not loaded fails create with the field, and nothing is left', async (t) => {
  const s = new Sandbox(t);
  const missing = `runts-test-missing-${process.pid}`;
  t.notOk(loaded(missing));
  const b = s.bundle((c) => (c.process.apparmorProfile = missing));
  const r = s.run(['create', '-b', b, 'miss'], { timeout: SLOW });
  t.equal(r.code, 1);
  t.equal(errorMessage(r.stderr), `runts create failed: /process/apparmorProfile: AppArmor profile "${missing}" is not loaded (apparmor_parser -r loads it)`);
  t.notOk(fs.existsSync(path.join(s.root, 'miss')), 'no state directory');
  t.notOk(fs.existsSync(path.join('/sys/fs/cgroup', s.cgroupParent, path.basename(b))), 'no cgroup');
});

t.test('a tmpfs over the container\'s /proc cannot take the profile write: exec is refused, nothing runs unconfined', async (t) => {
  loadProfile(t);
  for (const [name, bin] of RUNTIMES) {
    const s = new Sandbox(t, bin);
    // a host directory the container writes to: it says when /proc is replaced and whether the exec'd process ran
    const seen = path.join(s.dir, 'seen');
    fs.mkdirSync(seen);
    const b = s.bundle((c) => {
      withScratch(c);
      c.mounts.push({ destination: '/seen', type: 'bind', source: seen, options: ['rbind', 'rw'] });
      for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set].push('CAP_SYS_ADMIN');
      // the container's own root replaces its /proc with a tmpfs that has the attr files
      c.process.args = ['sh', '-c', 'mount -t tmpfs none /proc && for d in self thread-self; do mkdir -p /proc/$d/attr/apparmor && touch /proc/$d/attr/exec /proc/$d/attr/apparmor/exec; done && touch /seen/ready && exec sleep 600'];
    });
    t.equal(s.run(['run', '-d', '-b', b, 'hostile'], { detached: true, timeout: SLOW }).code, 0, `${name}: run -d`);
    t.ok(await eventually(() => fs.existsSync(path.join(seen, 'ready')), SLOW), `${name}: the container's /proc is a tmpfs`);
    const r = s.run(['exec', '--apparmor', PROFILE, 'hostile', 'sh', '-c', 'touch /seen/ran'], { timeout: SLOW });
    t.not(r.code, 0, `${name}: exec fails: ${errorMessage(r.stderr)}`);
    t.notOk(fs.existsSync(path.join(seen, 'ran')), `${name}: the process never ran`);
    if (name === 'runts') t.match(errorMessage(r.stderr), /apply AppArmor profile: the container's \/proc is not a procfs: invalid argument/);
  }
});
