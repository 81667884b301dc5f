// The OCI lifecycle on disk, step by step, with runc's refusals for steps
// taken in the wrong state.
import t from 'tap';
import * as fs from 'node:fs';
import { spawn } from 'node:child_process';
import { Sandbox, readState, eventually, alive, errorMessage, RUNTS } from '../lib/harness';
import { officialSchema, SPEC_130_SCHEMAS } from '../lib/official-schema';

const sleeper = (c: Record<string, any>) => {
  c.process.args = ['sleep', '30'];
};

t.test('create -> created -> start -> running -> exits -> stopped -> delete', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['sh', '-c', 'sleep 1.5'];
  });
  const pidFile = `${s.dir}/init.pid`;
  const c = s.run(['create', '--bundle', b, '--pid-file', pidFile, 'life'], { detached: true });
  t.equal(c.code, 0, c.stderr);
  let st = readState(s, 'life');
  const validState = officialSchema(SPEC_130_SCHEMAS, 'state-schema.json');
  t.ok(validState(st), 'the state is valid against the official state schema');
  t.equal(st.status, 'created');
  t.equal(st.id, 'life');
  t.equal(st.bundle, b);
  t.equal(st.ociVersion, '1.3.0');
  t.match(st.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  t.equal(fs.readFileSync(pidFile, 'utf8'), String(st.pid), '--pid-file holds the pid');
  const nspid = fs.readFileSync(`/proc/${st.pid}/status`, 'utf8').match(/^NSpid:\s+(.*)$/m)?.[1].split(/\s+/);
  t.same(nspid, [String(st.pid), '1'], 'the pid in state is the container\'s init (pid 1 inside)');
  const cmd = fs.readFileSync(`/proc/${st.pid}/cmdline`, 'utf8');
  t.notMatch(cmd, /sleep/, 'the user process has not run before start');

  t.equal(s.run(['start', 'life']).code, 0);
  st = readState(s, 'life');
  t.equal(st.status, 'running');
  t.ok(validState(st), 'valid while running');
  const pid = st.pid;
  t.ok(await eventually(() => readState(s, 'life').status === 'stopped', 15000), 'stopped once the process exits');
  t.equal(readState(s, 'life').pid, 0, 'a stopped container shows pid 0');

  t.equal(s.run(['delete', 'life']).code, 0);
  t.equal(s.run(['state', 'life']).code, 1);
  t.equal(errorMessage(s.run(['state', 'life']).stderr), 'container does not exist');
  t.notOk(alive(pid));
  t.notOk(fs.existsSync(`${s.root}/life`), 'state directory removed');
  t.notOk(fs.existsSync(`/sys/fs/cgroup/memory${s.cgroupParent}/${b.split('/').pop()}`), 'cgroup removed');
});

t.test('kill while running, with names and numbers', async (t) => {
  const s = new Sandbox(t);
  for (const sig of ['KILL', 'SIGKILL', '9']) {
    const id = `k-${sig}`;
    t.equal(s.run(['create', '-b', s.bundle(sleeper), id], { detached: true }).code, 0);
    t.equal(s.run(['start', id]).code, 0);
    const pid = readState(s, id).pid;
    t.equal(s.run(['kill', id, sig]).code, 0, `kill ${sig}`);
    t.ok(await eventually(() => readState(s, id).status === 'stopped'), `stopped after ${sig}`);
    t.notOk(alive(pid));
    t.equal(s.run(['delete', id]).code, 0);
  }
});

t.test('default signal is SIGTERM; a shell that traps it exits with its code', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['sh', '-c', 'trap "exit 42" TERM; while :; do sleep 0.05; done'];
  });
  const child = spawn(RUNTS, ['--root', s.root, 'run', '-b', b, 'term'], { stdio: 'ignore' });
  const code = new Promise<number | null>((r) => child.on('exit', r));
  t.ok(await eventually(() => s.run(['state', 'term']).stdout.includes('running')));
  await new Promise((r) => setTimeout(r, 200)); // let the shell install its trap
  t.equal(s.run(['kill', 'term']).code, 0);
  t.equal(await code, 42);
});

t.test('illegal steps are refused with runc\'s wording', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(sleeper);
  t.equal(s.run(['create', '-b', b, 'x'], { detached: true }).code, 0);
  const dup = s.run(['create', '-b', b, 'x'], { detached: true });
  t.equal(dup.code, 1);
  t.equal(errorMessage(dup.stderr), 'runts create failed: container with given ID already exists');
  t.equal(s.run(['start', 'x']).code, 0);

  const again = s.run(['start', 'x']);
  t.equal(again.code, 1);
  t.equal(errorMessage(again.stderr), 'cannot start an already running container');

  const del = s.run(['delete', 'x']);
  t.equal(del.code, 1);
  t.equal(errorMessage(del.stderr), 'cannot delete container x that is not stopped: running');
  t.equal(readState(s, 'x').status, 'running', 'a refused delete changes nothing');

  t.equal(s.run(['kill', 'x', 'KILL']).code, 0);
  t.ok(await eventually(() => readState(s, 'x').status === 'stopped'));
  const k = s.run(['kill', 'x', 'KILL']);
  t.equal(k.code, 1);
  t.equal(errorMessage(k.stderr), 'container not running');
  const st = s.run(['start', 'x']);
  t.equal(st.code, 1);
  t.equal(errorMessage(st.stderr), 'cannot start a container that has stopped');
  t.equal(s.run(['delete', 'x']).code, 0);

  for (const cmd of [['state', 'nope'], ['start', 'nope'], ['kill', 'nope'], ['delete', 'nope']]) {
    const r = s.run(cmd);
    t.equal(r.code, 1, `${cmd[0]} of an unknown id fails`);
    t.equal(errorMessage(r.stderr), 'container does not exist');
  }
  t.equal(s.run(['delete', '--force', 'nope']).code, 0, 'delete --force of an unknown id succeeds');
  const badsig = s.run(['kill', 'nope2', 'FOO']);
  t.equal(badsig.code, 1);
});

t.test('a created container can be deleted without --force, and its init goes', async (t) => {
  const s = new Sandbox(t);
  t.equal(s.run(['create', '-b', s.bundle(sleeper), 'c'], { detached: true }).code, 0);
  const pid = readState(s, 'c').pid;
  t.equal(s.run(['delete', 'c']).code, 0);
  t.ok(await eventually(() => !alive(pid)), 'the waiting init is killed');
});

t.test('delete --force kills a running container', async (t) => {
  const s = new Sandbox(t);
  t.equal(s.run(['run', '-d', '-b', s.bundle(sleeper), 'f'], { detached: true }).code, 0);
  const pid = readState(s, 'f').pid;
  t.equal(s.run(['delete', '--force', 'f']).code, 0);
  t.notOk(alive(pid));
  t.equal(s.run(['state', 'f']).code, 1);
});

t.test('two concurrent creates of one id: exactly one wins', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(sleeper);
  const go = () =>
    new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(RUNTS, ['--root', s.root, 'create', '-b', b, 'race'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      c.stderr.on('data', (d) => (err += d));
      const ended = new Promise((r) => c.stderr.on('end', r));
      // the winner's init keeps stderr open; a loser's stderr ends, and only
      // then has all its output arrived ('exit' can come first)
      c.on('exit', (code) => (code === 0 ? resolve({ code, err }) : ended.then(() => resolve({ code, err }))));
    });
  const results = await Promise.all([go(), go(), go()]);
  const winners = results.filter((r) => r.code === 0);
  t.equal(winners.length, 1, 'one create succeeds');
  for (const r of results.filter((r) => r.code !== 0)) t.match(r.err, 'container with given ID already exists');
  t.equal(readState(s, 'race').status, 'created', 'the winner is intact');
  t.equal(s.run(['delete', 'race']).code, 0);
});

t.test('list: table, json and quiet', async (t) => {
  const s = new Sandbox(t);
  t.equal(s.run(['list', '-f', 'json']).stdout.trim(), 'null', 'runc prints null for none');
  const b = s.bundle(sleeper);
  t.equal(s.run(['create', '-b', b, 'l1'], { detached: true }).code, 0);
  const table = s.run(['list']).stdout.split('\n');
  t.match(table[0], /^ID\s+PID\s+STATUS\s+BUNDLE\s+CREATED\s+OWNER$/);
  t.match(table[1], /^l1\s+\d+\s+created\s+/);
  const json = JSON.parse(s.run(['list', '--format', 'json']).stdout);
  t.equal(json.length, 1);
  t.equal(json[0].id, 'l1');
  t.equal(json[0].status, 'created');
  t.equal(s.run(['list', '-q']).stdout, 'l1\n');
  t.equal(s.run(['delete', 'l1']).code, 0);
});
