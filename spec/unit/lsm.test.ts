// lib/plan/lsm.ts: what the plan says about AppArmor and SELinux, per host.
import t from 'tap';
import { buildPlan } from '../../lib/plan/build';
import { checkMountLabel, parseProfiles, planExecLabel, type LsmHost } from '../../lib/plan/lsm';
import { planInput, testSpec } from '../lib/plan-input';

const WITH: LsmHost = { apparmor: true, apparmorProfiles: ['runts-test', 'parent//child'], selinux: false };
const WITHOUT: LsmHost = { apparmor: false, apparmorProfiles: null, selinux: false };
const SELINUX: LsmHost = { apparmor: false, apparmorProfiles: null, selinux: true };

t.test('no profile: nothing to write', async (t) => {
  t.same(planExecLabel({ cwd: '/', args: ['sh'] }, WITH), { execLabel: '', execLabelAttr: '' });
  t.same(planExecLabel({ cwd: '/', args: ['sh'], apparmorProfile: '' }, WITHOUT), { execLabel: '', execLabelAttr: '' }, '"" is no profile, as runc');
});

t.test('a loaded profile on an AppArmor host: "exec <name>" to attr/apparmor/exec', async (t) => {
  t.same(planExecLabel({ cwd: '/', args: ['sh'], apparmorProfile: 'runts-test' }, WITH), { execLabel: 'exec runts-test', execLabelAttr: 'apparmor/exec' });
  t.same(planExecLabel({ cwd: '/', args: ['sh'], apparmorProfile: 'parent//child' }, WITH).execLabel, 'exec parent//child', 'a child profile is listed by its full name');
  for (const name of ['unconfined', 'a//&b', ':ns:p', '&x'])
    t.equal(planExecLabel({ cwd: '/', args: ['sh'], apparmorProfile: name }, WITH).execLabel, `exec ${name}`, `${name}: not one listed profile, left to the kernel`);
  t.equal(planExecLabel({ cwd: '/', args: ['sh'], apparmorProfile: 'anything' }, { ...WITH, apparmorProfiles: null }).execLabel, 'exec anything', 'an unreadable list checks nothing');
});

t.test('refused: no AppArmor, a profile not loaded, a name longer than a page', async (t) => {
  t.throws(() => planExecLabel({ cwd: '/', args: ['sh'], apparmorProfile: 'p' }, WITHOUT), {
    message: '/process/apparmorProfile: AppArmor is not enabled on this host (/sys/module/apparmor/parameters/enabled is not Y): profile "p" cannot be applied',
    pointer: '/process/apparmorProfile',
  });
  t.throws(() => planExecLabel({ cwd: '/', args: ['sh'], apparmorProfile: 'missing' }, WITH), {
    message: '/process/apparmorProfile: AppArmor profile "missing" is not loaded (apparmor_parser -r loads it)',
  });
  t.throws(() => planExecLabel({ cwd: '/', args: ['sh'], apparmorProfile: 'x'.repeat(4091) }, { ...WITH, apparmorProfiles: null }), { message: '/process/apparmorProfile: longer than 4090 bytes' });
});

t.test('SELinux labels are refused on every host, saying whether it has SELinux', async (t) => {
  t.throws(() => planExecLabel({ cwd: '/', args: ['sh'], selinuxLabel: 'l' }, WITH), { message: '/process/selinuxLabel: SELinux labels are not supported by runts (and this host has no SELinux)' });
  t.throws(() => planExecLabel({ cwd: '/', args: ['sh'], selinuxLabel: 'l' }, SELINUX), {
    message: '/process/selinuxLabel: SELinux labels are not supported by runts (this host has SELinux: the label would not be applied)',
  });
  t.throws(() => checkMountLabel({ mountLabel: 'l' }, SELINUX), { pointer: '/linux/mountLabel' });
  t.doesNotThrow(() => checkMountLabel({ mountLabel: '' }, SELINUX), '"" is no label');
});

t.test('parseProfiles: the names of "name (mode)" lines', async (t) => {
  t.same(parseProfiles('docker-default (enforce)\nnvidia_modprobe//kmod (complain)\nwith (paren) (enforce)\n\n'), ['docker-default', 'nvidia_modprobe//kmod', 'with (paren)']);
});

t.test('buildPlan carries the label into the process plan', async (t) => {
  const s = testSpec({ rootless: false }, (c) => (c.process.apparmorProfile = 'runts-test'));
  const p = buildPlan(planInput(s, { host: { ...WITH, resctrl: false } }));
  t.equal(p.process.execLabel, 'exec runts-test');
  t.equal(p.process.execLabelAttr, 'apparmor/exec');
});
