// config.md: root, mounts and the Linux mount options, process, user,
// rlimits, capabilities, annotations, extensibility, valid values; bundle.md.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, T } from '../framework';
import { capSet, Json, mountAt, MountInfo } from '../harness';

// ---- root ----

test('root.readonly', 'root.readonly true: the root filesystem is read-only inside the container', (t) => {
  const f = t.probe((c) => (c.root.readonly = true), ['--write', '/conf-write-test', '--stat', '/']);
  t.eq(f.writes['/conf-write-test'], 30 /* EROFS */, 'errno of creating a file in /');
  t.ok(f.stats['/'].vfsflags & 1, 'statvfs(/) has no ST_RDONLY');
});

test('root.writable', 'root.readonly false: the root filesystem is writable', (t) => {
  const f = t.probe((c) => (c.root.readonly = false), ['--write', '/conf-write-test']);
  t.eq(f.writes['/conf-write-test'], 0, 'errno of creating a file in /');
});

test('root.path-missing', 'root.path naming no directory is an error', (t) => {
  t.mustRefuse((c) => (c.root.path = 'no-such-rootfs'), 'a root.path that does not exist');
});

test('root.required', 'a config without root is an error', (t) => {
  t.mustRefuse((c) => delete c.root, 'a config without root');
});

test('root.path-required', 'root without path is an error', (t) => {
  t.mustRefuse((c) => (c.root = { readonly: false }), 'root without path');
});

// ---- mounts ----

test('mounts.order', 'mounts are made in the listed order: a later mount on the same destination wins, parents before children', (t) => {
  const f = t.probe(
    (c) =>
      c.mounts.push(
        { destination: '/conf-m', type: 'tmpfs', source: 'first', options: ['size=1m'] },
        { destination: '/conf-m', type: 'tmpfs', source: 'second', options: ['size=2m'] },
        { destination: '/conf-m/sub', type: 'tmpfs', source: 'third', options: ['size=1m'] },
      ),
    ['--stat', '/conf-m/sub'],
  );
  const m = mountAt(f, '/conf-m');
  t.eq(m?.source, 'second', 'the visible mount on /conf-m');
  t.eq(mountAt(f, '/conf-m/sub')?.source, 'third', 'the mount on /conf-m/sub');
  t.ok(f.stats['/conf-m/sub']?.lstat?.type === 'dir', '/conf-m/sub is not visible');
});

test('mounts.relative-destination', 'a relative destination is taken relative to / (Linux, deprecated but allowed)', (t) => {
  const f = t.mustRun((c) => c.mounts.push({ destination: 'conf-rel', type: 'tmpfs', source: 'reltmp', options: ['size=1m'] }), 'a tmpfs on the relative destination conf-rel');
  if (f) t.eq(mountAt(f, '/conf-rel')?.source, 'reltmp', 'the mount on /conf-rel');
});

test('mounts.bind-source-relative', 'a relative bind source is relative to the bundle', (t) => {
  const f = t.probe(
    (c, b) => {
      fs.mkdirSync(path.join(b, 'srcdir'));
      fs.writeFileSync(path.join(b, 'srcdir', 'hello'), 'bundle-relative');
      c.mounts.push({ destination: '/conf-b', type: 'none', source: 'srcdir', options: ['bind'] });
    },
    ['--file', '/conf-b/hello'],
  );
  t.eq(f.files['/conf-b/hello'], 'bundle-relative', 'the file seen through the bind mount');
});

test('mounts.uidMappings-without-gid', 'uidMappings without gidMappings on a mount is an error', (t) => {
  t.mustRefuse((c, b) => {
    fs.mkdirSync(path.join(b, 'src'));
    c.mounts.push({ destination: '/conf-id', type: 'bind', source: path.join(b, 'src'), options: ['bind', 'idmap'], uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] });
  }, 'uidMappings without gidMappings');
});

test('mounts.gidMappings-without-uid', 'gidMappings without uidMappings on a mount is an error', (t) => {
  t.mustRefuse((c, b) => {
    fs.mkdirSync(path.join(b, 'src'));
    c.mounts.push({ destination: '/conf-id', type: 'bind', source: path.join(b, 'src'), options: ['bind', 'idmap'], gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] });
  }, 'gidMappings without uidMappings');
});

for (const opt of ['idmap', 'ridmap']) {
  test(`mounts.option.${opt}.no-mapping`, `${opt} without mappings and without a user namespace is an error`, (t) => {
    t.mustRefuse((c, b) => {
      fs.mkdirSync(path.join(b, 'src'));
      c.mounts.push({ destination: '/conf-id', type: 'bind', source: path.join(b, 'src'), options: [opt === 'idmap' ? 'bind' : 'rbind', opt] });
    }, `${opt} with no mapping and no user namespace`);
  });
}

// ---- Linux mount options: one test per option of the MUST table ----

type Check = (m: MountInfo, t: T, f: Json) => void;
const has = (o: string): Check => (m, t) => t.ok(m.options.includes(o), `mount options ${m.options.join(',')} lack ${o}`);
const lacks = (o: string): Check => (m, t) => t.ok(!m.options.includes(o), `mount options ${m.options.join(',')} have ${o}`);
const superHas = (o: string): Check => (m, t) => t.ok(m.superOptions.includes(o), `superblock options ${m.superOptions.join(',')} lack ${o}`);
const superLacks = (o: string): Check => (m, t) => t.ok(!m.superOptions.includes(o), `superblock options ${m.superOptions.join(',')} have ${o}`);
const all = (...cs: Check[]): Check => (m, t, f) => cs.forEach((c) => c(m, t, f));

/** options that set or clear a flag, on a tmpfs; `base` goes first so the option must undo it */
const FLAG_OPTIONS: Record<string, { base?: string[]; check: Check }> = {
  async: { base: ['sync'], check: superLacks('sync') },
  atime: { base: ['noatime'], check: all(lacks('noatime')) },
  defaults: { check: all(has('rw'), lacks('noexec'), lacks('nosuid'), lacks('nodev')) },
  dev: { base: ['nodev'], check: lacks('nodev') },
  diratime: { base: ['nodiratime'], check: lacks('nodiratime') },
  dirsync: { check: superHas('dirsync') },
  exec: { base: ['noexec'], check: lacks('noexec') },
  iversion: { check: () => {} },
  lazytime: { check: superHas('lazytime') },
  loud: { base: ['silent'], check: () => {} },
  noatime: { check: has('noatime') },
  nodev: { check: has('nodev') },
  nodiratime: { check: has('nodiratime') },
  noexec: { check: has('noexec') },
  noiversion: { base: ['iversion'], check: () => {} },
  nolazytime: { base: ['lazytime'], check: superLacks('lazytime') },
  norelatime: { check: () => {} },
  nostrictatime: { base: ['strictatime'], check: has('relatime') },
  nosuid: { check: has('nosuid') },
  relatime: { check: has('relatime') },
  ro: { check: has('ro') },
  rw: { base: ['ro'], check: has('rw') },
  silent: { check: () => {} },
  strictatime: { check: all(lacks('relatime'), lacks('noatime')) },
  suid: { base: ['nosuid'], check: lacks('nosuid') },
  sync: { check: superHas('sync') },
};

for (const [opt, { base, check }] of Object.entries(FLAG_OPTIONS)) {
  test(`mounts.option.${opt}`, `mount option ${opt} is recognized and applied (tmpfs)`, (t) => {
    const f = t.mustRun((c) => c.mounts.push({ destination: '/conf-opt', type: 'tmpfs', source: 'conf-opt', options: [...(base ?? []), opt, 'size=1m'] }), `a tmpfs with options ${[...(base ?? []), opt]}`);
    if (!f) return;
    const m = mountAt(f, '/conf-opt');
    if (!m) return void t.ok(false, 'no mount at /conf-opt');
    t.eq(m.fstype, 'tmpfs', 'fstype');
    check(m, t, f);
  });
}

test('mounts.option.remount', 'remount changes the flags of an existing mount at the destination', (t) => {
  const f = t.mustRun(
    (c) =>
      c.mounts.push(
        { destination: '/conf-opt', type: 'tmpfs', source: 'conf-opt', options: ['size=1m'] },
        { destination: '/conf-opt', type: 'tmpfs', source: 'conf-opt', options: ['remount', 'ro', 'size=1m'] },
      ),
    'a tmpfs remounted ro',
  );
  if (!f) return;
  const m = mountAt(f, '/conf-opt');
  t.ok(m?.options.includes('ro'), `the mount is not read-only after remount: ${m?.options}`);
});

/** a host directory holding a file and, for rbind, a tmpfs submount; made a shared mount for slave tests */
function hostSource(t: T, opts: { submount?: boolean; shared?: boolean } = {}): string {
  const src = path.join(t.sb.dir, 'host-src');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, 'file'), 'from-host');
  const sh = (args: string[]) => {
    const r = spawnSync('mount', args, { encoding: 'utf8' });
    if (r.status !== 0) t.fatal(`mount ${args.join(' ')}: ${r.stderr}`);
    t.sb.ownMounts.push(args[args.length - 1]);
  };
  if (opts.shared) {
    sh(['--bind', src, src]);
    sh(['--make-shared', src]);
  }
  if (opts.submount) {
    fs.mkdirSync(path.join(src, 'sub'));
    sh(['-t', 'tmpfs', '-o', 'size=1m', 'conf-sub', path.join(src, 'sub')]);
    fs.writeFileSync(path.join(src, 'sub', 'subfile'), 'from-submount');
  }
  return src;
}

test('mounts.option.bind', 'bind: the source directory is visible at the destination, submounts are not', (t) => {
  const src = hostSource(t, { submount: true });
  const f = t.probe((c) => c.mounts.push({ destination: '/conf-bind', type: 'none', source: src, options: ['bind'] }), ['--file', '/conf-bind/file', '--stat', '/conf-bind/sub/subfile']);
  t.eq(f.files['/conf-bind/file'], 'from-host', 'the file through the bind mount');
  t.ok(f.stats['/conf-bind/sub/subfile']?.errno === 2, 'a non-recursive bind shows the submount');
});

test('mounts.option.rbind', 'rbind: the source and its submounts are visible', (t) => {
  const src = hostSource(t, { submount: true });
  const f = t.probe((c) => c.mounts.push({ destination: '/conf-bind', type: 'none', source: src, options: ['rbind'] }), ['--file', '/conf-bind/file', '--file', '/conf-bind/sub/subfile']);
  t.eq(f.files['/conf-bind/file'], 'from-host', 'the file through the bind mount');
  t.eq(f.files['/conf-bind/sub/subfile'], 'from-submount', 'the file of the submount');
});

const PROPAGATION: Record<string, { shared?: boolean; check: (m: MountInfo, t: T) => void }> = {
  private: { check: (m, t) => t.ok(!m.optional.some((o) => /^(shared|master):/.test(o)), `optional fields ${m.optional} are not private`) },
  rprivate: { check: (m, t) => t.ok(!m.optional.some((o) => /^(shared|master):/.test(o)), `optional fields ${m.optional} are not private`) },
  shared: { check: (m, t) => t.ok(m.optional.some((o) => o.startsWith('shared:')), `optional fields ${m.optional} lack shared:N`) },
  rshared: { check: (m, t) => t.ok(m.optional.some((o) => o.startsWith('shared:')), `optional fields ${m.optional} lack shared:N`) },
  slave: { shared: true, check: (m, t) => t.ok(m.optional.some((o) => o.startsWith('master:')) && !m.optional.some((o) => o.startsWith('shared:')), `optional fields ${m.optional} are not slave`) },
  rslave: { shared: true, check: (m, t) => t.ok(m.optional.some((o) => o.startsWith('master:')) && !m.optional.some((o) => o.startsWith('shared:')), `optional fields ${m.optional} are not slave`) },
  unbindable: { check: (m, t) => t.ok(m.optional.includes('unbindable'), `optional fields ${m.optional} lack unbindable`) },
  runbindable: { check: (m, t) => t.ok(m.optional.includes('unbindable'), `optional fields ${m.optional} lack unbindable`) },
};

for (const [opt, { shared, check }] of Object.entries(PROPAGATION)) {
  test(`mounts.option.${opt}`, `bind mount propagation ${opt}`, (t) => {
    const src = hostSource(t, { shared });
    const f = t.mustRun((c) => c.mounts.push({ destination: '/conf-prop', type: 'none', source: src, options: ['rbind', opt] }), `a bind mount with ${opt}`);
    if (!f) return;
    const m = mountAt(f, '/conf-prop');
    if (!m) return void t.ok(false, 'no mount at /conf-prop');
    check(m, t);
  });
}

// ---- process ----

test('process.required-at-start', 'process is required when start is called: without it create or start fails', (t) => {
  const b = t.sb.bundle((c) => delete c.process);
  const id = t.sb.newId();
  const r = t.sb.create(id, b);
  if (r.code !== 0) return;
  t.ok(t.sb.run(['start', id]).code !== 0, 'start without process exited 0');
});

test('process.consoleSize-ignored', 'consoleSize is ignored when terminal is false', (t) => {
  t.mustRun((c) => (c.process.consoleSize = { height: 10, width: 20 }), 'consoleSize with terminal false');
});

test('process.cwd', 'process.cwd is the working directory of the process', (t) => {
  const f = t.probe((c) => (c.process.cwd = '/var'));
  t.eq(f.cwd, '/var', 'cwd');
});

test('process.cwd-relative', 'a relative process.cwd is an error', (t) => {
  t.mustRefuse((c) => (c.process.cwd = 'tmp'), 'cwd "tmp"');
});

test('process.cwd-required', 'a process without cwd is an error', (t) => {
  t.mustRefuse((c) => delete c.process.cwd, 'process without cwd');
});

test('process.args-required', 'process.args must have at least one entry', (t) => {
  t.mustRefuse((c) => (c.process.args = []), 'args []');
});

test('process.args-path-lookup', 'args[0] without a slash is looked up in PATH, as execvp does', (t) => {
  const f = t.probe((c) => {
    c.process.args = ['probe'];
    c.process.env = ['PATH=/nonexistent:/'];
  });
  t.eq(f.argv[0], 'probe', 'argv[0]');
});

const RLIMITS = { RLIMIT_NOFILE: [512, 768], RLIMIT_CORE: [1024, 4096], RLIMIT_NPROC: [300, 400], RLIMIT_STACK: [8388608, 16777216] } as Record<string, number[]>;

test('process.rlimits', 'every rlimit is set: getrlimit succeeds, soft and hard match', (t) => {
  const f = t.probe((c) => (c.process.rlimits = Object.entries(RLIMITS).map(([type, [soft, hard]]) => ({ type, soft, hard }))));
  for (const [type, [soft, hard]] of Object.entries(RLIMITS)) {
    t.ok(Array.isArray(f.rlimits[type]), `getrlimit(${type}) failed`);
    t.eq(f.rlimits[type]?.[0], String(soft), `${type} soft (rlim_cur)`);
    t.eq(f.rlimits[type]?.[1], String(hard), `${type} hard (rlim_max)`);
  }
});

test('process.rlimits-unknown', 'an rlimit type with no kernel resource is an error', (t) => {
  t.mustRefuse((c) => c.process.rlimits.push({ type: 'RLIMIT_CONF_BOGUS', soft: 1, hard: 1 }), 'RLIMIT_CONF_BOGUS');
});

test('process.rlimits-duplicate', 'two rlimits of the same type are an error', (t) => {
  t.mustRefuse((c) => c.process.rlimits.push({ type: 'RLIMIT_NOFILE', soft: 100, hard: 100 }), 'RLIMIT_NOFILE twice');
});

for (const field of ['type', 'soft', 'hard']) {
  test(`process.rlimits-${field}-required`, `an rlimit without ${field} is an error`, (t) => {
    t.mustRefuse((c) => delete c.process.rlimits[0][field], `an rlimit without ${field}`);
  });
}

test('process.oomScoreAdj-set', 'oomScoreAdj is written to oom_score_adj', (t) => {
  const f = t.probe((c) => (c.process.oomScoreAdj = 423));
  t.eq(String(f.proc.oom_score_adj).trim(), '423', 'oom_score_adj');
});

test('process.oomScoreAdj-unset', 'without oomScoreAdj the runtime does not change oom_score_adj', (t) => {
  const mine = fs.readFileSync('/proc/self/oom_score_adj', 'utf8').trim();
  const f = t.probe((c) => delete c.process.oomScoreAdj);
  t.eq(String(f.proc.oom_score_adj).trim(), mine, 'oom_score_adj (the runtime caller\'s value)');
});

test('process.capabilities', 'each capability set is what config.json lists', (t) => {
  const sets = {
    bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_RAW', 'CAP_SETUID', 'CAP_SETGID'],
    effective: ['CAP_CHOWN', 'CAP_KILL'],
    permitted: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_RAW'],
    inheritable: ['CAP_NET_RAW'],
    ambient: ['CAP_NET_RAW'],
  };
  const f = t.probe((c) => (c.process.capabilities = sets));
  t.eq(capSet(f, 'CapBnd'), [...sets.bounding].sort(), 'bounding');
  t.eq(capSet(f, 'CapPrm'), [...sets.permitted].sort(), 'permitted');
  t.eq(capSet(f, 'CapInh'), [...sets.inheritable].sort(), 'inheritable');
  t.eq(capSet(f, 'CapAmb'), [...sets.ambient].sort(), 'ambient');
  // ambient capabilities are added to the effective set at execve
  t.eq(capSet(f, 'CapEff'), ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_RAW'], 'effective (effective + ambient)');
});

test('process.capabilities-unknown-warns', 'a capability that cannot be granted is logged as a warning, and create continues', (t) => {
  const b = t.sb.bundle((c) => {
    c.process.capabilities.bounding.push('CAP_CONF_BOGUS');
  });
  const id = t.sb.newId();
  const r = t.sb.create(id, b);
  t.ok(r.code === 0, `create failed instead of warning: ${r.stderr.trim()}`);
  t.ok(/CAP_CONF_BOGUS/.test(r.stderr), `no warning naming CAP_CONF_BOGUS on stderr: ${JSON.stringify(r.stderr)}`);
});

test('process.scheduler-policy-required', 'scheduler without policy is an error', (t) => {
  t.mustRefuse((c) => (c.process.scheduler = { nice: 1 }), 'scheduler without policy');
});

test('process.ioPriority-class-required', 'ioPriority without class is an error', (t) => {
  t.mustRefuse((c) => (c.process.ioPriority = { priority: 4 }), 'ioPriority without class');
});

test('process.ioPriority-priority-required', 'ioPriority without priority is an error', (t) => {
  t.mustRefuse((c) => (c.process.ioPriority = { class: 'IOPRIO_CLASS_BE' }), 'ioPriority without priority');
});

test('process.user', 'user.uid, user.gid and additionalGids are applied in the container namespace', (t) => {
  const f = t.probe((c) => (c.process.user = { uid: 1234, gid: 2345, additionalGids: [3456, 4567] }));
  t.eq(f.uid, [1234, 1234], 'uid, euid');
  t.eq(f.gid, [2345, 2345], 'gid, egid');
  t.ok([3456, 4567].every((g) => f.groups.includes(g)), `groups ${f.groups}`);
});

test('process.user-uid-required', 'user without uid is an error', (t) => {
  t.mustRefuse((c) => (c.process.user = { gid: 0 }), 'user without uid');
});

test('process.user-gid-required', 'user without gid is an error', (t) => {
  t.mustRefuse((c) => (c.process.user = { uid: 0 }), 'user without gid');
});

test('process.hostname-env-umask', 'hostname, env and umask are applied (not MUSTs; facts for the report)', (t) => {
  const f = t.probe((c) => {
    c.hostname = 'conf-host';
    c.process.user.umask = 0o027;
  });
  t.eq(f.hostname, 'conf-host', 'hostname');
  t.eq(f.umask, 0o027, 'umask');
});

// ---- hooks: field rules ----

for (const [field, bad] of [
  ['path-relative', { path: 'bin/true' }],
  ['path-required', { args: ['true'] }],
  ['timeout-zero', { path: '/bin/true', timeout: 0 }],
] as const) {
  for (const kind of ['prestart', 'createRuntime']) {
    test(`hooks.${kind}.${field}`, `a ${kind} hook with ${field.replace('-', ' ')} is an error`, (t) => {
      t.mustRefuse((c) => (c.hooks = { [kind]: [bad] }), `${kind} hook ${JSON.stringify(bad)}`);
    });
  }
}

// ---- annotations, extensibility, valid values, version ----

test('annotations.map', 'annotations as a string map are accepted', (t) => {
  t.mustRun((c) => (c.annotations = { 'com.example.conf': 'yes', 'org.opencontainers.image.os': 'linux' }), 'string annotations');
});

test('annotations.not-a-map', 'annotations that are not a map are an error', (t) => {
  t.mustRefuse((c) => (c.annotations = ['a=b']), 'annotations as an array');
});

test('annotations.empty-key', 'an empty annotation key is an error', (t) => {
  t.mustRefuse((c) => (c.annotations = { '': 'x' }), 'the annotation key ""');
});

test('annotations.non-string-value', 'a non-string annotation value is an error', (t) => {
  t.mustRefuse((c) => (c.annotations = { 'com.example.n': 5 }), 'an annotation value 5');
});

test('annotations.unknown-ignored', 'unknown annotation keys are ignored like unknown properties', (t) => {
  t.mustRun((c) => (c.annotations = { 'com.example.conformance.unknown': 'anything', 'org.opencontainers.conf-unknown': 'x' }), 'unknown annotation keys');
});

test('extensibility.unknown-properties', 'unknown properties are ignored', (t) => {
  t.mustRun((c) => {
    c['com.example.conformance'] = { anything: [1, 2] };
    c.process['com.example.field'] = true;
    c.linux['com.example.field'] = 'x';
  }, 'unknown properties at three levels');
});

test('valid-values.invalid', 'invalid values are an error (namespace type, rlimit type, mount destination type)', (t) => {
  t.mustRefuse((c) => c.linux.namespaces.push({ type: 'conf-bogus' }), 'namespace type conf-bogus');
});

test('valid-values.invalid-signal-in-hook-timeout', 'a negative hook timeout is an error', (t) => {
  t.mustRefuse((c) => (c.hooks = { poststart: [{ path: '/bin/true', timeout: -1 }] }), 'hook timeout -1');
});

test('ociVersion.semver', 'an ociVersion that is not SemVer is an error', (t) => {
  t.mustRefuse((c) => (c.ociVersion = 'not-a-version'), 'ociVersion "not-a-version"');
});

// ---- bundle.md ----

test('bundle.config-name', 'the configuration is config.json at the root of the bundle: another name or place is not read', (t) => {
  const b = t.sb.bundle(() => {}, { write: false });
  fs.mkdirSync(path.join(b, 'sub'));
  const c = JSON.parse(JSON.stringify(require('../harness').baseConfig()));
  fs.writeFileSync(path.join(b, 'sub', 'config.json'), JSON.stringify(c));
  fs.writeFileSync(path.join(b, 'Config.json'), JSON.stringify(c));
  const id = t.sb.newId();
  t.ok(t.sb.create(id, b).code !== 0, 'create found a configuration that is not <bundle>/config.json');
  fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify({ ...c, linux: { ...c.linux, cgroupsPath: `${t.sb.cgroupParent}/x` } }));
  const id2 = t.sb.newId();
  t.ok(t.sb.create(id2, b).code === 0, 'create with <bundle>/config.json failed');
});

test('bundle.relative-root', 'a relative root.path is found in the bundle directory, whatever the cwd', (t) => {
  const b = t.sb.bundle((c) => (c.root.path = 'rootfs'));
  const id = t.sb.newId();
  const out = path.join(t.sb.dir, 'out');
  const r = t.sb.run(['create', '--bundle', b, id], { cwd: '/', stdout: out, stderr: out + '.err' });
  if (r.code !== 0) t.fatal(`create from cwd / failed: ${r.stderr}`);
  const pid = t.sb.state(id)?.pid;
  t.sb.run(['start', id]);
  t.sb.waitStopped(id, pid);
  t.ok(fs.readFileSync(out, 'utf8').includes('"argv":["/probe"]'), 'the probe of the bundle did not run');
});

void ({} as Json);
