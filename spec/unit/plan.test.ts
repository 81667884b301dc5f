// config.json -> LaunchPlan, without root: what the child will be told to do.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildPlan, PlanError, type PlanInput } from '../../lib/plan/build';
import { buildExecPlan, type ExecPlanInput } from '../../lib/plan/exec';
import { parseMountOptions, MS, MOUNT_ATTR } from '../../lib/plan/mounts';
import { NS_FLAGS } from '../../lib/plan/types';
import type { Spec } from '../../lib/config/types';
import { planInput, testSpec } from '../lib/plan-input';
import { startReportError } from '../../lib/hooks';
import { startHookState, startStateMessage } from '../../lib/plan/hooks';

const spec = (edit: (s: any) => void = () => {}): Spec => testSpec({ rootless: false }, edit);

const input = (s: Spec, more: Partial<PlanInput> = {}): PlanInput =>
  planInput(s, { cgroupJoin: { tasks: ['/sys/fs/cgroup/pids/c/tasks'], into: '/sys/fs/cgroup/unified/c' }, isDirectory: (p) => !p.endsWith('.conf'), ...more });

t.test('namespaces: new ones as clone flags, given paths as joins, user first and mount last', async (t) => {
  const p = buildPlan(
    input(
      spec((s) => {
        s.linux.namespaces = [
          { type: 'mount', path: '/proc/1/ns/mnt' },
          { type: 'network', path: '/proc/1/ns/net' },
          { type: 'pid' },
          { type: 'uts' },
          { type: 'user', path: '/proc/1/ns/user' },
        ];
      }),
    ),
  );
  t.equal(p.namespaces.cloneFlags, NS_FLAGS.pid | NS_FLAGS.uts);
  t.same(
    p.namespaces.joins.map((j) => j.type),
    ['user', 'network', 'mount'],
  );
  t.equal(p.namespaces.joins[1].flag, NS_FLAGS.network, 'setns is told the type it expects');
});

t.test('user namespace: maps written as the kernel reads them; refused without mappings', async (t) => {
  const withUser = spec((s) => {
    s.linux.namespaces.push({ type: 'user' });
    s.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    s.linux.gidMappings = [{ containerID: 0, hostID: 200000, size: 1000 }, { containerID: 1000, hostID: 5000, size: 1 }];
  });
  const p = buildPlan(input(withUser));
  t.equal(p.namespaces.uidMap, '0 100000 65536\n');
  t.equal(p.namespaces.gidMap, '0 200000 1000\n1000 5000 1\n');
  t.ok(p.namespaces.cloneFlags & NS_FLAGS.user);
  t.ok(p.rootfs!.devices.every((d) => d.bind), 'devices are bind-mounted inside a user namespace');
  const noMaps = spec((s) => s.linux.namespaces.push({ type: 'user' }));
  t.throws(() => buildPlan(input(noMaps)), new PlanError('/linux/uidMappings: a new user namespace needs uidMappings and gidMappings'));
});

t.test("inside someone else's user namespace (rootless podman): devices are bound, never made with mknod", async (t) => {
  const podman = spec((s) => (s.linux.devices = [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229 }]));
  t.ok(buildPlan(input(podman)).rootfs!.devices.every((d) => !d.bind), 'in the initial namespace: mknod');
  const p = buildPlan(input(podman, { inUserNamespace: true }));
  t.ok(p.rootfs!.devices.length > 1 && p.rootfs!.devices.every((d) => d.bind), 'linux.devices and the defaults bound');
  t.equal(p.namespaces.cloneFlags & NS_FLAGS.user, 0, 'no new user namespace is asked for');
});

t.test('hostname needs its namespace; without a mount namespace mounts are made in the runtime\'s (as runc), masked paths refused', async (t) => {
  const noUts = spec((s) => (s.linux.namespaces = s.linux.namespaces.filter((n: any) => n.type !== 'uts')));
  t.throws(() => buildPlan(input(noUts)), /\/hostname: .*uts namespace/);
  const noMnt = spec((s) => (s.linux.namespaces = s.linux.namespaces.filter((n: any) => n.type !== 'mount')));
  t.throws(() => buildPlan(input(noMnt)), /\/linux\/maskedPaths: .*mount namespace/);
  delete noMnt.linux!.maskedPaths;
  delete noMnt.linux!.readonlyPaths;
  const p = buildPlan(input(noMnt));
  const planned = new Set(p.rootfs!.mounts.map((m) => m.destination));
  t.ok(
    noMnt.mounts!.filter((m) => m.type !== 'cgroup').every((m) => planned.has(m.destination)),
    'every mount is planned',
  );
  t.ok(p.rootfs!.devices.some((d) => d.path === '/dev/null'), "and runc's default devices");
});

t.test('mount options become flags, propagation and data', async (t) => {
  t.same(parseMountOptions(['nosuid', 'strictatime', 'mode=755', 'size=65536k']), {
    flags: MS.NOSUID | MS.STRICTATIME,
    propagation: 0,
    data: ['mode=755', 'size=65536k'],
    recSet: 0,
    recClear: 0,
    idmap: '',
    tmpcopyup: false,
  });
  t.same(parseMountOptions(['ro', 'rw', 'rbind', 'rslave']), { flags: MS.BIND | MS.REC, propagation: MS.SLAVE | MS.REC, data: [], recSet: 0, recClear: 0, idmap: '', tmpcopyup: false });
  const rec = parseMountOptions(['rro', 'rnosuid', 'rnoatime', 'ratime']);
  t.same([rec.recSet, rec.recClear], [MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID, MOUNT_ATTR.ATIME_MASK], 'recursive options: the last atime choice wins');
  const noatime = parseMountOptions(['rnoatime']);
  t.same([noatime.recSet, noatime.recClear], [MOUNT_ATTR.NOATIME, MOUNT_ATTR.ATIME_MASK], 'an atime mode clears the whole atime mask, as the kernel wants');
  t.same(parseMountOptions(['iversion', 'lazytime', 'ridmap']), { flags: MS.I_VERSION | MS.LAZYTIME, propagation: 0, data: [], recSet: 0, recClear: 0, idmap: 'ridmap', tmpcopyup: false });
  const p = buildPlan(
    input(
      spec((s) => {
        s.mounts.push({ destination: '/etc/app.conf', type: 'bind', source: 'app.conf', options: ['rbind', 'ro', 'nosuid'] });
        s.mounts.push({ destination: '/data', source: '/srv/data', options: ['bind', 'private'] });
      }),
    ),
  );
  const conf = p.rootfs!.mounts.find((m) => m.destination === '/etc/app.conf')!;
  t.equal(conf.source, '/b/app.conf', 'relative bind sources are under the bundle');
  t.equal(conf.flags, MS.BIND | MS.REC);
  t.equal(conf.remountFlags, MS.RDONLY | MS.NOSUID, 'ro and nosuid need the remount');
  t.ok(conf.isFile, 'a file source gets a file mount point');
  const data = p.rootfs!.mounts.find((m) => m.destination === '/data')!;
  t.equal(data.propagation, MS.PRIVATE);
  t.notOk(data.isFile);
  const proc = p.rootfs!.mounts.find((m) => m.destination === '/proc')!;
  t.same([proc.fstype, proc.source, proc.flags], ['proc', 'proc', 0]);
});

t.test('a cgroup mount on a v1/hybrid host is a tmpfs of per-hierarchy mounts, read-only last', async (t) => {
  const hierarchies = [
    { key: 'memory', mountpoint: '/sys/fs/cgroup/memory', version: 1 as const, options: 'memory' },
    { key: 'name=systemd', mountpoint: '/sys/fs/cgroup/systemd', version: 1 as const, options: 'name=systemd' },
    { key: 'unified', mountpoint: '/sys/fs/cgroup/unified', version: 2 as const, options: '' },
  ];
  const p = buildPlan(input(spec(), { hierarchies }));
  const cg = p.rootfs!.mounts.filter((m) => m.destination.startsWith('/sys/fs/cgroup'));
  t.same(
    cg.map((m) => [m.destination, m.fstype, m.data]),
    [
      ['/sys/fs/cgroup', 'tmpfs', 'mode=755'],
      ['/sys/fs/cgroup/memory', 'cgroup', 'memory'],
      ['/sys/fs/cgroup/systemd', 'cgroup', 'name=systemd'],
      ['/sys/fs/cgroup/unified', 'cgroup2', ''],
      ['/sys/fs/cgroup', '', 'mode=755'],
    ],
  );
  t.ok(cg[cg.length - 1].flags & MS.REMOUNT && cg[cg.length - 1].flags & MS.RDONLY);
  t.notOk(cg[0].flags & MS.RDONLY, 'the tmpfs stays writable until its mount points exist');

  // without a cgroup namespace: the container's own directories are bound, as runc does
  const own = { memory: '/sys/fs/cgroup/memory/c1', 'name=systemd': '/sys/fs/cgroup/systemd/c1', unified: '/sys/fs/cgroup/unified/c1' };
  const noNs = buildPlan(input(spec((s) => (s.linux.namespaces = s.linux.namespaces.filter((n: any) => n.type !== 'cgroup'))), { hierarchies, cgroupPaths: own }));
  const binds = noNs.rootfs!.mounts.filter((m) => m.destination.startsWith('/sys/fs/cgroup/'));
  t.same(
    binds.map((m) => [m.destination, m.source, m.flags & MS.BIND ? 'bind' : m.fstype]),
    [
      ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/memory/c1', 'bind'],
      ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/systemd/c1', 'bind'],
      ['/sys/fs/cgroup/unified', '/sys/fs/cgroup/unified/c1', 'bind'],
    ],
  );
  t.ok(binds.every((m) => m.remountFlags & MS.NOSUID), 'bound with the mount\'s flags');
});

t.test('capabilities: masks; unknown or unavailable ones are skipped with a warning', async (t) => {
  const warnings: string[] = [];
  const s = spec((s) => {
    s.process.capabilities.bounding.push('CAP_FOO', 'CAP_SYS_RESOURCE');
    s.process.capabilities.ambient = ['CAP_KILL'];
  });
  const p = buildPlan(input(s, { hostBounding: ((1n << 41n) - 1n) & ~(1n << 24n), warn: (m) => warnings.push(m) }));
  t.equal(p.process.capBounding, (1n << 29n) | (1n << 5n) | (1n << 10n), 'AUDIT_WRITE, KILL, NET_BIND_SERVICE');
  t.equal(p.process.capAmbient, 1n << 5n);
  t.same(warnings, ['ignoring unknown or unavailable capabilities: [CAP_FOO CAP_SYS_RESOURCE]']);
});

t.test('process: user, env, HOME, PATH, rlimits, cwd and args', async (t) => {
  const p = buildPlan(
    input(
      spec((s) => {
        s.process.user = { uid: 1000, gid: 100, additionalGids: [5], umask: 0o077 };
        s.process.env = ['PATH=/opt/bin:/bin'];
        s.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 }];
        s.process.args = ['app', '--flag'];
        s.process.cwd = '/work';
      }),
      { passwd: 'root:x:0:0::/root:/bin/sh\nu:x:1000:100::/home/u:/bin/sh\n' },
    ),
  );
  t.same([p.process.uid, p.process.gid, p.process.additionalGids, p.process.umask], [1000, 100, [5], 0o077]);
  t.same(p.process.env, ['PATH=/opt/bin:/bin', 'HOME=/home/u'], 'HOME from the container\'s passwd, as runc');
  t.equal(p.process.searchPath, '/opt/bin:/bin');
  t.same(p.process.rlimits, [{ resource: 7, soft: 1024n, hard: 4096n }]);
  t.same([p.process.cwd, p.process.args], ['/work', ['app', '--flag']]);
  t.equal(buildPlan(input(spec((s) => (s.process.env = [])))).process.searchPath, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
});

t.test('default devices and /dev links are planned, config devices win', async (t) => {
  const p = buildPlan(
    input(
      spec((s) => {
        s.linux.devices = [{ type: 'c', path: '/dev/null', major: 1, minor: 3, fileMode: 0o600, uid: 0, gid: 0 }, { type: 'c', path: '/dev/fuse', major: 10, minor: 229 }];
      }),
    ),
  );
  const nul = p.rootfs!.devices.filter((d) => d.path === '/dev/null');
  t.equal(nul.length, 1);
  t.equal(nul[0].mode, 0o020600);
  t.ok(p.rootfs!.devices.some((d) => d.path === '/dev/fuse' && d.major === 10 && d.minor === 229));
  for (const d of ['/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty']) t.ok(p.rootfs!.devices.some((x) => x.path === d), d);
  t.same(
    p.rootfs!.devLinks.map((l) => `${l.path}->${l.target}`),
    ['/dev/fd->/proc/self/fd', '/dev/stdin->/proc/self/fd/0', '/dev/stdout->/proc/self/fd/1', '/dev/stderr->/proc/self/fd/2', '/dev/ptmx->pts/ptmx', '/dev/core->/proc/kcore'],
  );
});

t.test('rootfs propagation: private stays private, shared is applied after the pivot', async (t) => {
  t.equal(buildPlan(input(spec())).rootfs!.rootPropagation, MS.REC | MS.SLAVE, 'rslave by default, as runc');
  t.equal(buildPlan(input(spec((s) => (s.linux.rootfsPropagation = 'private')))).rootfs!.rootPropagation, MS.REC | MS.PRIVATE);
  const shared = buildPlan(input(spec((s) => (s.linux.rootfsPropagation = 'rshared'))));
  t.equal(shared.rootfs!.rootfsPropagation, MS.REC | MS.SHARED);
});

t.test('the sample bundle plans cleanly', async (t) => {
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'bundles', 'busybox', 'config.json'), 'utf8'));
  const p = buildPlan(input(config));
  t.equal(p.namespaces.hostname, 'runts-demo');
  t.ok(p.rootfs!.readonlyRoot);
  t.ok(p.process.noNewPrivileges);
});

t.test('exec: no rootfs section; every namespace joined, user first and mount last; chroot only without a mount namespace', async (t) => {
  const base = input(spec());
  const exec = (namespacePaths: Record<string, string>): ExecPlanInput => ({
    ...base,
    process: base.spec.process!,
    initPid: 42,
    rootfs: '/b/rootfs',
    namespacePaths,
    noNewKeyring: false,
    containerId: 'c1',
  });
  const p = buildExecPlan(exec({ mount: '', pid: '', user: '' }));
  t.equal(p.rootfs, null, 'nothing of the container is set up again');
  t.same(p.namespaces.joins.map((j) => j.path), ['/proc/42/ns/user', '/proc/42/ns/pid', '/proc/42/ns/mnt']);
  t.equal(p.namespaces.cloneFlags, 0);
  t.equal(p.process.chroot, '', 'the joined mount namespace has the root');
  t.equal(p.process.sessionKeyring, '_ses.c1', "the container's keyring, joined by name");
  t.same(p.sync, { cgroupTasks: base.cgroupJoin.tasks, cgroupInto: '', cgroupProcs: [`${base.cgroupJoin.into}/cgroup.procs`], fifoPath: '', pauseForHooks: false, consoleSocket: '', startHooks: [], hooksFifoPath: '', stateMaxBytes: 0 }, 'exec runs no hooks');
  t.equal(buildExecPlan(exec({ pid: '' })).process.chroot, '/b/rootfs', 'no mount namespace: chroot into the rootfs');
});

t.test('create: the four sections', async (t) => {
  const p = buildPlan(input(spec()));
  t.same(Object.keys(p), ['namespaces', 'rootfs', 'process', 'sync']);
  t.equal(p.rootfs!.path, '/b/rootfs');
  t.equal(p.sync.fifoPath, '/run/x/exec.fifo');
  t.equal(p.process.chroot, '');
});

t.test('what the addon cannot carry is refused naming the config field (issue 16.8)', async (t) => {
  t.throws(() => buildPlan(input(spec((s) => s.process.env.push('A=b\u0000c')))), /^\/process\/env\/\d+: contains a NUL byte$/);
  t.throws(() => buildPlan(input(spec((s) => (s.linux.sysctl = { 'a\u0000b': '1' })))), /^\/linux\/sysctl: a key contains a NUL byte$/);
  t.throws(() => buildPlan(input(spec((s) => (s.annotations = { 'x/y': 'a\u0000' })))), /^\/annotations\/x~1y: contains a NUL byte$/);
  const long = '/dev/' + 'd/'.repeat(2100) + 'x';
  t.throws(() => buildPlan(input(spec((s) => (s.linux.devices = [{ type: 'c', path: long, major: 1, minor: 3 }])))),
    /^\/linux\/devices\/0\/path: a path of 4206 bytes is longer than 4095: file name too long$/);
  t.throws(() => buildPlan(input(spec((s) => (s.linux.devices = [{ type: 'c', path: '/dev/x', major: 4096, minor: 0 }])))),
    /^\/linux\/devices\/0\/major: 4096 is out of range 0\.\.4095$/);
  t.throws(() => buildPlan(input(spec((s) => (s.process.consoleSize = { height: 65536, width: 1 })))), /^\/process\/consoleSize\/height: /);
  t.throws(() => buildPlan(input(spec(), { preserveFds: -1 })), /^--preserve-fds: -1 is out of range 0\.\.504$/);
  t.equal(buildPlan(input(spec((s) => (s.process.user.umask = 2 ** 32 - 1)))).process.umask, 0o777, 'the kernel keeps the permission bits, as runc');
  const inf = buildPlan(input(spec((s) => (s.process.rlimits = [{ type: 'RLIMIT_CORE', soft: 18446744073709551615, hard: 0 }]))));
  t.equal(inf.process.rlimits[0].soft, (1n << 64n) - 1n, 'RLIM_INFINITY survives JSON rounding it to 2^64');
});

t.test('startContainer hooks are in the plan for the init to run, with the state bound it reads (issue 16.4)', async (t) => {
  const none = buildPlan(input(spec()));
  t.same(none.sync.startHooks, []);
  t.equal(none.sync.hooksFifoPath, '');
  t.equal(none.sync.stateMaxBytes, 0);

  const withHooks = spec((s) => {
    s.annotations = { a: 'b' };
    s.hooks = {
      startContainer: [
        { path: '/bin/check', args: ['check', '--x'], env: ['A=1'], timeout: 5 },
        // no args: argv[0] is the path; no env: the process's, as runc's init has it
        { path: '/bin/plain' },
      ],
    };
  });
  const p = buildPlan(input(withHooks, { hooksFifoPath: '/run/x/hooks.fifo', containerId: 'c1' }));
  t.same(p.sync.startHooks, [
    { path: '/bin/check', args: ['check', '--x'], env: ['A=1'], timeout: 5 },
    { path: '/bin/plain', args: ['/bin/plain'], env: p.process.env, timeout: 0 },
  ]);
  t.ok(p.process.env.some((e) => e.startsWith('PATH=')), 'the process env has PATH and HOME');
  t.equal(p.sync.hooksFifoPath, '/run/x/hooks.fifo');
  const longest = startStateMessage(startHookState(withHooks, 'c1', '/b', 4194304));
  t.match(longest, /^\d+\n\{/, 'the state after its length');
  t.ok(p.sync.stateMaxBytes >= Buffer.byteLength(longest), 'the state of any pid fits the init buffer');
  t.ok(p.sync.stateMaxBytes < Buffer.byteLength(longest) + 8, 'and the buffer is no bigger than that');
  t.same(JSON.parse(longest.slice(longest.indexOf('\n') + 1)), { ociVersion: withHooks.ociVersion, id: 'c1', status: 'created', pid: 4194304, bundle: '/b', annotations: { a: 'b' } });

  t.throws(() => buildPlan(input(withHooks, { containerId: 'c1' })), /^\/hooks\/startContainer: no fifo/, 'a plan with hooks needs the report fifo');
  const many = spec((s) => (s.hooks = { startContainer: Array.from({ length: 257 }, () => ({ path: '/x' })) }));
  t.throws(() => buildPlan(input(many, { hooksFifoPath: '/f' })), /^\/hooks\/startContainer: more than 256 hooks/);
  const long = spec((s) => (s.hooks = { startContainer: [{ path: '/' + 'x'.repeat(5000) }] }));
  t.throws(() => buildPlan(input(long, { hooksFifoPath: '/f' })), /^\/hooks\/startContainer\/0\/path: a path of 5001 bytes/);
});

t.test("start reads the init's report on its hooks in runc's words", async (t) => {
  const words = (n: number): string => (n === 2 ? 'no such file or directory' : `errno ${n}`);
  t.equal(startReportError(Buffer.from('ok\n'), words), undefined);
  t.equal(startReportError(Buffer.from('fail 1 exit 3 0 0\n'), words), 'error running startContainer hook #1: error running hook: exit status 3, stdout: , stderr: ');
  t.equal(startReportError(Buffer.from('fail 0 signal 31 3 4\nout\nerr\n'), words), 'error running startContainer hook #0: error running hook: signal: bad system call, stdout: out, stderr: err');
  t.equal(startReportError(Buffer.from('fail 0 timeout 2 0 0\n'), words), 'error running startContainer hook #0: timeout after 2 seconds');
  t.equal(startReportError(Buffer.from('fail -1 error 2 10 0\nread state'), words), 'error running startContainer hooks: read state: no such file or directory');
  t.match(startReportError(Buffer.alloc(0), words), /exited before it reported/, 'an init that died says nothing');
});

t.test('bind sources are opened by the runtime when the container has a user and a mount namespace, and runts is root', async (t) => {
  const withMounts = (userns: 'new' | 'path' | 'none') =>
    spec((s) => {
      if (userns === 'new') s.linux.namespaces.push({ type: 'user' });
      if (userns === 'path') s.linux.namespaces.push({ type: 'user', path: '/proc/1/ns/user' });
      if (userns === 'new') {
        s.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
        s.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      }
      s.mounts = [
        { destination: '/data', source: '/srv/data', options: ['rbind'] },
        { destination: '/tmp', type: 'tmpfs', source: 'tmpfs' },
      ];
    });
  const opened = (p: ReturnType<typeof buildPlan>): boolean[] => p.rootfs!.mounts.map((m) => m.openSource);
  t.same(opened(buildPlan(input(withMounts('new')))), [true, false], 'a new user namespace: the bind, not the tmpfs');
  t.same(opened(buildPlan(input(withMounts('path')))), [true, false], 'a user namespace joined by path too');
  t.same(opened(buildPlan(input(withMounts('none')))), [false, false], 'no user namespace: the init opens them itself');
  const own = withMounts('new');
  own.linux!.uidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
  own.linux!.gidMappings = [{ containerID: 0, hostID: 1000, size: 1 }];
  t.same(opened(buildPlan(input(own, { rootless: { euid: 1000, egid: 1000, user: 'u' } }))), [false, false], 'rootless: the runtime cannot join the mount namespace');
});
