// `runts features` says what the implementation does, from its own tables.
import t from 'tap';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { RUNTS } from '../lib/harness';
import { parseMountOptions } from '../../lib/plan/mounts';
import { NS_FLAGS } from '../../lib/plan/types';
import { CAPABILITIES } from '../../lib/capabilities';
import { officialSchema, SPEC_130_SCHEMAS } from '../lib/official-schema';

const r = spawnSync(RUNTS, ['features'], { encoding: 'utf8' });
const f = JSON.parse(r.stdout);

t.test('shape of features.md', async (t) => {
  t.equal(r.status, 0);
  t.equal(f.ociVersionMin, '1.0.0');
  t.equal(f.ociVersionMax, '1.3.0');
  t.same(f.hooks, ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop']);
  t.type(f.linux.cgroup.v1, 'boolean');
  // the systemd driver only where systemd runs (never on this host; true in the v2 VM: spec/v2)
  if (!fs.existsSync('/run/systemd/system')) t.equal(f.linux.cgroup.systemd, false);
  t.type(f.linux.seccomp.enabled, 'boolean');
  t.type(f.annotations, 'object');
  const valid = officialSchema(SPEC_130_SCHEMAS, 'features-schema.json');
  t.ok(valid(f), `valid against the official features schema ${JSON.stringify(valid.errors ?? '')}`);
});

t.test('every mount option listed is one the plan understands as an option, not as data', async (t) => {
  for (const o of f.mountOptions) t.same(parseMountOptions([o]).data, [], o);
  t.ok(f.mountOptions.includes('rro') && f.mountOptions.includes('rprivate') && f.mountOptions.includes('nosymfollow'));
});

t.test('namespaces and capabilities are the implementation\'s', async (t) => {
  t.same(f.linux.namespaces, Object.keys(NS_FLAGS).sort());
  t.same(f.linux.capabilities, Object.keys(CAPABILITIES).sort((a, b) => CAPABILITIES[a] - CAPABILITIES[b]));
});

t.test('what runts refuses is not claimed', async (t) => {
  t.equal(f.linux.selinux.enabled, false, 'SELinux labels are refused on every host');
  t.equal(f.linux.intelRdt.enabled, false);
});

t.test('what runts does is claimed', async (t) => {
  t.equal(f.linux.apparmor.enabled, true, 'AppArmor profiles are applied (where the host has AppArmor: spec/v2/apparmor.test.ts)');
  t.equal(f.linux.mountExtensions.idmap.enabled, true, 'idmapped bind mounts');
  t.equal(f.linux.netDevices.enabled, true);
});
