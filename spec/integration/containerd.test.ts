// containerd (Debian's 1.6, containerd-shim-runc-v2, driven by ctr) runs its
// containers through runts, and through runc as the reference column: every
// scenario runs with both, same daemon, same image, and the table at the end
// shows them side by side. The daemon is private (spec/lib/clients/containerd.ts).
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTAINERD, CTR, Containerd } from '../lib/clients/containerd';
import { scenario, Table, type Runtime } from '../lib/clients/columns';
import { eventually } from '../lib/harness';

const shq = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

if (!CONTAINERD || process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/script')) {
  t.plan(0, 'containerd, script(1) and root needed (scripts/install-deps.sh)');
} else {
  // two runtimes times ~20 scenarios, each a few containers: more than tap's default 120 s
  t.setTimeout(600000);
  const d = new Containerd();
  t.teardown(() => d.stop());
  const table = new Table();
  const S = (name: string, exp: Parameters<typeof scenario>[4], run: Parameters<typeof scenario>[5], bug?: Parameters<typeof scenario>[6]) =>
    scenario(t, table, () => d.dir, name, exp, run, bug);
  const out = (r: { code: number; stdout: string; stderr: string }) => ({ code: r.code, out: r.stdout.trim(), err: r.stderr.trim() });
  let n = 0;
  const name = (rt: Runtime) => `c${++n}-${rt}`;
  const status = (id: string) => (d.ctr(['task', 'ls']).stdout.split('\n').find((l) => l.startsWith(id + ' ')) ?? '').trim().split(/\s+/)[2];
  const detached = (rt: Runtime, flags: string[] = [], cmd = ['sleep', '1000']) => {
    const id = name(rt);
    const r = d.run(rt, id, ['-d', ...flags], cmd);
    if (r.code !== 0) throw new Error(`ctr run -d: ${r.stderr}`);
    return id;
  };
  /** kills what is left, deletes the task (its stderr carries a non-zero exit code) and the container */
  const rm = async (id: string) => {
    const st = status(id);
    if (st && st !== 'STOPPED') {
      d.ctr(['task', 'kill', '-s', 'SIGKILL', id]);
      await eventually(() => status(id) === 'STOPPED', 10000);
    }
    const r = d.ctr(['task', 'rm', id]);
    d.ctr(['container', 'rm', id]);
    return r.stderr;
  };
  const exitOf = (stderr: string) => /exit code (\d+)/.exec(stderr)?.[1] ?? '0';

  t.before(async () => {
    await d.start();
    d.importImage();
  });

  S('run with output', { code: 0, out: 'hello from busybox' }, (rt) => out(d.run(rt, name(rt), ['--rm'], ['echo', 'hello from busybox'])));
  S('exit code 0', { code: 0 }, (rt) => out(d.run(rt, name(rt), ['--rm'], ['true'])));
  S('exit code 3', { code: 3 }, (rt) => out(d.run(rt, name(rt), ['--rm'], ['sh', '-c', 'exit 3'])));
  S('not executable (126)', { code: 1, err: /OCI runtime create failed: .*permission denied/ }, async (rt) => {
    const id = name(rt);
    const r = out(d.run(rt, id, ['--rm'], ['/etc/passwd']));
    await rm(id);
    return r;
  });
  S('not found (127)', { code: 1, err: /OCI runtime create failed: .*executable file not found in \$PATH/ }, async (rt) => {
    const id = name(rt);
    const r = out(d.run(rt, id, ['--rm'], ['nosuch']));
    await rm(id);
    return r;
  });
  S('exit code 137 (kill -s SIGKILL)', { kill: 0, stopped: true, exit: '137' }, async (rt) => {
    const id = detached(rt);
    const k = d.ctr(['task', 'kill', '-s', 'SIGKILL', id]);
    const stopped = await eventually(() => status(id) === 'STOPPED', 10000);
    return { kill: k.code, stopped, exit: exitOf(await rm(id)) };
  });
  S('stop (SIGTERM trapped: exit 7)', { kill: 0, stopped: true, exit: '7' }, async (rt) => {
    const id = detached(rt, [], ['sh', '-c', 'trap "exit 7" TERM; while :; do sleep 0.1; done']);
    await new Promise((r) => setTimeout(r, 300));
    const k = d.ctr(['task', 'kill', id]);
    const stopped = await eventually(() => status(id) === 'STOPPED', 10000);
    return { kill: k.code, stopped, exit: exitOf(await rm(id)) };
  });
  S('exec', { code: 5, out: 'in the container' }, async (rt) => {
    const id = detached(rt);
    const r = d.ctr(['task', 'exec', '--exec-id', 'e1', id, 'sh', '-c', 'echo in the container; exit 5']);
    await rm(id);
    return out(r);
  });
  S('exec -t', { code: 4, out: /\/dev\/pts\/\d+[\s\S]*tty ok/ }, async (rt) => {
    const id = detached(rt);
    // ctr wants a terminal on its own stdin: script(1) gives it one
    const cmd = [CTR!, '--address', d.socket, 'task', 'exec', '-t', '--exec-id', 'e2', id, 'sh', '-c', 'tty; echo tty ok; exit 4'].map(shq).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 30000, input: '' });
    await rm(id);
    return { code: r.status, out: r.stdout.replace(/\r/g, '').trim() };
  });
  S('pause / resume', { paused: 'PAUSED', running: 'RUNNING' }, async (rt) => {
    const id = detached(rt);
    d.ctr(['task', 'pause', id]);
    const paused = status(id);
    d.ctr(['task', 'resume', id]);
    const running = status(id);
    await rm(id);
    return { paused, running };
  });
  S('memory limit, OOM event', { code: 137, oomEvent: true }, async (rt) => {
    const events = spawn(CTR!, ['--address', d.socket, 'events'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let ev = '';
    events.stdout.on('data', (b) => (ev += b));
    await new Promise((r) => setTimeout(r, 300));
    const id = name(rt);
    const r = d.run(rt, id, ['--rm', '--memory-limit', '16777216'], ['tail', '/dev/zero']);
    const oomEvent = await eventually(() => ev.includes('/tasks/oom') && ev.includes(id), 5000);
    events.kill();
    return { code: r.code, oomEvent, err: r.stderr };
  });
  S('pids limit, hostname, user 1000 (ctr run --config)', { code: 0, out: /^box-one\n1000 1000\n[\s\S]*can't fork/ }, async (rt) => {
    const id = name(rt);
    const r = d.runSpec(rt, id, (s) => {
      s.hostname = 'box-one';
      s.process.user = { uid: 1000, gid: 1000 };
      s.linux.resources = { ...(s.linux.resources ?? {}), pids: { limit: 10 } };
      s.process.args = ['sh', '-c', 'hostname; echo $(id -u) $(id -g); (for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & done) 2>&1; true'];
    }, ['--rm']);
    await rm(id);
    return out(r);
  });
  S('read-only root', { code: 0, out: /Read-only file system/ }, (rt) =>
    out(d.run(rt, name(rt), ['--rm', '--read-only'], ['sh', '-c', 'touch /x 2>&1; true'])),
  );
  S('all capabilities dropped (ctr run --config)', { code: 0, out: 'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000' }, async (rt) => {
    const id = name(rt);
    const r = d.runSpec(rt, id, (s) => {
      s.process.capabilities = { bounding: [], effective: [], permitted: [] };
      s.process.args = ['grep', '-E', 'CapPrm|CapEff|CapBnd', '/proc/self/status'];
    }, ['--rm']);
    await rm(id);
    return out(r);
  });
  S('env and cwd', { code: 0, out: 'bar /var' }, (rt) => out(d.run(rt, name(rt), ['--rm', '--env', 'FOO=bar', '--cwd', '/var'], ['sh', '-c', 'echo $FOO $(pwd)'])));
  S('seccomp (containerd default profile)', { code: 0, out: 'Seccomp:\t2' }, (rt) => out(d.run(rt, name(rt), ['--rm', '--seccomp'], ['grep', '^Seccomp:', '/proc/self/status'])));
  S('task ps', { code: 0, pids: 2 }, async (rt) => {
    const id = detached(rt, [], ['sh', '-c', 'sleep 1000 & wait']);
    await new Promise((r) => setTimeout(r, 300));
    const r = d.ctr(['task', 'ps', id]);
    await rm(id);
    return { code: r.code, pids: r.stdout.split('\n').filter((l) => /^\d+\s/.test(l)).length, out: r.stdout };
  });
  S('task metrics', { code: 0, out: /memory\.usage_in_bytes\s+\d+/ }, async (rt) => {
    const id = detached(rt);
    const r = d.ctr(['task', 'metrics', id]);
    await rm(id);
    return out(r);
  });
  S('logs (--log-uri file)', { code: 0, log: /to stdout/ }, (rt) => {
    const log = path.join(d.dir, `${rt}-${++n}.log`);
    const r = d.run(rt, name(rt), ['--rm', '--log-uri', `file://${log}`], ['sh', '-c', 'echo to stdout']);
    return { code: r.code, log: fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim() : '(no log)', err: r.stderr };
  });
  S('20 containers in sequence', { codes: Array(20).fill(0) }, (rt) => {
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push(d.run(rt, name(rt), ['--rm'], ['true']).code);
    return { codes };
  });
  S('5 containers at the same time', { codes: [0, 0, 0, 0, 0], outs: ['0', '1', '2', '3', '4'] }, async (rt) => {
    const one = (i: number) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        const id = name(rt);
        const child = spawn(CTR!, ['--address', d.socket, 'run', '--rm', ...d.runtimeFlags(rt), '--cgroup', `${d.cgroupParent}/${id}`, 'docker.io/library/runts-busybox:test', id, 'sh', '-c', `sleep 1; echo ${i}`], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let o = '';
        child.stdout.on('data', (b) => (o += b));
        child.on('close', (code) => resolve({ code: code ?? -1, out: o.trim() }));
      });
    const rs = await Promise.all([0, 1, 2, 3, 4].map(one));
    return { codes: rs.map((r) => r.code), outs: rs.map((r) => r.out) };
  });

  t.test('side by side', async (t) => {
    t.comment('\n' + table.render('containerd ' + d.ctr(['--version']).stdout.trim().replace(/^ctr \S+ /, '')));
    t.pass('table printed');
  });
  // as a test, so it is awaited whatever happened before (teardown stays as the fallback)
  t.test('containerd stopped, its state removed', async (t) => {
    await d.stop();
    t.notOk(fs.existsSync(d.dir), 'no temp dir left');
  });
}
