// Rootless decisions without root: how the id maps are written, what a
// rootless config must have, sysfs without a network namespace, and the
// lifecycle of a rootless create whose cgroups are not delegated.
import t from 'tap';
import { buildPlan, type PlanInput } from '../../lib/plan/build';
import { buildExecPlan } from '../../lib/plan/exec';
import { mapWriting, subordinateRanges, type RootlessCaller } from '../../lib/plan/rootless-maps';
import { MS } from '../../lib/plan/mounts';
import type { Spec } from '../../lib/config/types';
import { planInput, testSpec } from '../lib/plan-input';
import { create, kill, remove } from '../../lib/container/lifecycle';
import { Store } from '../../lib/container/store';
import { FakeHost } from './fake-host';
import { refusal } from '../lib/refusal';

const caller: RootlessCaller = {
  euid: 1001,
  egid: 1001,
  user: 'alice',
  subuid: 'bob:200000:65536\nalice:100000:65536\n',
  subgid: '1001:300000:1000\n',
  newuidmap: '/usr/bin/newuidmap',
  newgidmap: '/usr/bin/newgidmap',
};

const rootless = (edit: (s: any) => void = () => {}): Spec => testSpec({ rootless: true, uid: 1001, gid: 1001 }, edit);

const input = (s: Spec, more: Partial<PlanInput> = {}): PlanInput => planInput(s, { rootless: caller, ...more });

t.test('subordinate ranges by name or number', async (t) => {
  t.same(subordinateRanges(caller.subuid, 'alice', 1001), [{ start: 100000, count: 65536 }]);
  t.same(subordinateRanges(caller.subgid, 'alice', 1001), [{ start: 300000, count: 1000 }]);
  t.same(subordinateRanges('alice:x:1\n#c\n', 'alice', 1001), []);
  t.same(subordinateRanges(undefined, 'alice', 1001), []);
});

t.test('the caller\'s own ids alone: written directly, setgroups denied, stage 1 dumpable for it', async (t) => {
  const p = buildPlan(input(rootless()));
  t.equal(p.namespaces.uidMap, '0 1001 1\n');
  t.equal(p.namespaces.gidMap, '0 1001 1\n');
  t.same(
    { u: p.namespaces.uidMapTool, g: p.namespaces.gidMapTool, s: p.namespaces.setgroups, d: p.namespaces.dumpableForMaps },
    { u: '', g: '', s: 'deny', d: true },
  );
  const asRoot = buildPlan(input(rootless(), { rootless: undefined }));
  t.same(
    { u: asRoot.namespaces.uidMapTool, s: asRoot.namespaces.setgroups, d: asRoot.namespaces.dumpableForMaps },
    { u: '', s: '', d: false },
    'root writes any map itself and stays non-dumpable',
  );
});

t.test('more ranges: newuidmap/newgidmap, checked against /etc/subuid and /etc/subgid first', async (t) => {
  const two = rootless((s) => {
    s.linux.uidMappings.push({ containerID: 1, hostID: 100000, size: 65536 });
    s.linux.gidMappings.push({ containerID: 1, hostID: 300000, size: 1000 });
  });
  const w = mapWriting(two, caller);
  t.same(w, { uidMapTool: '/usr/bin/newuidmap', gidMapTool: '/usr/bin/newgidmap', setgroups: '', dumpableForMaps: true });
  const tooMany = rootless((s) => s.linux.uidMappings.push({ containerID: 1, hostID: 100000, size: 65537 }));
  t.equal(
    refusal(() => buildPlan(input(tooMany))),
    '/linux/uidMappings/1: host ids 100000-165536 are not delegated to alice (uid 1001) (/etc/subuid gives: 100000-165535): a rootless container can map only its own id and its subordinate ranges',
  );
  const other = rootless((s) => (s.linux.gidMappings[0].hostID = 0));
  t.match(refusal(() => buildPlan(input(other))), /^\/linux\/gidMappings\/0: host ids 0-0 are not delegated to alice \(uid 1001\) \(\/etc\/subgid gives: 300000-300999\)/);
  t.match(refusal(() => buildPlan(input(two, { rootless: { ...caller, newuidmap: undefined } }))), /^\/linux\/uidMappings: more than the caller's own uid needs newuidmap \(the uidmap package\)/);
});

t.test('what a rootless config must have, named', async (t) => {
  t.equal(
    refusal(() => buildPlan(input(rootless((s) => (s.linux.namespaces = s.linux.namespaces.filter((n: any) => n.type !== 'user')))))),
    '/linux/namespaces: rootless container requires user namespaces (runts runs as uid 1001)',
  );
  t.match(refusal(() => buildPlan(input(rootless((s) => (s.process.user.additionalGids = [5]))))), /^\/process\/user\/additionalGids: a rootless container with only the caller's own gid mapped cannot set supplementary groups/);
});

t.test('sysfs in a new user namespace without a network namespace: the host\'s /sys bound', async (t) => {
  const warnings: string[] = [];
  const s = rootless((s) => (s.mounts = s.mounts.map((m: any) => (m.destination === '/sys' ? { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] } : m))));
  const p = buildPlan(input(s, { warn: (m) => warnings.push(m) }));
  const sys = p.rootfs!.mounts.find((m) => m.destination === '/sys')!;
  t.equal(sys.source, '/sys');
  t.equal(sys.flags & (MS.BIND | MS.REC), MS.BIND | MS.REC);
  t.equal(sys.remountFlags & (MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC), MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC, 'its flags kept for the remount');
  t.match(warnings[0], /^\/mounts\/5: sysfs cannot be mounted in a user namespace without its own network namespace/);
  const withNet = rootless((s) => {
    s.linux.namespaces.push({ type: 'network' });
    s.mounts[5] = { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro'] };
  });
  t.equal(buildPlan(input(withNet)).rootfs!.mounts.find((m) => m.destination === '/sys')!.fstype, 'sysfs', 'its own network namespace: a real sysfs');
});

t.test('exec into a namespace with setgroups denied skips setgroups', async (t) => {
  const base = { spec: rootless(), process: rootless().process!, initPid: 42, rootfs: '/r', namespacePaths: { user: '/proc/42/ns/user' }, cgroupJoin: { tasks: [], into: '' }, noNewKeyring: false, consoleSocket: '', preserveFds: 0, bundle: '/b', lastCap: 40, hostBounding: (1n << 41n) - 1n, host: { apparmor: false, selinux: false, resctrl: false }, warn: () => {} };
  t.equal(buildExecPlan({ ...base, setgroupsDenied: true }).namespaces.setgroups, 'deny');
  t.equal(buildExecPlan(base).namespaces.setgroups, '');
});

t.test('rootless create without delegated cgroups: no cgroup; a limit is refused naming it, nothing left', async (t) => {
  const host = new FakeHost();
  host.rootless = { euid: 1001, inUserNamespace: false };
  host.cgroupWritable = false;
  const store = new Store('/run/user/1001/runts', host);
  const opts = { id: 'c1', bundle: '/bundle', noPivot: false, preserveFds: 0, systemdCgroup: false, warn: () => {} };
  const c = create(store, opts);
  t.same(c.rec.cgroupPaths, {}, 'no cgroup recorded');
  host.pidsInNamespaceOf = (pid: number): number[] => [pid];
  host.calls.length = 0;
  kill(store, 'c1', 15, true);
  t.same(host.calls.filter((c) => c.startsWith('signal')), [`signal ${c.rec.pid} 15`], 'kill --all: the processes of its pid namespace');
  t.same([...host.cgroupDirs], [], 'no cgroup made');
  t.notOk(host.calls.some((c) => c.startsWith('cgroup mkdir')), 'no mkdir tried');
  remove(store, 'c1', true, () => {});

  host.spec.linux = { ...host.spec.linux, resources: { memory: { limit: 33554432 } } };
  host.calls.length = 0;
  t.match(refusal(() => create(store, { ...opts, id: 'c2' })), /^\/linux\/resources\/memory\/limit: cannot set a limit: rootless container could not join or create cgroup \(\/sys\/fs\/cgroup is not writable by uid 1001: cgroups are not delegated to this user\)$/);
  t.notOk(store.isClaimed('c2'), 'no state directory');
  t.notOk(host.calls.includes('spawn'), 'nothing spawned');

  host.spec.linux = { ...host.spec.linux, resources: { devices: [{ allow: false, access: 'rwm' }] } };
  t.ok(create(store, { ...opts, id: 'c3' }).rec, 'device rules alone are no limit');
  remove(store, 'c3', true, () => {});

  host.cgroupWritable = true;
  host.spec.linux = { ...host.spec.linux, resources: { memory: { limit: 33554432 } } };
  t.ok(create(store, { ...opts, id: 'c4' }).rec.cgroupPaths.unified, 'delegated: the container gets its cgroup');
  remove(store, 'c4', true, () => {});

  host.cgroupWritable = false;
  t.match(refusal(() => create(store, { ...opts, id: 'c5', rootlessCgroups: 'false' })), /./, '--rootless false: the cgroup is tried as root would');
});
