// config.md hooks and runtime.md lifecycle steps 3-13: order, state on stdin,
// the namespace each hook runs in and resolves its path in, failures.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, T } from '../framework';
import { Json, sleep } from '../harness';

const KINDS = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;
type Kind = (typeof KINDS)[number];
const RUNTIME_NS: Kind[] = ['prestart', 'createRuntime', 'poststart', 'poststop'];

const SCRIPT = `#!/bin/sh
# hook NAME LOG [EXIT]
input=$(cat)
echo "$1|$(readlink /proc/self/ns/mnt)|$(readlink /proc/self/ns/pid)|$input" >> "$2"
exit \${3:-0}
`;

interface Entry {
  name: string;
  mnt: string;
  pid: string;
  state?: Json;
}

interface Run {
  bundle: string;
  id: string;
  log: Entry[];
  facts?: Json;
  createCode: number;
  startCode?: number;
  deleteCode?: number;
  stderr: string;
}

/**
 * a container with hooks of every kind logging to one file (bind-mounted at the
 * same path inside, so hooks in either namespace reach it). Runtime-namespace
 * hooks use a path that exists only on the host; startContainer one that exists
 * only in the rootfs. `fail` makes that hook exit 1.
 */
function hookRun(t: T, opts: { fail?: string; kinds?: readonly Kind[] } = {}): Run {
  const logDir = path.join(t.sb.dir, 'hooklog');
  fs.mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, 'hooks.log');
  const hostHook = path.join(t.sb.dir, 'host-only', 'hook');
  fs.mkdirSync(path.dirname(hostHook), { recursive: true });
  fs.writeFileSync(hostHook, SCRIPT, { mode: 0o755 });
  const mark = (s: string) => fs.appendFileSync(log, `${s}|||\n`);
  const kinds = opts.kinds ?? KINDS;
  const bundle = t.sb.bundle((c, b) => {
    fs.writeFileSync(path.join(b, 'rootfs', 'container-only-hook'), SCRIPT, { mode: 0o755 });
    c.mounts.push({ destination: logDir, type: 'none', source: logDir, options: ['rbind'] });
    c.process.args = ['/bin/sh', '-c', `echo "process|||" >> ${log}; exec /probe`];
    c.hooks = {};
    for (const k of kinds) {
      const names = k === 'prestart' || k === 'poststop' ? [`${k}1`, `${k}2`] : [k];
      c.hooks[k] = names.map((n) => ({
        path: k === 'startContainer' ? '/container-only-hook' : hostHook,
        args: ['hook', n, log, opts.fail === n ? '1' : '0'],
        env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'],
      }));
    }
  });
  const id = t.sb.newId();
  const out = path.join(t.sb.dir, 'probe.out');
  mark('create-begin');
  const cr = t.sb.create(id, bundle, { stdout: out });
  mark('create-returned');
  const run: Run = { bundle, id, log: [], createCode: cr.code, stderr: cr.stderr };
  if (cr.code === 0) {
    const pid = t.sb.state(id)?.pid;
    const sr = t.sb.run(['start', id]);
    mark('start-returned');
    run.startCode = sr.code;
    run.stderr += sr.stderr;
    t.sb.waitStopped(id, pid);
    for (let i = 0; i < 50 && t.sb.state(id)?.status !== 'stopped'; i++) sleep(20);
    mark('delete-begin');
    const dr = t.sb.run(['delete', id]);
    mark('delete-returned');
    run.deleteCode = dr.code;
    run.stderr += dr.stderr;
    try {
      run.facts = JSON.parse(fs.readFileSync(out, 'utf8'));
    } catch {
      // the probe did not run
    }
  } else {
    // the container must be gone; give poststop hooks of the runtime a moment
    sleep(100);
  }
  for (const line of fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) {
    const [name, mnt, pid, ...rest] = line.split('|');
    let state: Json | undefined;
    try {
      state = rest.join('|') ? JSON.parse(rest.join('|')) : undefined;
    } catch {
      state = { unparsed: rest.join('|') };
    }
    run.log.push({ name, mnt, pid, state });
  }
  return run;
}

const names = (r: Run) => r.log.map((e) => e.name);
const before = (t: T, r: Run, a: string, b: string) => {
  const n = names(r);
  const i = n.indexOf(a);
  const j = n.indexOf(b);
  t.ok(i >= 0, `${a} never happened: ${n.join(' ')}`);
  t.ok(j >= 0, `${b} never happened: ${n.join(' ')}`);
  if (i >= 0 && j >= 0) t.ok(i < j, `${a} is not before ${b}: ${n.join(' ')}`);
};

test('hooks.order', 'hooks run in lifecycle order, each kind in listed order, around the operations', (t) => {
  const r = hookRun(t);
  const want = ['create-begin', 'prestart1', 'prestart2', 'createRuntime', 'createContainer', 'create-returned', 'startContainer', 'start-returned', 'delete-begin', 'poststop1', 'poststop2', 'delete-returned'];
  const got = names(r).filter((n) => want.includes(n));
  t.eq(got, want, 'order');
  before(t, r, 'startContainer', 'process');
  before(t, r, 'poststart', 'start-returned');
  before(t, r, 'create-returned', 'poststart');
});

for (const k of KINDS) {
  test(`hooks.${k}.invoked`, `${k} hooks are invoked`, (t) => {
    const r = hookRun(t, { kinds: [k] });
    t.ok(names(r).some((n) => n.startsWith(k)), `no ${k} hook ran: ${names(r).join(' ')} ${r.stderr}`);
  });
}

test('hooks.prestart.in-create', 'prestart hooks run during create, before createRuntime', (t) => {
  const r = hookRun(t);
  before(t, r, 'create-begin', 'prestart1');
  before(t, r, 'prestart2', 'createRuntime');
  before(t, r, 'prestart2', 'create-returned');
});

test('hooks.createRuntime.in-create', 'createRuntime hooks run during create', (t) => {
  const r = hookRun(t);
  before(t, r, 'create-begin', 'createRuntime');
  before(t, r, 'createRuntime', 'create-returned');
});

test('hooks.createContainer.in-create', 'createContainer hooks run during create, after createRuntime', (t) => {
  const r = hookRun(t);
  before(t, r, 'createRuntime', 'createContainer');
  before(t, r, 'createContainer', 'create-returned');
});

test('hooks.startContainer.before-process', 'startContainer hooks run during start, before the process', (t) => {
  const r = hookRun(t);
  before(t, r, 'create-returned', 'startContainer');
  before(t, r, 'startContainer', 'process');
});

test('hooks.poststart.before-start-returns', 'poststart hooks run after the process is started, before start returns', (t) => {
  const r = hookRun(t);
  before(t, r, 'startContainer', 'poststart');
  before(t, r, 'poststart', 'start-returned');
});

test('hooks.poststop.before-delete-returns', 'poststop hooks run during delete, before it returns', (t) => {
  const r = hookRun(t);
  before(t, r, 'delete-begin', 'poststop1');
  before(t, r, 'poststop2', 'delete-returned');
});

test('hooks.state-stdin', 'each hook gets the container state on stdin', (t) => {
  const r = hookRun(t);
  for (const e of r.log.filter((e) => e.mnt)) {
    t.eq(e.state?.id, r.id, `${e.name}: state.id`);
    t.eq(e.state?.bundle, r.bundle, `${e.name}: state.bundle`);
    t.ok(typeof e.state?.ociVersion === 'string', `${e.name}: state.ociVersion missing`);
    t.ok(typeof e.state?.status === 'string', `${e.name}: state.status missing`);
    if (e.name !== 'poststop1' && e.name !== 'poststop2') t.ok(Number.isInteger(e.state?.pid) && e.state!.pid > 0, `${e.name}: state.pid missing`);
  }
});

for (const k of KINDS) {
  const inRuntime = RUNTIME_NS.includes(k);
  test(`hooks.${k}.namespace`, `${k} hooks run in the ${inRuntime ? 'runtime' : 'container'} namespace`, (t) => {
    const r = hookRun(t);
    const e = r.log.find((x) => x.name.startsWith(k));
    if (!e) return t.fatal(`no ${k} hook ran`);
    if (inRuntime) t.eq(e.mnt, fs.readlinkSync('/proc/self/ns/mnt'), `${k} mount namespace (the runtime's)`);
    else {
      if (!r.facts) return t.fatal("the process did not run, no container namespace to compare");
      t.eq(e.mnt, r.facts.ns.mnt, `${k} mount namespace (the container's)`);
      t.eq(e.pid, r.facts.ns.pid, `${k} pid namespace (the container's)`);
    }
  });
  test(`hooks.${k}.path-resolution`, `${k} hook path resolves in the ${k === 'startContainer' ? 'container' : 'runtime'} namespace`, (t) => {
    const r = hookRun(t, { kinds: [k] });
    t.ok(names(r).some((n) => n.startsWith(k)), `the ${k} hook at a path that exists only in the ${k === 'startContainer' ? 'container' : 'runtime'} namespace did not run: ${r.stderr.trim()}`);
  });
}

for (const k of ['prestart1', 'createRuntime', 'createContainer'] as const) {
  test(`hooks.${k.replace(/1$/, '')}.fails`, `a failing ${k.replace(/1$/, '')} hook: create fails, the container is stopped and destroyed, the program never runs`, (t) => {
    const r = hookRun(t, { fail: k });
    t.ok(r.createCode !== 0, 'create exited 0');
    t.ok(!names(r).includes('process'), 'the program ran');
    t.ok(t.sb.run(['state', r.id]).code !== 0 || t.sb.state(r.id)?.status === 'stopped', 'the container is neither gone nor stopped');
    t.ok(!names(r).includes('startContainer'), 'startContainer ran after the failure');
  });
}

test('hooks.startContainer.fails', 'a failing startContainer hook: start fails, the program never runs, the container stops', (t) => {
  const r = hookRun(t, { fail: 'startContainer' });
  t.ok(r.createCode === 0, 'create failed');
  t.ok(r.startCode !== 0, 'start exited 0');
  t.ok(!names(r).includes('process'), 'the program ran');
});

test('hooks.poststart.fails', 'a failing poststart hook is an error (of start, or of create where it ran) and the container is stopped', (t) => {
  const r = hookRun(t, { fail: 'poststart' });
  t.ok(r.createCode !== 0 || r.startCode !== 0, `create and start exited 0 although poststart failed (${names(r).join(' ')})`);
});

test('hooks.poststop.fails', 'a failing poststop hook is a warning: delete succeeds, the remaining hooks run', (t) => {
  const r = hookRun(t, { fail: 'poststop1' });
  t.eq(r.deleteCode, 0, 'delete exit status');
  t.ok(names(r).includes('poststop2'), `the second poststop hook did not run: ${names(r).join(' ')}`);
  t.ok(t.sb.run(['state', r.id]).code !== 0, 'the container still exists after delete');
});

test('features.hooks', 'every hook kind features lists is supported', (t) => {
  const list = t.rt.features?.hooks as string[] | undefined;
  if (!list) return t.skip("the runtime has no features command or no hooks list");
  const r = hookRun(t, { kinds: list.filter((k): k is Kind => (KINDS as readonly string[]).includes(k)) });
  for (const k of list) t.ok(names(r).some((n) => n.startsWith(k)), `${k} hooks are listed in features but did not run`);
});
