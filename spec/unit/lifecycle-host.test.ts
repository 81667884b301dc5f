// The lifecycle against a recording fake of the host (spec/unit/fake-host.ts):
// what a failure leaves behind, the order of teardown steps, and runc's words
// for every refused transition. No root, no addon.
import t from 'tap';
import { execInContainer } from '../../lib/container/exec';
import { create, kill, remove, start, type CreateOptions } from '../../lib/container/lifecycle';
import { pause, resume, update } from '../../lib/container/pause';
import { statusOf, statusOfId } from '../../lib/container/status';
import { Store } from '../../lib/container/store';
import { FakeHost, fakeSpec } from './fake-host';
import { refusal } from '../lib/refusal';

const ROOT = '/run/runts-fake';
const hook = [{ path: '/bin/true' }];

function setup(): { host: FakeHost; store: Store; opts: (id: string, more?: Partial<CreateOptions>) => CreateOptions } {
  const host = new FakeHost();
  const store = new Store(ROOT, host);
  const opts = (id: string, more: Partial<CreateOptions> = {}): CreateOptions => ({
    id,
    bundle: '/bundle',
    noPivot: false,
    preserveFds: 0,
    systemdCgroup: false,
    warn: () => {},
    ...more,
  });
  return { host, store, opts };
}

t.test('a failed spawn leaves no state, no cgroup and no process', async (t) => {
  const { host, store, opts } = setup();
  host.spawnFailure = { step: 'exec', path: '/bin/nosuch', errno: 2, message: 'no such file or directory' };
  t.equal(
    refusal(() => create(store, opts('c1'))),
    'unable to start container process: exec: "/bin/nosuch": stat /bin/nosuch: no such file or directory',
  );
  t.notOk(store.isClaimed('c1'), 'no state directory');
  t.same([...host.cgroupDirs], [], 'the cgroup was removed');
  t.same(host.alive(), [], 'no process');
  t.ok(host.calls.indexOf('cgroup rmdir /sys/fs/cgroup/c1') > host.calls.indexOf('spawn'), 'the cgroup goes after the failed spawn');
});

t.test('the record is written while the init sets up its root; an init failing after that leaves nothing', async (t) => {
  const { host, store, opts } = setup();
  const { rec } = create(store, opts('c1'));
  t.match(JSON.parse(host.stateAtGoing ?? '{}'), { id: 'c1', pid: rec.pid }, 'state.json was there when onGoing returned');
  const late = setup();
  late.host.lateSpawnFailure = { step: 'mount', path: '/proc', errno: 1, message: 'operation not permitted' };
  t.match(refusal(() => create(late.store, late.opts('c2'))), /mount.*\/proc.*operation not permitted/);
  t.ok(late.host.stateAtGoing, 'the record had been written');
  t.equal(late.store.read('c2'), undefined, 'no state');
  t.notOk(late.store.isClaimed('c2'), 'no state directory');
  t.same([...late.host.cgroupDirs], [], 'no cgroup');
  t.same(late.host.alive(), [], 'no process');
});

t.test('a failing createContainer hook stops the create and leaves nothing', async (t) => {
  const { host, store, opts } = setup();
  host.spec = fakeSpec({ createContainer: hook });
  host.failingHooks.add('createContainer');
  t.match(refusal(() => create(store, opts('c1'))), /^error running createContainer hook #0: error running hook: exit status 1/);
  t.notOk(store.isClaimed('c1'));
  t.same([...host.cgroupDirs], []);
  t.same(host.alive(), [], 'the waiting init was killed');
});

t.test('during a create, state says creating; after it, created', async (t) => {
  const { host, store, opts } = setup();
  host.spec = fakeSpec({ prestart: hook });
  let during: string | undefined;
  host.onHook = () => (during = statusOfId(store, 'c1')?.status);
  const { rec } = create(store, opts('c1', { pidFile: '/tmp/pid' }));
  t.equal(during, 'creating');
  t.equal(statusOf(store, rec), 'created');
  t.ok(host.calls.includes(`pidfile /tmp/pid ${rec.pid}`), 'the pid file is written once the container exists');
  t.equal(statusOfId(store, 'nosuch'), undefined);
});

t.test('a failing startContainer hook fails start and destroys the container', async (t) => {
  const { host, store, opts } = setup();
  host.spec = fakeSpec({ startContainer: hook, poststop: hook });
  host.failingHooks.add('startContainer');
  const { rec } = create(store, opts('c1'));
  t.equal(refusal(() => start(store, 'c1')), 'error running startContainer hook #0: error running hook: exit status 1, stdout: , stderr: ');
  t.same(JSON.parse((host.startState ?? '').replace(/^\d+\n/, '')), { ociVersion: '1.3.0', id: 'c1', status: 'created', pid: rec.pid, bundle: rec.bundle, annotations: {} }, 'the init got the state for the hooks');
  t.notOk(host.calls.includes('hook startContainer'), 'runts itself runs no startContainer hook: the init does');
  t.equal(store.read('c1'), undefined, 'no state');
  t.notOk(store.isClaimed('c1'));
  t.same([...host.cgroupDirs], [], 'no cgroup');
  t.same(host.alive(), [], 'the init is gone');
  t.notOk(host.calls.includes('hook poststart'), 'poststart did not run');
  t.ok(host.calls.includes('hook poststop'), 'poststop ran (runtime.md step 12)');
});

t.test('deleting a paused container kills it, thaws it, then waits for it', async (t) => {
  const { host, store, opts } = setup();
  const { rec } = create(store, opts('c1'));
  start(store, 'c1');
  pause(store, 'c1');
  t.equal(statusOf(store, rec), 'paused');
  t.equal(refusal(() => remove(store, 'c1', false)), 'cannot delete container c1 that is not stopped: paused');
  const from = host.calls.length;
  remove(store, 'c1', true);
  const steps = host.calls.slice(from).filter((c) => !c.startsWith('rm '));
  t.same(steps.slice(0, 2), [`signal ${rec.pid} 9`, 'thaw /sys/fs/cgroup/c1'], 'SIGKILL, then thaw');
  t.same(host.alive(), [], 'the init died');
  t.same([...host.cgroupDirs], [], 'no cgroup');
  t.notOk(store.isClaimed('c1'), 'no state');
});

t.test('a created container is deleted without --force (runc), a running one is not', async (t) => {
  const { host, store, opts } = setup();
  create(store, opts('c1'));
  remove(store, 'c1', false);
  t.notOk(store.isClaimed('c1'));
  t.same(host.alive(), []);
  create(store, opts('c2'));
  start(store, 'c2');
  t.equal(refusal(() => remove(store, 'c2', false)), 'cannot delete container c2 that is not stopped: running');
});

t.test('SIGKILL of a paused container thaws it', async (t) => {
  const { host, store, opts } = setup();
  create(store, opts('c1'));
  start(store, 'c1');
  pause(store, 'c1');
  kill(store, 'c1', 9, false);
  t.same(host.alive(), []);
  t.equal(statusOfId(store, 'c1')?.status, 'stopped');
});

t.test("each illegal transition is refused with runc's words", async (t) => {
  const { host, store, opts } = setup();
  const exec = (id: string, ignorePaused = false) => () =>
    execInContainer(store, { id, process: { cwd: '/', args: ['true'] }, foreground: false, preserveFds: 0, subCgroups: [], ignorePaused, warn: () => {} });

  // created
  create(store, opts('c'));
  t.equal(refusal(() => resume(store, 'c')), 'container not paused', 'resume created');
  t.equal(refusal(() => create(store, opts('c'))), 'container with given ID already exists', 'create twice');
  // running
  start(store, 'c');
  t.equal(refusal(() => start(store, 'c')), 'cannot start an already running container', 'start running');
  t.equal(refusal(() => resume(store, 'c')), 'container not paused', 'resume running');
  // paused
  pause(store, 'c');
  t.equal(refusal(() => start(store, 'c')), 'cannot start a container in the paused state', 'start paused');
  t.equal(refusal(exec('c')), 'cannot exec in a paused container (use --ignore-paused to override)', 'exec paused');
  t.equal(refusal(() => pause(store, 'c')), '(no error)', 'pause paused: a no-op, as runc');
  resume(store, 'c');
  // stopped
  for (const pid of host.alive()) host.procs.get(pid)!.alive = false;
  t.equal(refusal(() => start(store, 'c')), 'cannot start a container that has stopped', 'start stopped');
  t.equal(refusal(() => kill(store, 'c', 15, false)), 'container not running', 'kill stopped');
  t.equal(refusal(() => pause(store, 'c')), 'container not running', 'pause stopped');
  t.equal(refusal(() => resume(store, 'c')), 'container not paused', 'resume stopped');
  t.equal(refusal(() => update(store, 'c', {})), 'container not running', 'update stopped');
  t.equal(refusal(exec('c', true)), 'cannot exec in a stopped container', 'exec stopped');
  // unknown and malformed ids
  t.equal(refusal(() => start(store, 'nosuch')), 'container does not exist');
  t.equal(refusal(() => remove(store, 'nosuch', false)), 'container does not exist');
  t.equal(refusal(() => kill(store, '../x', 9, false)), 'invalid id format: ../x');
  remove(store, 'c', false);
  t.notOk(store.isClaimed('c'), 'a stopped container is deleted without --force');
});

t.test("console rules are checked before anything is made, in runc's words", async (t) => {
  const { host, store, opts } = setup();
  host.spec = fakeSpec();
  host.spec.process!.terminal = true;
  t.equal(refusal(() => create(store, opts('c1'))), 'cannot allocate tty if runts will detach without setting console socket');
  host.spec.process!.terminal = false;
  t.equal(refusal(() => create(store, opts('c1', { consoleSocket: '/s' }))), 'cannot use console socket if runts will not detach or allocate tty');
  t.notOk(store.isClaimed('c1'));
  t.notOk(host.calls.includes('spawn'));
});

t.test('systemd driver: systemd makes the unit with the waiting init, before the hooks; delete stops it', async (t) => {
  const { host, store, opts } = setup();
  host.systemdDriver = true;
  host.spec = fakeSpec({ createContainer: hook });
  host.spec.linux!.cgroupsPath = 'runts-test-a.slice:runts:c1';
  const order: string[] = [];
  host.onHook = (name) => order.push(`${name} after ${host.calls.filter((c) => c.startsWith('systemd start')).length} unit(s)`);
  const { rec } = create(store, opts('c1', { systemdCgroup: true }));
  t.ok(host.calls.includes('systemd start runts-c1.scope in runts-test-a.slice pid 1000'), 'StartTransientUnit with the init pid');
  t.notOk(host.calls.some((c) => c.startsWith('cgroup mkdir')), 'no directory made behind systemd');
  t.same(order, ['createContainer after 1 unit(s)'], 'the unit exists before the hooks run');
  t.equal(rec.systemdUnit, 'runts-c1.scope');
  t.same(rec.cgroupPaths, { unified: '/sys/fs/cgroup/runts.slice/runts-test.slice/runts-test-a.slice/runts-c1.scope' });
  remove(store, 'c1', true);
  t.same([...host.units], [], 'delete stopped the unit');
  t.ok(host.calls.indexOf('killAndWait 1000') >= 0 && host.calls.indexOf('systemd stop runts-c1.scope') > host.calls.indexOf('killAndWait 1000'), 'after the processes are killed');
  t.notOk(store.isClaimed('c1'));
});

t.test('systemd driver: a unit systemd refuses leaves no process, no unit and no state', async (t) => {
  const { host, store, opts } = setup();
  host.systemdDriver = true;
  host.unitFailure = 'error creating systemd unit `runts-c1.scope`: got `failed`';
  t.equal(refusal(() => create(store, opts('c1', { systemdCgroup: true }))), 'error creating systemd unit `runts-c1.scope`: got `failed`');
  t.same(host.alive(), [], 'the waiting init was killed');
  t.same([...host.units], []);
  t.notOk(store.isClaimed('c1'));
});

t.test('--systemd-cgroup without systemd: cgroupfs, with the warning', async (t) => {
  const { host, store, opts } = setup();
  const warnings: string[] = [];
  create(store, opts('c1', { systemdCgroup: true, warn: (m) => warnings.push(m) }));
  t.notOk(host.calls.some((c) => c.startsWith('systemd')));
  t.ok(host.calls.includes('cgroup mkdir /sys/fs/cgroup/system.slice/runts-c1.scope'));
  t.match(warnings, [/^systemd is not running: cgroupsPath "" is placed at \/system.slice\/runts-c1.scope on cgroupfs$/]);
  remove(store, 'c1', true);
});
