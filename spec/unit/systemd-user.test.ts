// Unit tests (no root, no bus): which systemd the driver asks and how it
// finds and authenticates to the user's session bus, as runc decides it
// (rootless podman: uid 0 inside podman's user namespace, only
// XDG_RUNTIME_DIR in the environment). That the user's systemd takes it is
// shown in the v2 VM (make test-v2: spec/v2/rootless-podman.test.ts).
import t from 'tap';
import { chooseBus, defaultSlice, outsideUid, sessionBusPath, unitCgroupPath, unixPathOf, type BusFacts } from '../../lib/cgroups/systemd-user';
import { besideOwnCgroup, parseSystemdPath, resolveCgroupPath } from '../../lib/cgroups/path';

// podman's user namespace for user 1000 with subordinate ids 100000-165535
const PODMAN_MAP = '         0       1000          1\n         1     100000      65536\n';

t.test('D-Bus addresses: the first unix:path=, unescaped', async (t) => {
  t.equal(unixPathOf('unix:path=/run/user/1000/bus'), '/run/user/1000/bus');
  t.equal(unixPathOf('unix:abstract=/tmp/x;unix:guid=1,path=/run/a%20b'), '/run/a b');
  t.equal(unixPathOf('unix:abstract=/tmp/dbus-x,guid=abc'), undefined);
  t.equal(unixPathOf('tcp:host=localhost,port=1'), undefined);
  t.equal(unixPathOf(''), undefined);
});

t.test('session bus: DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus when it exists', async (t) => {
  const none = (): boolean => false;
  const has = (p: string): boolean => p === '/run/user/1000/bus';
  t.same(sessionBusPath({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x/bus', XDG_RUNTIME_DIR: '/run/user/1000' }, has), { path: '/x/bus' });
  // what conmon passes the runtime under rootless podman
  t.same(sessionBusPath({ XDG_RUNTIME_DIR: '/run/user/1000/' }, has), { path: '/run/user/1000/bus' });
  const noBus = sessionBusPath({ XDG_RUNTIME_DIR: '/run/user/1000' }, none);
  t.match(noBus, { error: /could not detect DBUS_SESSION_BUS_ADDRESS.*dbus-user-session/ }, "runc's words when there is none");
  t.match(sessionBusPath({}, has), { error: /could not detect/ });
  t.match(sessionBusPath({ DBUS_SESSION_BUS_ADDRESS: 'unix:abstract=/tmp/dbus-1' }, has), { error: /DBUS_SESSION_BUS_ADDRESS "unix:abstract=\/tmp\/dbus-1" has no unix:path= entry/ });
});

t.test('our uid outside the user namespace, from uid_map', async (t) => {
  t.equal(outsideUid(PODMAN_MAP, 0), 1000, "podman's root is the user");
  t.equal(outsideUid(PODMAN_MAP, 1), 100000);
  t.equal(outsideUid(PODMAN_MAP, 65536), 165535);
  t.equal(outsideUid(PODMAN_MAP, 65537), undefined, 'not mapped');
  t.equal(outsideUid('0 0 4294967295\n', 0), 0, 'the initial namespace');
  t.equal(outsideUid('garbage\n', 0), undefined);
});

t.test('which systemd: runc rootless rules', async (t) => {
  const sys = '/run/dbus/system_bus_socket';
  const bus = { path: '/run/user/1000/bus' };
  const f = (o: Partial<BusFacts>): BusFacts => ({ euid: 0, inUserNamespace: false, hostUid: 0, sessionBus: bus, ...o });
  t.same(chooseBus(f({}), sys), { kind: 'system', path: sys, authUid: 0 }, 'real root: the system instance, even with a session bus');
  t.same(chooseBus(f({ inUserNamespace: true, hostUid: 1000 }), sys), { kind: 'user', path: bus.path, authUid: 1000 }, 'rootless podman: the user instance, as uid 1000');
  t.same(chooseBus(f({ inUserNamespace: true, hostUid: 0 }), sys), { kind: 'system', path: sys, authUid: 0 }, 'root in a namespace mapped onto host root: the system instance');
  t.same(chooseBus(f({ inUserNamespace: true, hostUid: 1000, sessionBus: { error: 'none' } }), sys), { kind: 'system', path: sys, authUid: 1000 }, "no session bus: runc takes OwnerUID 0");
  t.same(chooseBus(f({ euid: 1000, hostUid: 1000 }), sys), { kind: 'user', path: bus.path, authUid: 1000 }, 'a plain user');
  t.same(chooseBus(f({ euid: 1000, hostUid: 1000, sessionBus: { error: 'no bus here' } }), sys), { kind: 'user', error: 'no bus here' });
});

t.test("units of the user's systemd: under its ControlGroup, user.slice by default", async (t) => {
  const mgr = '/user.slice/user-1000.slice/user@1000.service';
  t.equal(defaultSlice('user'), 'user.slice');
  t.equal(defaultSlice('system'), 'system.slice');
  // podman's cgroupsPath with the systemd manager, and runc's default
  const id = 'c0ffee';
  t.same(parseSystemdPath(`user.slice:libpod:${id}`, id, 'user.slice'), { unit: `libpod-${id}.scope`, slice: 'user.slice' });
  t.same(parseSystemdPath('', id, 'user.slice'), { unit: `runts-${id}.scope`, slice: 'user.slice' });
  t.same(parseSystemdPath(':p:x', id, 'user.slice'), { unit: 'p-x.scope', slice: 'user.slice' });
  t.equal(unitCgroupPath(mgr, resolveCgroupPath(`user.slice:libpod:${id}`, id, true, 'user.slice')), `${mgr}/user.slice/libpod-${id}.scope`);
  t.equal(unitCgroupPath(mgr + '/', resolveCgroupPath('a-b.slice:x:y', id, true, 'user.slice')), `${mgr}/a.slice/a-b.slice/x-y.scope`);
  t.equal(unitCgroupPath('', resolveCgroupPath('', id, true)), `/system.slice/runts-${id}.scope`, 'the system instance: from the root');
});

t.test('rootless cgroupfs without cgroupsPath: beside the runtime, in the parent of its own cgroup (runc fs2)', async (t) => {
  // podman --cgroup-manager cgroupfs: the runtime runs in podman's scope, in the user's delegated user.slice
  const own = '0::/user.slice/user-1000.slice/user@1000.service/user.slice/podman-617.scope\n';
  t.equal(besideOwnCgroup('abc', own), '/user.slice/user-1000.slice/user@1000.service/user.slice/abc');
  t.equal(besideOwnCgroup('abc', '0::/\n'), '/abc');
  t.equal(besideOwnCgroup('abc', '12:memory:/x\n'), undefined, 'no v2 line');
});
