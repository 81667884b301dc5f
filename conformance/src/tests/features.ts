// features.md and features-linux.md: what `features` claims, checked by using it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, T } from '../framework';
import { Json } from '../harness';
import { officialSchema } from '../schema';

function features(t: T): Json {
  if (!t.rt.features) t.skip('the runtime has no features command');
  return t.rt.features;
}

test('features.versions', 'ociVersionMin and ociVersionMax are present and max >= min', (t) => {
  const f = features(t);
  t.ok(typeof f.ociVersionMin === 'string', 'ociVersionMin missing');
  t.ok(typeof f.ociVersionMax === 'string', 'ociVersionMax missing');
  const v = (s: string) => s.split(/[-+]/)[0].split('.').map(Number);
  const [a, b] = [v(String(f.ociVersionMin)), v(String(f.ociVersionMax))];
  const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  t.ok(cmp <= 0, `ociVersionMax ${f.ociVersionMax} < ociVersionMin ${f.ociVersionMin}`);
});

for (const key of ['ociVersionMin', 'ociVersionMax']) {
  test(`features.${key}-accepted`, `a config whose ociVersion is ${key} is accepted`, (t) => {
    const f = features(t);
    t.mustRun((c) => (c.ociVersion = f[key]), `ociVersion ${f[key]}`);
  });
}

test('features.schema', 'features output adheres to features-schema.json and has no properties the spec does not define', (t) => {
  const f = features(t);
  const v = officialSchema('features-schema.json');
  t.ok(v(f), `does not adhere to features-schema.json: ${JSON.stringify(v.errors)}`);
  const top = ['ociVersionMin', 'ociVersionMax', 'hooks', 'mountOptions', 'linux', 'annotations', 'potentiallyUnsafeConfigAnnotations'];
  for (const k of Object.keys(f)) t.ok(top.includes(k), `undefined top-level property ${k}`);
  const linux = ['namespaces', 'capabilities', 'cgroup', 'seccomp', 'apparmor', 'selinux', 'intelRdt', 'mountExtensions', 'netDevices', 'memoryPolicy'];
  for (const k of Object.keys(f.linux ?? {})) t.ok(linux.includes(k), `undefined property linux.${k}`);
});

test('features.annotations', 'features annotations are a string map with non-empty keys', (t) => {
  const f = features(t);
  const a = f.annotations ?? {};
  t.ok(typeof a === 'object' && !Array.isArray(a), 'annotations is not a map');
  for (const [k, v] of Object.entries(a)) {
    t.ok(k !== '', 'an empty annotation key');
    t.ok(typeof v === 'string', `annotation ${k} is not a string`);
  }
});

/** mount options that need a bind mount to be meaningful */
const BIND_OPTIONS = new Set(['bind', 'rbind', 'private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'unbindable', 'runbindable', 'idmap', 'ridmap']);

test('features.mountOptions', 'every mount option features lists is recognized', (t) => {
  const f = features(t);
  const list = (f.mountOptions ?? []) as string[];
  if (!list.length) t.skip('no mountOptions listed');
  const failed: string[] = [];
  for (const opt of list) {
    if (opt === 'idmap' || opt === 'ridmap' || opt === 'remount') continue; // need mappings / an existing mount
    const r = t.sb.probe(
      t.sb.bundle((c, b) => {
        if (BIND_OPTIONS.has(opt)) {
          fs.mkdirSync(path.join(b, 'src'));
          c.mounts.push({ destination: '/conf-opt', type: 'none', source: path.join(b, 'src'), options: [opt === 'bind' || opt === 'rbind' ? opt : 'rbind', ...(opt === 'bind' || opt === 'rbind' ? [] : [opt])] });
        } else c.mounts.push({ destination: '/conf-opt', type: 'tmpfs', source: 'conf-opt', options: [opt] });
      }),
    );
    if (!r.facts) failed.push(`${opt}: ${r.error?.slice(0, 200)}`);
  }
  t.ok(failed.length === 0, `listed but refused: ${failed.join(' | ')}`);
});

test('features.namespaces', 'every namespace type features lists can be created', (t) => {
  const f = features(t);
  const list = (f.linux?.namespaces ?? []) as string[];
  if (!list.length) t.skip('no namespaces listed');
  const map: Record<string, string> = { pid: 'pid', network: 'net', ipc: 'ipc', uts: 'uts', mount: 'mnt', cgroup: 'cgroup', user: 'user', time: 'time' };
  const facts = t.mustRun((c, b) => {
    c.linux.namespaces = list.map((type) => ({ type }));
    if (list.includes('user')) {
      c.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      c.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      require('node:child_process').spawnSync('chown', ['-R', '100000:100000', path.join(b, 'rootfs')]);
    }
  }, `namespaces ${list.join(',')}`);
  if (facts) for (const ns of list) if (map[ns]) t.ok(facts.ns[map[ns]] !== fs.readlinkSync(`/proc/self/ns/${map[ns]}`), `${ns}: not a new namespace`);
});

test('features.capabilities', 'every capability features lists is recognized in process.capabilities', (t) => {
  const f = features(t);
  const list = (f.linux?.capabilities ?? []) as string[];
  if (!list.length) t.skip('no capabilities listed');
  t.mustRun((c) => (c.process.capabilities.bounding = list), `a bounding set of the ${list.length} listed capabilities`);
});

/** syscalls the probe never makes, one per rule */
const UNUSED = ['acct', 'swapon', 'swapoff', 'vhangup', 'pivot_root', 'syslog', 'kexec_load', 'init_module', 'delete_module', 'quotactl', 'reboot', 'settimeofday', 'adjtimex', 'iopl', 'ioperm', 'lookup_dcookie', 'nfsservctl', 'uselib'];

test('features.seccomp.actions', 'every seccomp action features lists is recognized', (t) => {
  const s = features(t).linux?.seccomp;
  if (!s?.enabled || !s.actions) t.skip('seccomp not listed');
  const actions = (s.actions as string[]).filter((a) => a !== 'SCMP_ACT_NOTIFY');
  t.mustRun((c) => (c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: actions.map((a, i) => ({ names: [UNUSED[i % UNUSED.length]], action: a })) }), `rules with ${actions.join(',')}`);
});

test('features.seccomp.operators', 'every seccomp operator features lists is recognized', (t) => {
  const s = features(t).linux?.seccomp;
  if (!s?.enabled || !s.operators) t.skip('seccomp not listed');
  t.mustRun((c) => (c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: (s.operators as string[]).map((op, i) => ({ names: [UNUSED[i]], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, valueTwo: 1, op }] })) }), `rules with ${s.operators}`);
});

test('features.seccomp.archs', 'every seccomp architecture features lists is recognized', (t) => {
  const s = features(t).linux?.seccomp;
  if (!s?.enabled || !s.archs) t.skip('seccomp not listed');
  // one at a time beside the native one: a runtime may refuse a combination libseccomp cannot build
  const bad: string[] = [];
  for (const a of s.archs as string[]) {
    const r = t.sb.probe(t.sb.bundle((c) => (c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', a], syscalls: [{ names: ['acct'], action: 'SCMP_ACT_ERRNO' }] })));
    if (!r.facts) bad.push(`${a}: ${r.error?.slice(0, 160)}`);
  }
  t.ok(!bad.length, `refused: ${bad.join(' | ')}`);
});

for (const key of ['knownFlags', 'supportedFlags']) {
  test(`features.seccomp.${key}`, `every seccomp flag in ${key} is ${key === 'knownFlags' ? 'recognized' : 'recognized and supported'}`, (t) => {
    const s = features(t).linux?.seccomp;
    if (!s?.enabled || !s[key]) t.skip(`seccomp.${key} not listed`);
    const bad: string[] = [];
    for (const flag of s[key] as string[]) {
      if (flag === 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV' || flag === 'SECCOMP_FILTER_FLAG_NEW_LISTENER') continue; // need a listener
      const r = t.sb.probe(t.sb.bundle((c) => (c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', flags: [flag], syscalls: [{ names: ['acct'], action: 'SCMP_ACT_ERRNO' }] })));
      if (!r.facts) bad.push(`${flag}: ${r.error?.slice(0, 160)}`);
    }
    t.ok(!bad.length, `refused: ${bad.join(' | ')}`);
  });
}

test('features.memoryPolicy', 'every memory policy mode and flag features lists is recognized', (t) => {
  const m = features(t).linux?.memoryPolicy;
  if (!m?.modes) t.skip('memoryPolicy not listed');
  const bad: string[] = [];
  for (const mode of m.modes as string[]) {
    const nodes = mode === 'MPOL_DEFAULT' || mode === 'MPOL_LOCAL' ? undefined : '0';
    const r = t.sb.probe(t.sb.bundle((c) => (c.linux.memoryPolicy = { mode, ...(nodes ? { nodes } : {}) })));
    if (!r.facts) bad.push(`${mode}: ${r.error?.slice(0, 160)}`);
  }
  for (const flag of (m.flags ?? []) as string[]) {
    const r = t.sb.probe(t.sb.bundle((c) => (c.linux.memoryPolicy = { mode: 'MPOL_BIND', nodes: '0', flags: [flag] })));
    if (!r.facts) bad.push(`${flag}: ${r.error?.slice(0, 160)}`);
  }
  t.ok(!bad.length, `refused: ${bad.join(' | ')}`);
});

test('features.mountExtensions', 'mountExtensions.idmap, when present, says enabled true if the runtime recognizes mount mappings', (t) => {
  const me = features(t).linux?.mountExtensions;
  if (!me?.idmap) t.skip('mountExtensions.idmap not listed');
  t.ok(typeof me.idmap.enabled === 'boolean', 'mountExtensions.idmap.enabled is not a boolean');
});
