// Issue 16 item 5 on a host without the LSM: process.apparmorProfile,
// process.selinuxLabel and linux.mountLabel are refused with the field, at
// create and at exec, and leave no container, state directory or cgroup
// (runc 1.1.5 fails too, later: its init's write to /proc/self/attr/exec
// gives EINVAL, the mount's context= option EINVAL). SELinux labels are
// refused on every host: runts does not apply them (docs/DESIGN.md). Where
// AppArmor is enabled, spec/v2/apparmor.test.ts runs a confined container.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, errorMessage, type Json } from '../lib/harness';

const apparmor = (() => {
  try {
    return fs.readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').startsWith('Y');
  } catch {
    return false;
  }
})();

/** the container's cgroup in every hierarchy, and its state directory: none may exist */
function leftovers(s: Sandbox, b: string, id: string): string[] {
  const found: string[] = [];
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    const p = path.join('/sys/fs/cgroup', h, s.cgroupParent, path.basename(b));
    if (fs.existsSync(p)) found.push(p);
  }
  if (fs.existsSync(path.join(s.root, id))) found.push(path.join(s.root, id));
  return found;
}

const CASES: [string, (c: Json) => void, string][] = [
  [
    'apparmor',
    (c) => (c.process.apparmorProfile = 'runts-test-profile'),
    '/process/apparmorProfile: AppArmor is not enabled on this host (/sys/module/apparmor/parameters/enabled is not Y): profile "runts-test-profile" cannot be applied',
  ],
  ['selinux', (c) => (c.process.selinuxLabel = 'system_u:system_r:container_t:s0'), '/process/selinuxLabel: SELinux labels are not supported by runts (and this host has no SELinux)'],
  ['mountlabel', (c) => (c.linux.mountLabel = 'system_u:object_r:container_file_t:s0'), '/linux/mountLabel: SELinux mount labels are not supported by runts (and this host has no SELinux)'],
];

t.test('create and run: an LSM field this host cannot apply is refused with the field, and nothing is left', { skip: apparmor && 'AppArmor is enabled here' }, async (t) => {
  const s = new Sandbox(t);
  for (const [id, edit, words] of CASES) {
    for (const cmd of ['create', 'run']) {
      const b = s.bundle((c) => {
        c.process.args = ['sh', '-c', 'echo RAN'];
        edit(c);
      });
      const r = s.run([cmd, '-b', b, id]);
      t.equal(r.code, 1, `${cmd} ${id}`);
      t.equal(errorMessage(r.stderr), `runts ${cmd} failed: ${words}`, `${cmd} ${id}: the field and why`);
      t.notOk(r.stdout.includes('RAN'), `${cmd} ${id}: the process never ran`);
      t.same(leftovers(s, b, id), [], `${cmd} ${id}: no cgroup, no state directory`);
    }
  }
  t.equal(s.run(['list', '-q']).stdout, '', 'no container listed');
});

t.test('exec: --apparmor, --process-label and a process.json with them are refused; the container runs on', { skip: apparmor && 'AppArmor is enabled here' }, async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['sleep', '600']));
  t.equal(s.run(['run', '-d', '-b', b, 'ex'], { detached: true }).code, 0);
  const procs = (): string => fs.readFileSync(path.join('/sys/fs/cgroup/pids', s.cgroupParent, path.basename(b), 'cgroup.procs'), 'utf8');
  const before = procs();
  const json = path.join(s.dir, 'process.json');
  fs.writeFileSync(json, JSON.stringify({ cwd: '/', args: ['sh', '-c', 'echo RAN'], apparmorProfile: 'runts-test-profile' }));
  const attempts: [string[], RegExp][] = [
    [['exec', '--apparmor', 'runts-test-profile', 'ex', 'sh', '-c', 'echo RAN'], /^exec failed: \/process\/apparmorProfile: AppArmor is not enabled on this host/],
    [['exec', '--process-label', 'system_u:system_r:container_t:s0', 'ex', 'sh', '-c', 'echo RAN'], /^exec failed: \/process\/selinuxLabel: SELinux labels are not supported by runts/],
    [['exec', '-p', json, 'ex'], /^exec failed: \/process\/apparmorProfile: AppArmor is not enabled on this host/],
  ];
  for (const [args, re] of attempts) {
    const r = s.run(args);
    t.equal(r.code, 255, `${args.join(' ')}: exit 255, as runc's failed exec`);
    t.match(errorMessage(r.stderr), re, `${args[1]}: the field`);
    t.notOk(r.stdout.includes('RAN'), `${args[1]}: the process never ran`);
  }
  t.equal(procs(), before, 'no process was added to the container');
  t.equal(JSON.parse(s.run(['state', 'ex']).stdout).status, 'running', 'the container runs on');
});
