// The six hooks: that each runs, in order relative to the others and to the
// process, in the namespace runtime.md names, with the state on stdin; and
// what a failing hook does.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, errorMessage, readState, eventually, alive } from '../lib/harness';

const HOOK = `#!/bin/sh
state=$(cat)
status=$(echo "$state" | sed -n 's/.*"status":"\\([a-z]*\\)".*/\\1/p')
pid=$(echo "$state" | sed -n 's/.*"pid":\\([0-9]*\\).*/\\1/p')
id=$(echo "$state" | sed -n 's/.*"id":"\\([^"]*\\)".*/\\1/p')
echo "$1 status=$status id=$id pid=$pid uts=$(readlink /proc/self/ns/uts) arg2=$2 env=$HOOKVAR" >> "$LOG"
exit \${HOOK_EXIT:-0}
`;

function hookBundle(s: Sandbox, hooks: (log: string, script: string) => Record<string, unknown>, args = ['sh', '-c', 'echo "process host=$(cat /proc/sys/kernel/hostname)" >> /hooklog']) {
  const b = s.bundle(
    (c) => {
      c.root.readonly = false;
      c.process.args = args;
    },
    { copyRootfs: true },
  );
  const script = path.join(s.dir, 'hook.sh');
  fs.writeFileSync(script, HOOK, { mode: 0o755 });
  fs.writeFileSync(path.join(b, 'rootfs', 'hook.sh'), HOOK, { mode: 0o755 });
  const log = path.join(b, 'rootfs', 'hooklog');
  const config = JSON.parse(fs.readFileSync(path.join(b, 'config.json'), 'utf8'));
  config.hooks = hooks(log, script);
  fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(config));
  return { b, log };
}

const hook = (script: string, name: string, log: string, extra: Record<string, unknown> = {}) => ({
  path: script,
  args: ['hook.sh', name, 'second-arg'],
  env: [`LOG=${log}`, 'HOOKVAR=set'],
  ...extra,
});

t.test('all six hooks run in order, in their namespaces, with the state on stdin', async (t) => {
  const s = new Sandbox(t);
  const hostUts = fs.readlinkSync('/proc/self/ns/uts');
  const { b, log } = hookBundle(s, (log, script) => ({
    prestart: [hook(script, 'prestart', log)],
    createRuntime: [hook(script, 'createRuntime', log)],
    createContainer: [hook(script, 'createContainer', log)],
    startContainer: [hook('/hook.sh', 'startContainer', '/hooklog')],
    poststart: [hook(script, 'poststart', log)],
    poststop: [hook(script, 'poststop', log)],
  }));
  t.equal(s.run(['create', '-b', b, 'hooks'], { detached: true }).code, 0);
  const pid = readState(s, 'hooks').pid;
  const containerUts = fs.readlinkSync(`/proc/${pid}/ns/uts`);
  const afterCreate = fs.readFileSync(log, 'utf8');
  t.equal(afterCreate.split('\n').filter(Boolean).length, 3, 'create ran prestart, createRuntime, createContainer');
  t.equal(s.run(['start', 'hooks']).code, 0);
  t.ok(await eventually(() => readState(s, 'hooks').status === 'stopped'));
  t.equal(s.run(['delete', 'hooks']).code, 0);
  const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
  const names = lines.map((l) => l.split(' ')[0]);
  t.same(names.slice(0, 4), ['prestart', 'createRuntime', 'createContainer', 'startContainer'], 'create hooks, then startContainer');
  t.ok(names.indexOf('process') > names.indexOf('startContainer'), 'the process runs after startContainer');
  t.equal(names[names.length - 1], 'poststop', 'poststop last');
  t.ok(names.includes('poststart'), 'poststart ran');
  const line = (n: string) => lines.find((l) => l.startsWith(n + ' ')) ?? '';
  for (const n of ['prestart', 'createRuntime', 'createContainer']) t.match(line(n), `status=creating id=hooks pid=${pid} `, `${n} reads the state`);
  t.match(line('startContainer'), `status=created id=hooks pid=${pid} `);
  t.match(line('poststart'), `status=running id=hooks pid=${pid} `);
  t.match(line('poststop'), 'status=stopped id=hooks pid= ');
  for (const n of ['prestart', 'createRuntime', 'poststart', 'poststop']) t.match(line(n), `uts=${hostUts} `, `${n} runs in the runtime namespace`);
  for (const n of ['createContainer', 'startContainer']) t.match(line(n), `uts=${containerUts} `, `${n} runs in the container namespace`);
  t.match(line('process'), 'host=runts-demo');
  t.match(line('prestart'), 'arg2=second-arg env=set', 'args and env reach the hook');
});

t.test('a failing create hook stops the create and leaves nothing', async (t) => {
  const s = new Sandbox(t);
  for (const name of ['prestart', 'createRuntime', 'createContainer']) {
    const { b } = hookBundle(s, (log, script) => ({ [name]: [{ ...hook(script, name, log), env: [`LOG=${log}`, 'HOOK_EXIT=3'] }] }));
    const id = `fail-${name}`;
    const r = s.run(['create', '-b', b, id], { detached: true });
    t.equal(r.code, 1, `${name} failure fails create`);
    t.match(errorMessage(r.stderr), `error running ${name} hook #0: error running hook: exit status 3`);
    t.notOk(fs.existsSync(path.join(s.root, id)), 'no state left');
    const parent = `/sys/fs/cgroup/pids${s.cgroupParent}`;
    t.same(fs.existsSync(parent) ? fs.readdirSync(parent).filter((d) => d.startsWith('bundle')) : [], [], 'no container cgroup left');
  }
});

t.test('a hook past its timeout is killed and fails the create', async (t) => {
  const s = new Sandbox(t);
  const slow = path.join(s.dir, 'slow.sh');
  const pidFile = path.join(s.dir, 'hook.pid');
  // the hook process itself sleeps (exec), so its pid is the one the timeout must kill
  fs.writeFileSync(slow, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 300\n`, { mode: 0o755 });
  const { b } = hookBundle(s, () => ({ createRuntime: [{ path: slow, timeout: 1 }] }));
  const r = s.run(['create', '-b', b, 'slow'], { detached: true });
  t.equal(r.code, 1);
  t.match(errorMessage(r.stderr), 'error running createRuntime hook #0: timeout after 1 seconds');
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  t.notOk(alive(pid), 'the hook was killed, not waited for');
  t.notOk(fs.existsSync(path.join(s.root, 'slow')));
});

t.test('a failing startContainer or poststart hook fails start and destroys the container (runtime.md step 12); poststop failures only warn', async (t) => {
  const s = new Sandbox(t);
  for (const name of ['startContainer', 'poststart'] as const) {
    const { b, log } = hookBundle(
      s,
      (log, script) => ({ [name]: [{ path: '/bin/false' }], poststop: [hook(script, 'poststop', log)] }),
      ['sleep', '30'],
    );
    const id = `fail-${name}`;
    t.equal(s.run(['create', '-b', b, id], { detached: true }).code, 0);
    const pid = readState(s, id).pid;
    const r = s.run(['start', id]);
    t.equal(r.code, 1, `${name}: start fails`);
    t.match(errorMessage(r.stderr), `error running ${name} hook #0: error running hook: exit status 1`);
    t.equal(errorMessage(s.run(['state', id]).stderr), 'container does not exist', 'the container is destroyed');
    t.ok(await eventually(() => !fs.existsSync(`/proc/${pid}/status`) || /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))), 'its process is gone');
    t.match(fs.readFileSync(log, 'utf8'), /^poststop status=stopped/m, 'and poststop ran');
  }

  const { b: b2 } = hookBundle(s, () => ({ poststop: [{ path: '/bin/false' }] }), ['true']);
  const r2 = s.run(['run', '-b', b2, 'post']);
  t.equal(r2.code, 0, 'run succeeds');
  t.match(r2.stderr, /level=warning msg="error running poststop hook #0: error running hook: exit status 1/);
  t.equal(s.run(['state', 'post']).code, 1, 'and the container is gone');
});
