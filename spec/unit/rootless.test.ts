import t from 'tap';
import {
  cgroupAccess,
  cgroupsDelegated,
  defaultStateRoot,
  honorsXdgRuntimeDir,
  parseBoolOrAuto,
  parseInUserNamespace,
  usesRootlessCgroups,
  firstLimitField,
  ownCgroupPaths,
} from '../../lib/rootless';

const realRoot = { euid: 0, inUserNamespace: false };
const nsRoot = { euid: 0, inUserNamespace: true };
const user = { euid: 1001, inUserNamespace: false };

t.test('user namespace from /proc/self/uid_map', async (t) => {
  t.equal(parseInUserNamespace('         0          0 4294967295\n'), false);
  t.equal(parseInUserNamespace('         0       1001          1\n'), true);
  t.equal(parseInUserNamespace('0 1001 1\n1 100000 65536\n'), true);
  t.equal(parseInUserNamespace('0 0 4294967294\n'), true);
  t.equal(parseInUserNamespace(undefined), false);
});

t.test('XDG_RUNTIME_DIR as runc honours it', async (t) => {
  t.equal(honorsXdgRuntimeDir({}, user), false, 'unset');
  t.equal(honorsXdgRuntimeDir({ XDG_RUNTIME_DIR: '/run/user/1001' }, user), true);
  t.equal(honorsXdgRuntimeDir({ XDG_RUNTIME_DIR: '/run/user/0' }, realRoot), false, 'the real root keeps /run/runts');
  t.equal(honorsXdgRuntimeDir({ XDG_RUNTIME_DIR: '/run/user/1001' }, nsRoot), true, 'uid 0 in a userns, USER unset');
  t.equal(honorsXdgRuntimeDir({ XDG_RUNTIME_DIR: '/run/user/1001', USER: 'tester' }, nsRoot), true);
  t.equal(honorsXdgRuntimeDir({ XDG_RUNTIME_DIR: '/run/user/0', USER: 'root' }, nsRoot), false);
});

t.test('default state root', async (t) => {
  t.same(defaultStateRoot({ XDG_RUNTIME_DIR: '/run/user/1001' }, user), { root: '/run/user/1001/runts', xdg: true });
  t.same(defaultStateRoot({}, user), { root: '/run/runts', xdg: false });
  t.same(defaultStateRoot({ XDG_RUNTIME_DIR: '/run/user/0' }, realRoot), { root: '/run/runts', xdg: false });
});

t.test('rootless cgroup manager: --rootless and auto', async (t) => {
  t.equal(usesRootlessCgroups('auto', realRoot), false);
  t.equal(usesRootlessCgroups(undefined, user), true);
  t.equal(usesRootlessCgroups('auto', nsRoot), true, 'cgroupfs in a userns');
  t.equal(usesRootlessCgroups('auto', nsRoot, { enabled: true, ownerUid: 0 }), false, 'rootful systemd inside a userns');
  t.equal(usesRootlessCgroups('auto', nsRoot, { enabled: true, ownerUid: 1000 }), true, 'user systemd');
  t.equal(usesRootlessCgroups('true', realRoot), true);
  t.equal(usesRootlessCgroups('false', user), false);
  t.equal(parseBoolOrAuto('T'), true);
  t.throws(() => parseBoolOrAuto('maybe'), /strconv.ParseBool: parsing "maybe": invalid syntax/);
});

t.test('cgroup access: nearest existing directory decides', async (t) => {
  const fake: Record<string, boolean> = {
    '/sys/fs/cgroup/memory': false,
    '/sys/fs/cgroup/unified': false,
    '/sys/fs/cgroup/unified/user.slice/user-1001.slice': true,
  };
  const access = (p: string) => ({ exists: p in fake, writable: fake[p] ?? false });
  const hs = [
    { key: 'memory', mountpoint: '/sys/fs/cgroup/memory' },
    { key: 'unified', mountpoint: '/sys/fs/cgroup/unified' },
  ];
  const a = cgroupAccess(hs, '/user.slice/user-1001.slice/c1', access);
  t.same(a, [
    { key: 'memory', existing: '/sys/fs/cgroup/memory', writable: false },
    { key: 'unified', existing: '/sys/fs/cgroup/unified/user.slice/user-1001.slice', writable: true },
  ]);
  t.equal(cgroupsDelegated(a), false);
  t.equal(cgroupsDelegated(a.slice(1)), true);
  t.equal(cgroupsDelegated([]), false, 'no hierarchy is no delegation');
});

t.test('the first limit a config asks, devices left out', async (t) => {
  t.equal(firstLimitField(undefined), undefined);
  t.equal(firstLimitField({ devices: [{ allow: false, access: 'rwm' }] }), undefined);
  t.equal(firstLimitField({ memory: {}, cpu: { shares: null } }), undefined);
  t.equal(firstLimitField({ memory: { limit: 33554432 } }), '/linux/resources/memory/limit');
  t.equal(firstLimitField({ pids: { limit: 0 } }), '/linux/resources/pids/limit', 'a zero is still asked');
  t.equal(firstLimitField({ hugepageLimits: [{ pageSize: '2MB', limit: 1 }] }), '/linux/resources/hugepageLimits/0/pageSize');
  t.equal(firstLimitField({ unified: { 'memory.max': '1m' } }), '/linux/resources/unified/memory.max');
  t.equal(firstLimitField({ unified: { 'a/b': '1' } }), '/linux/resources/unified/a~1b');
});

t.test('own cgroup per hierarchy from /proc/self/cgroup', async (t) => {
  const hs = [
    { key: 'cpu,cpuacct', mountpoint: '/sys/fs/cgroup/cpu,cpuacct', version: 1 as const },
    { key: 'name=systemd', mountpoint: '/sys/fs/cgroup/systemd', version: 1 as const },
    { key: 'unified', mountpoint: '/sys/fs/cgroup/unified', version: 2 as const },
    { key: 'memory', mountpoint: '/sys/fs/cgroup/memory', version: 1 as const },
  ];
  const text = '4:cpuacct,cpu:/user.slice\n1:name=systemd:/user.slice/u.scope\n0::/user.slice/u.scope\n';
  t.same(ownCgroupPaths(hs, text), {
    'cpu,cpuacct': '/sys/fs/cgroup/cpu,cpuacct/user.slice',
    'name=systemd': '/sys/fs/cgroup/systemd/user.slice/u.scope',
    unified: '/sys/fs/cgroup/unified/user.slice/u.scope',
  });
});
