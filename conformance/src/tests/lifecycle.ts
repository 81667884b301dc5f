// runtime.md: state, operations, errors in the wrong state, lifecycle.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, T } from '../framework';
import { Json, sleep } from '../harness';
import { officialSchema } from '../schema';

function alive(pid: number): boolean {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** a container that runs `sleep` once started; returns its id, bundle and state after create */
function sleeper(t: T, edit: (c: Json) => void = () => {}): { id: string; bundle: string; state: Json } {
  const bundle = t.sb.bundle((c) => {
    c.process.args = ['/bin/sleep', '1000'];
    edit(c);
  });
  const id = t.sb.newId();
  const r = t.sb.create(id, bundle);
  if (r.code !== 0) t.fatal(`create failed (${r.code}): ${r.stderr.trim()}`);
  const state = t.sb.state(id);
  if (!state) t.fatal('state failed right after create');
  return { id, bundle, state };
}

function started(t: T, id: string): Json {
  const r = t.sb.run(['start', id]);
  if (r.code !== 0) t.fatal(`start failed (${r.code}): ${r.stderr.trim()}`);
  const s = t.sb.state(id);
  if (!s) t.fatal('state failed after start');
  return s;
}

function stopped(t: T, id: string, pid: number): Json {
  t.sb.run(['kill', id, 'KILL']);
  if (!t.sb.waitStopped(id, pid)) t.fatal('the container did not stop after kill KILL');
  // the runtime may need a moment to notice
  for (let i = 0; i < 50; i++) {
    const s = t.sb.state(id);
    if (s?.status === 'stopped') return s;
    sleep(20);
  }
  return t.sb.state(id) ?? t.fatal('state failed after the process exited');
}

const STATE_SCHEMA = () => officialSchema('state-schema.json');

function checkState(t: T, s: Json, id: string, bundle: string, status: string): void {
  const v = STATE_SCHEMA();
  t.ok(v(s), `state JSON does not adhere to state-schema.json: ${JSON.stringify(v.errors)}`);
  t.ok(typeof s.ociVersion === 'string' && s.ociVersion.length > 0, `ociVersion missing: ${JSON.stringify(s)}`);
  t.eq(s.id, id, 'state.id');
  t.eq(s.status, status, 'state.status');
  t.eq(s.bundle, bundle, 'state.bundle (the absolute bundle path)');
  t.ok(path.isAbsolute(String(s.bundle)), 'state.bundle is not absolute');
  if (status === 'created' || status === 'running') t.ok(Number.isInteger(s.pid) && s.pid > 0, `state.pid missing while ${status}`);
}

test('state.created', 'state after create: schema, id, status created, pid, absolute bundle', (t) => {
  const { id, bundle, state } = sleeper(t);
  checkState(t, state, id, bundle, 'created');
  t.ok(alive(state.pid), `pid ${state.pid} is not a live process`);
});

test('state.running', 'state after start: status running, the same pid', (t) => {
  const { id, bundle, state } = sleeper(t);
  const s = started(t, id);
  checkState(t, s, id, bundle, 'running');
  t.eq(s.pid, state.pid, 'pid after start');
});

test('state.stopped', 'state after the process exits: status stopped, schema', (t) => {
  const { id, bundle, state } = sleeper(t);
  started(t, id);
  const s = stopped(t, id, state.pid);
  checkState(t, s, id, bundle, 'stopped');
});

test('state.statuses', 'status goes created -> running -> stopped, only values the spec defines', (t) => {
  const { id, state } = sleeper(t);
  const seen = [state.status, started(t, id).status, stopped(t, id, state.pid).status];
  t.eq(seen, ['created', 'running', 'stopped'], 'statuses');
});

test('state.no-id', 'state without an id is an error', (t) => {
  const r = t.sb.run(['state']);
  t.ok(r.code !== 0, `state with no id exited 0: ${r.stdout}`);
});

test('state.unknown-id', 'state of a container that does not exist is an error', (t) => {
  const r = t.sb.run(['state', 'runts-conf-does-not-exist']);
  t.ok(r.code !== 0, `state of an unknown id exited 0: ${r.stdout}`);
});

test('create.no-id', 'create without a container id is an error', (t) => {
  const b = t.sb.bundle();
  const r = t.sb.run(['create', '--bundle', b]);
  t.ok(r.code !== 0, 'create with no id exited 0');
});

test('create.no-bundle', 'create with no bundle (cwd without config.json, no --bundle) is an error', (t) => {
  const empty = path.join(t.sb.dir, 'empty');
  fs.mkdirSync(empty);
  const id = t.sb.newId();
  const r = t.sb.run(['create', id], { cwd: empty });
  t.ok(r.code !== 0, 'create without a bundle exited 0');
  t.ok(t.sb.run(['state', id]).code !== 0, 'a container exists after the failed create');
});

test('create.duplicate-id', 'create with an id in use fails and leaves the first container alone', (t) => {
  const { id, state } = sleeper(t);
  const b2 = t.sb.bundle((c) => (c.process.args = ['/bin/sleep', '1000']));
  const r = t.sb.create(id, b2);
  t.ok(r.code !== 0, 'a second create with the same id exited 0');
  const s = t.sb.state(id);
  t.eq(s?.pid, state.pid, 'pid of the first container');
  t.eq(s?.status, 'created', 'status of the first container');
  t.eq(s?.bundle, state.bundle, 'bundle of the first container');
});

test('create.invalid-id', 'create with an id that is not valid (a path) fails', (t) => {
  const b = t.sb.bundle();
  for (const bad of ['../escape', 'a/b']) {
    const r = t.sb.create(bad, b);
    t.ok(r.code !== 0, `create with id ${JSON.stringify(bad)} exited 0`);
  }
});

test('create.not-started', 'after create the program has not run; after start it has', (t) => {
  const b = t.sb.bundle((c) => (c.process.args = ['/bin/sh', '-c', 'echo ran > /ran-marker; sleep 1000']));
  const id = t.sb.newId();
  const r = t.sb.create(id, b);
  if (r.code !== 0) t.fatal(`create failed: ${r.stderr}`);
  const marker = path.join(b, 'rootfs', 'ran-marker');
  sleep(300);
  t.ok(!fs.existsSync(marker), 'the program ran before start');
  t.eq(t.sb.state(id)?.status, 'created', 'status before start');
  const s = t.sb.run(['start', id]);
  t.ok(s.code === 0, `start failed: ${s.stderr}`);
  for (let i = 0; i < 100 && !fs.existsSync(marker); i++) sleep(20);
  t.ok(fs.existsSync(marker), 'the program did not run after start');
});

test('create.applied-before-start', 'after create (before start) namespaces, cgroup and mounts of config.json are in place', (t) => {
  const { state, bundle } = sleeper(t, (c) => c.mounts.push({ destination: '/conf-tmp', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] }));
  const pid = state.pid as number;
  for (const ns of ['mnt', 'pid', 'net', 'ipc', 'uts'])
    t.ok(fs.readlinkSync(`/proc/${pid}/ns/${ns}`) !== fs.readlinkSync(`/proc/self/ns/${ns}`), `the created process shares the host's ${ns} namespace`);
  const cg = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  const want = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8')).linux.cgroupsPath;
  t.ok(cg.split('\n').some((l) => /:(.*,)?memory(,.*)?:/.test(l) && l.endsWith(':' + want)), `memory cgroup is not ${want}: ${cg}`);
  const mi = fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
  t.ok(/ \/conf-tmp /.test(mi), 'the tmpfs of config.json is not mounted in the created container');
});

test('create.config-change-ignored', 'changing config.json after create does not affect the container', (t) => {
  const b = t.sb.bundle((c) => (c.process.args = ['/probe']));
  const id = t.sb.newId();
  const out = path.join(t.sb.dir, 'out');
  const r = t.sb.create(id, b, { stdout: out });
  if (r.code !== 0) t.fatal(`create failed: ${r.stderr}`);
  const cfg = JSON.parse(fs.readFileSync(path.join(b, 'config.json'), 'utf8'));
  cfg.process.args = ['/bin/sh', '-c', 'echo changed'];
  cfg.process.env.push('CONF_CHANGED=1');
  cfg.hostname = 'changed';
  fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(cfg));
  const pid = t.sb.state(id)?.pid;
  const s = t.sb.run(['start', id]);
  t.ok(s.code === 0, `start failed: ${s.stderr}`);
  t.sb.waitStopped(id, pid);
  const text = fs.readFileSync(out, 'utf8');
  t.ok(!text.includes('changed'), `the changed config took effect: ${text.slice(0, 200)}`);
  try {
    const f = JSON.parse(text);
    t.eq(f.hostname, 'conformance', 'hostname');
    t.ok(!f.env.includes('CONF_CHANGED=1'), 'the changed env took effect');
  } catch {
    t.ok(false, `the probe did not run: ${text.slice(0, 200)}`);
  }
});

test('start.no-id', 'start without an id is an error', (t) => {
  t.ok(t.sb.run(['start']).code !== 0, 'start with no id exited 0');
});

test('start.running', 'start of a running container is an error and changes nothing', (t) => {
  const { id, state } = sleeper(t);
  started(t, id);
  const r = t.sb.run(['start', id]);
  t.ok(r.code !== 0, 'a second start exited 0');
  const s = t.sb.state(id);
  t.eq(s?.status, 'running', 'status after the second start');
  t.eq(s?.pid, state.pid, 'pid after the second start');
});

test('start.stopped', 'start of a stopped container is an error and changes nothing', (t) => {
  const { id, state } = sleeper(t);
  started(t, id);
  stopped(t, id, state.pid);
  const r = t.sb.run(['start', id]);
  t.ok(r.code !== 0, 'start of a stopped container exited 0');
  t.eq(t.sb.state(id)?.status, 'stopped', 'status after start of a stopped container');
});

test('start.no-process', 'a config without process: create or start is an error, nothing runs', (t) => {
  const b = t.sb.bundle((c) => delete c.process);
  const id = t.sb.newId();
  const r = t.sb.create(id, b);
  if (r.code !== 0) return; // refused at create: no container to start
  const s = t.sb.run(['start', id]);
  t.ok(s.code !== 0, 'start of a container without process exited 0');
});

test('start.runs-process', 'start runs process.args with process.env and process.cwd', (t) => {
  const f = t.probe((c) => {
    c.process.args = ['/probe', 'arg-one', 'arg two'];
    c.process.env.push('CONF_VAR=value with spaces');
    c.process.cwd = '/tmp';
  });
  t.eq(f.argv, ['/probe', 'arg-one', 'arg two'], 'argv');
  t.ok(f.env.includes('CONF_VAR=value with spaces'), `env: ${JSON.stringify(f.env)}`);
  t.eq(f.cwd, '/tmp', 'cwd');
});

test('kill.no-id', 'kill without an id is an error', (t) => {
  t.ok(t.sb.run(['kill']).code !== 0, 'kill with no id exited 0');
});

test('kill.signal', 'kill delivers the named signal to the container process', (t) => {
  const b = t.sb.bundle((c) => (c.process.args = ['/bin/sh', '-c', 'trap "echo USR1 > /got-signal; exit 0" USR1; echo ready > /ready; while :; do sleep 0.05; done']));
  const id = t.sb.newId();
  if (t.sb.create(id, b).code !== 0) t.fatal('create failed');
  const pid = t.sb.state(id)?.pid;
  started(t, id);
  const ready = path.join(b, 'rootfs', 'ready');
  for (let i = 0; i < 200 && !fs.existsSync(ready); i++) sleep(10);
  const r = t.sb.run(['kill', id, 'USR1']);
  t.ok(r.code === 0, `kill USR1 failed: ${r.stderr}`);
  t.sb.waitStopped(id, pid, 5000);
  t.ok(fs.existsSync(path.join(b, 'rootfs', 'got-signal')), 'the process did not receive SIGUSR1');
});

test('kill.created', 'kill of a created container is allowed and stops it', (t) => {
  const { id, state } = sleeper(t);
  const r = t.sb.run(['kill', id, 'KILL']);
  t.ok(r.code === 0, `kill KILL of a created container failed: ${r.stderr}`);
  t.ok(t.sb.waitStopped(id, state.pid, 5000), 'the process is still alive');
});

test('kill.stopped', 'kill of a stopped container is an error and changes nothing', (t) => {
  const { id, state } = sleeper(t);
  started(t, id);
  stopped(t, id, state.pid);
  const r = t.sb.run(['kill', id, 'KILL']);
  t.ok(r.code !== 0, 'kill of a stopped container exited 0');
  t.eq(t.sb.state(id)?.status, 'stopped', 'status after kill of a stopped container');
});

test('delete.no-id', 'delete without an id is an error', (t) => {
  t.ok(t.sb.run(['delete']).code !== 0, 'delete with no id exited 0');
});

test('delete.running', 'delete of a running container is an error and changes nothing', (t) => {
  const { id, state } = sleeper(t);
  started(t, id);
  const r = t.sb.run(['delete', id]);
  t.ok(r.code !== 0, 'delete of a running container exited 0');
  const s = t.sb.state(id);
  t.eq(s?.status, 'running', 'status after delete');
  t.ok(alive(state.pid), 'the process was killed');
});

test('delete.created', 'delete (without --force) of a created container is an error and changes nothing', (t) => {
  const { id, state } = sleeper(t);
  const r = t.sb.run(['delete', id]);
  t.ok(r.code !== 0, 'delete of a created container exited 0');
  t.eq(t.sb.state(id)?.status, 'created', 'status after delete');
  t.ok(alive(state.pid), 'the process was killed');
});

/** what create made for a container: state, cgroups, the pid */
function cgroupDirsOf(pid: number): string[] {
  const out: string[] = [];
  for (const line of fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').filter(Boolean)) {
    const [, ctrls, p] = line.split(':');
    if (ctrls === 'memory' || ctrls === 'pids' || ctrls === 'devices') out.push(path.join('/sys/fs/cgroup', ctrls, p));
  }
  return out;
}

test('delete.removes', 'delete removes what create made: the state, the cgroups, the process', (t) => {
  const { id, state } = sleeper(t);
  const dirs = cgroupDirsOf(state.pid);
  t.ok(dirs.length > 0 && dirs.every((d) => fs.existsSync(d)), `no cgroup directories while created: ${dirs}`);
  started(t, id);
  stopped(t, id, state.pid);
  const r = t.sb.run(['delete', id]);
  t.ok(r.code === 0, `delete of a stopped container failed: ${r.stderr}`);
  t.ok(t.sb.run(['state', id]).code !== 0, 'state still answers after delete');
  for (const d of dirs) t.ok(!fs.existsSync(d), `cgroup ${d} left after delete`);
  t.ok(!alive(state.pid), 'the process is alive after delete');
  const again = t.sb.create(id, t.sb.bundle());
  t.ok(again.code === 0, `the id cannot be used again after delete: ${again.stderr}`);
});

test('delete.keeps-foreign', 'delete leaves what the container did not create: a pre-existing cgroup parent, bind sources, the bundle', (t) => {
  const parents = ['memory', 'pids'].map((c) => path.join('/sys/fs/cgroup', c, t.sb.cgroupParent));
  for (const p of parents) fs.mkdirSync(p, { recursive: true });
  const src = path.join(t.sb.dir, 'bind-src');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'keep'), 'x');
  const { id, state, bundle } = sleeper(t, (c) => c.mounts.push({ destination: '/conf-bind', type: 'bind', source: src, options: ['rbind'] }));
  started(t, id);
  stopped(t, id, state.pid);
  t.sb.run(['delete', id]);
  for (const p of parents) t.ok(fs.existsSync(p), `the pre-existing cgroup ${p} was removed`);
  t.ok(fs.existsSync(path.join(src, 'keep')), 'the bind source was removed');
  t.ok(fs.existsSync(path.join(bundle, 'config.json')) && fs.existsSync(path.join(bundle, 'rootfs', 'probe')), 'the bundle was removed');
});

test('errors.failed-create-leaves-nothing', 'a create that fails leaves no container, cgroup or process', (t) => {
  const b = t.sb.bundle((c) => c.mounts.push({ destination: '/x', type: 'bind', source: '/runts-conf-no-such-source', options: ['bind'] }));
  const id = t.sb.newId();
  const r = t.sb.create(id, b);
  t.ok(r.code !== 0, 'create with a missing bind source exited 0');
  t.ok(t.sb.run(['state', id]).code !== 0, 'state answers for the failed container');
  const cg = JSON.parse(fs.readFileSync(path.join(b, 'config.json'), 'utf8')).linux.cgroupsPath;
  for (const c of ['memory', 'pids', 'cpu', 'devices']) t.ok(!fs.existsSync(path.join('/sys/fs/cgroup', c, cg)), `cgroup ${c}${cg} left after the failed create`);
  const again = t.sb.create(id, t.sb.bundle());
  t.ok(again.code === 0, `the id cannot be used after the failed create: ${again.stderr}`);
});

test('operations.same-container', 'create, state, start, state, kill, delete all work on one container', (t) => {
  const { id, state } = sleeper(t);
  started(t, id);
  // SIGKILL: a pid-namespace init ignores signals it has no handler for
  t.ok(t.sb.run(['kill', id, 'KILL']).code === 0, 'kill KILL failed');
  t.ok(t.sb.waitStopped(id, state.pid, 5000), 'the process did not exit on SIGKILL');
  for (let i = 0; i < 50 && t.sb.state(id)?.status !== 'stopped'; i++) sleep(20);
  t.ok(t.sb.run(['delete', id]).code === 0, 'delete failed');
  t.ok(t.sb.run(['state', id]).code !== 0, 'state answers after delete');
});
