// How the init joins its cgroups (lib/cgroups/join.ts): by its own "0" into
// each v1 `tasks` file, and by its clone into the v2 directory, never by a
// pid written into cgroup.procs (the slow move, 8-30 ms on this host).
import t from 'tap';
import { cgroupJoin, cgroupSync, NO_CGROUPS } from '../../lib/cgroups/join';
import { NS_FLAGS } from '../../lib/plan/types';
import { deferCgroupJoin } from '../../lib/plan/joins';
import { buildExecPlan } from '../../lib/plan/exec';
import { planInput, testSpec } from '../lib/plan-input';

t.test('hybrid host: tasks for every v1 hierarchy, the unified directory to clone into', async (t) => {
  const j = cgroupJoin({
    'cpu,cpuacct': '/sys/fs/cgroup/cpu,cpuacct/p/c',
    'name=systemd': '/sys/fs/cgroup/systemd/p/c',
    unified: '/sys/fs/cgroup/unified/p/c',
  });
  t.same(j.tasks, ['/sys/fs/cgroup/cpu,cpuacct/p/c/tasks', '/sys/fs/cgroup/systemd/p/c/tasks']);
  t.equal(j.into, '/sys/fs/cgroup/unified/p/c');
});

t.test('pure v2: nothing written, only the clone', async (t) => {
  t.same(cgroupJoin({ unified: '/sys/fs/cgroup/system.slice/x.scope' }), { tasks: [], into: '/sys/fs/cgroup/system.slice/x.scope' });
});

t.test('no cgroups (rootless without delegation, or systemd places the init)', async (t) => {
  t.same(cgroupJoin({}), NO_CGROUPS);
});

t.test('the clone into the v2 cgroup only for a stage 1 with the runtime credentials and cgroup namespace; else the pid is written', async (t) => {
  const join = cgroupJoin({ memory: '/sys/fs/cgroup/memory/c', unified: '/sys/fs/cgroup/unified/c' });
  const own = cgroupSync(join, { cloneFlags: NS_FLAGS.pid | NS_FLAGS.mount, joins: [] });
  t.same(own, { cgroupTasks: ['/sys/fs/cgroup/memory/c/tasks'], cgroupInto: '/sys/fs/cgroup/unified/c', cgroupProcs: [] });
  const written = { cgroupTasks: ['/sys/fs/cgroup/memory/c/tasks'], cgroupInto: '', cgroupProcs: ['/sys/fs/cgroup/unified/c/cgroup.procs'] };
  t.same(cgroupSync(join, { cloneFlags: NS_FLAGS.user | NS_FLAGS.pid, joins: [] }), written, 'a new user namespace');
  t.same(cgroupSync(join, { cloneFlags: 0, joins: [{ type: 'user', flag: NS_FLAGS.user, path: '/proc/9/ns/user' }] }), written, 'a joined user namespace (exec)');
  t.same(cgroupSync(join, { cloneFlags: 0, joins: [{ type: 'cgroup', flag: NS_FLAGS.cgroup, path: '/proc/9/ns/cgroup' }] }), written, 'a joined cgroup namespace (exec)');
  t.same(cgroupSync(join, { cloneFlags: NS_FLAGS.cgroup, joins: [] }), own, 'a new cgroup namespace is made by the init after it is placed');
  t.same(cgroupSync(NO_CGROUPS, { cloneFlags: NS_FLAGS.user, joins: [] }), { cgroupTasks: [], cgroupInto: '', cgroupProcs: [] });
});

t.test('a cgroup namespace given by path is joined by the init after placement, unless a user namespace is entered', async (t) => {
  const cg = { type: 'cgroup' as const, flag: NS_FLAGS.cgroup, path: '/proc/9/ns/cgroup' };
  const pid = { type: 'pid' as const, flag: NS_FLAGS.pid, path: '/proc/9/ns/pid' };
  const mnt = { type: 'mount' as const, flag: NS_FLAGS.mount, path: '/proc/9/ns/mnt' };
  const user = { type: 'user' as const, flag: NS_FLAGS.user, path: '/proc/9/ns/user' };
  t.same(deferCgroupJoin([pid, cg, mnt], false), { joins: [pid, mnt], cgroupAfterPlacement: '/proc/9/ns/cgroup' });
  t.same(deferCgroupJoin([user, pid, cg, mnt], false), { joins: [user, pid, cg, mnt], cgroupAfterPlacement: '' }, 'a joined user namespace: in order, by stage 1');
  t.same(deferCgroupJoin([pid, cg], true), { joins: [pid, cg], cgroupAfterPlacement: '' }, 'a new user namespace: the same');
  t.same(deferCgroupJoin([pid, mnt], false), { joins: [pid, mnt], cgroupAfterPlacement: '' });
});

t.test('exec into a container with a cgroup namespace: cloned into the v2 cgroup, the namespace joined after', async (t) => {
  const spec = testSpec({ rootless: false });
  const p = buildExecPlan({
    ...planInput(spec),
    process: spec.process!,
    initPid: 9,
    rootfs: '/b/rootfs',
    namespacePaths: { pid: '', mount: '', cgroup: '' },
    noNewKeyring: false,
    cgroupJoin: cgroupJoin({ memory: '/sys/fs/cgroup/memory/c', unified: '/sys/fs/cgroup/unified/c' }),
  });
  t.same(p.namespaces.joins.map((j) => j.type), ['pid', 'mount']);
  t.equal(p.namespaces.cgroupAfterPlacement, '/proc/9/ns/cgroup');
  t.equal(p.sync.cgroupInto, '/sys/fs/cgroup/unified/c');
  t.same(p.sync.cgroupProcs, []);
});
