// podman (Debian's 4.3, with conmon) runs its containers through runts, and
// through runc as the reference column: every scenario runs with both, same
// podman, same image, and the table at the end shows them side by side.
// podman's state is private (see spec/lib/clients/podman.ts).
import t from 'tap';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { PODMAN, Podman, IMAGE } from '../lib/clients/podman';
import { scenario, Table, type Runtime } from '../lib/clients/columns';

if (!PODMAN || process.getuid?.() !== 0) {
  t.plan(0, 'podman and root needed (scripts/install-deps.sh)');
} else {
  t.setTimeout(600000);
  const p = new Podman();
  t.teardown(() => p.cleanup());
  p.importImage();
  const table = new Table();
  const S = (name: string, exp: Parameters<typeof scenario>[4], run: Parameters<typeof scenario>[5], bug?: Parameters<typeof scenario>[6]) =>
    scenario(t, table, () => p.dir, name, exp, run, bug);
  const out = (r: { code: number; stdout: string; stderr: string }) => ({ code: r.code, out: r.stdout.trim(), err: r.stderr.trim() });
  let n = 0;
  const name = (rt: Runtime) => `c${++n}-${rt}`;
  /** a running `sleep` container, removed at the end of the scenario */
  const detached = (rt: Runtime, extra: string[] = [], cmd = ['sleep', '1000']) => {
    const c = name(rt);
    const r = p.run(rt, ['-d', '--name', c, ...extra, IMAGE, ...cmd]);
    if (r.code !== 0) throw new Error(`podman run -d: ${r.stderr}`);
    return c;
  };
  const rm = (c: string) => p.podman(['rm', '-f', '-t', '0', c]);
  const inspect = (c: string, f: string) => p.podman(['inspect', c, '--format', f]).stdout.trim();

  S('run with output', { code: 0, out: 'hello from busybox' }, (rt) => out(p.run(rt, ['--rm', IMAGE, 'echo', 'hello from busybox'])));
  S('exit code 0', { code: 0 }, (rt) => out(p.run(rt, ['--rm', IMAGE, 'true'])));
  S('exit code 3', { code: 3 }, (rt) => out(p.run(rt, ['--rm', IMAGE, 'sh', '-c', 'exit 3'])));
  S('exit code 126 (not executable)', { code: 126, err: /permission denied/ }, (rt) => out(p.run(rt, ['--rm', IMAGE, '/etc/passwd'])));
  S('exit code 127 (not found)', { code: 127, err: /executable file not found/ }, (rt) => out(p.run(rt, ['--rm', IMAGE, 'nosuch'])));
  S('exit code 137 (kill -s KILL)', { kill: 0, wait: '137' }, (rt) => {
    const c = detached(rt);
    const k = p.podman(['kill', '-s', 'KILL', c]);
    const w = p.podman(['wait', c]);
    rm(c);
    return { kill: k.code, wait: w.stdout.trim(), err: k.stderr + w.stderr };
  });
  S('stop (TERM trapped: exit 7)', { stop: 0, exit: '7' }, (rt) => {
    const c = detached(rt, [], ['sh', '-c', 'trap "exit 7" TERM; while :; do sleep 0.1; done']);
    const s = p.podman(['stop', '-t', '10', c]);
    const e = inspect(c, '{{.State.ExitCode}}');
    rm(c);
    return { stop: s.code, exit: e, err: s.stderr };
  });
  S('exec', { code: 5, out: 'in the container' }, (rt) => {
    const c = detached(rt);
    const r = p.podman(['exec', c, 'sh', '-c', 'echo in the container; exit 5']);
    rm(c);
    return out(r);
  });
  S('exec -t', { code: 0, out: /^\/dev\/pts\/\d+\s+tty ok$/ }, (rt) => {
    const c = detached(rt);
    const r = p.podman(['exec', '-t', c, 'sh', '-c', 'tty; echo tty ok']);
    rm(c);
    return out(r);
  });
  S('pause / unpause', { paused: 'paused', running: 'running' }, (rt) => {
    const c = detached(rt);
    const a = p.podman(['pause', c]);
    const paused = inspect(c, '{{.State.Status}}');
    const b = p.podman(['unpause', c]);
    const running = inspect(c, '{{.State.Status}}');
    rm(c);
    return { paused, running, err: a.stderr + b.stderr };
  });
  S('memory limit, OOM kill', { limit: '33554432', code: 137 }, (rt) => {
    const c = detached(rt, ['-m', '32m', '--memory-swap', '32m']);
    const limit = p.podman(['exec', c, 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes']).stdout.trim();
    // the host's view, whatever the container sees
    const pid = inspect(c, '{{.State.Pid}}');
    const cg = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => /:memory:/.test(l))!.split(':')[2];
    const host = fs.readFileSync(`/sys/fs/cgroup/memory${cg}/memory.limit_in_bytes`, 'utf8').trim();
    rm(c);
    const r = p.run(rt, ['--rm', '-m', '16m', '--memory-swap', '16m', IMAGE, 'tail', '/dev/zero']);
    return { limit: host, inContainer: limit, code: r.code, err: r.stderr };
  });
  S('pids limit', { forkFailed: true, limit: '10' }, (rt) => {
    const c = detached(rt, ['--pids-limit', '10']);
    const pid = inspect(c, '{{.State.Pid}}');
    const cg = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => /:pids:/.test(l))!.split(':')[2];
    const limit = fs.readFileSync(`/sys/fs/cgroup/pids${cg}/pids.max`, 'utf8').trim();
    const r = p.podman(['exec', c, 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & done 2>&1; wait']);
    rm(c);
    return { limit, forkFailed: /can't fork/.test(r.stdout + r.stderr), out: r.stdout + r.stderr };
  });
  S(
    'the container sees its own cgroup',
    { code: 0, out: '10' },
    (rt) => out(p.run(rt, ['--rm', '--pids-limit', '10', IMAGE, 'cat', '/sys/fs/cgroup/pids/pids.max'])),
  );
  S('hostname', { code: 0, out: 'box-one' }, (rt) => out(p.run(rt, ['--rm', '--hostname', 'box-one', IMAGE, 'hostname'])));
  S(
    'read-only root',
    { code: 0, out: /Read-only file system\s+tmp ok/ },
    (rt) => out(p.run(rt, ['--rm', '--read-only', IMAGE, 'sh', '-c', 'touch /x 2>&1; touch /tmp/x && echo tmp ok'])),
  );
  S('all capabilities dropped', { code: 0, out: 'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000' }, (rt) =>
    out(p.run(rt, ['--rm', '--cap-drop', 'all', IMAGE, 'grep', '-E', 'CapPrm|CapEff|CapBnd', '/proc/self/status'])),
  );
  S('user 1000', { code: 0, out: '1000 1000' }, (rt) => out(p.run(rt, ['--rm', '--user', '1000:1000', IMAGE, 'sh', '-c', 'echo $(id -u) $(id -g)'])));
  S('env and workdir', { code: 0, out: 'bar /var' }, (rt) =>
    out(p.run(rt, ['--rm', '-e', 'FOO=bar', '-w', '/var', IMAGE, 'sh', '-c', 'echo $FOO $(pwd)'])),
  );
  S('default seccomp profile', { code: 0, out: 'Seccomp:\t2' }, (rt) =>
    out(p.run(rt, ['--rm', IMAGE, 'grep', '^Seccomp:', '/proc/self/status'])),
  );
  S('nofile/nproc clamped to the host', { code: 0, out: /^\d+ \d+$/ }, (rt) => out(p.run(rt, ['--rm', IMAGE, 'sh', '-c', 'echo $(ulimit -n) $(ulimit -u)'])));
  S('top', { code: 0, out: /sleep 1000/ }, (rt) => {
    const c = detached(rt);
    const r = p.podman(['top', c]);
    rm(c);
    return out(r);
  });
  S('inspect', { status: 'running', runtime: (/(runc|runts)/ as RegExp), pidAlive: true }, (rt) => {
    const c = detached(rt);
    const status = inspect(c, '{{.State.Status}}');
    const runtime = inspect(c, '{{.OCIRuntime}}');
    const pid = inspect(c, '{{.State.Pid}}');
    rm(c);
    return { status, runtime: runtime === rt ? rt : `${runtime}?`, pidAlive: Number(pid) > 0 };
  });
  S('stats', { code: 0, out: /^1 \d/ }, (rt) => {
    const c = detached(rt);
    const r = p.podman(['stats', '--no-stream', '--format', '{{.PIDs}} {{.MemUsage}}', c]);
    rm(c);
    return out(r);
  });
  S('logs', { code: 0, out: 'to stdout\nto stderr' }, (rt) => {
    const c = name(rt);
    p.run(rt, ['--name', c, IMAGE, 'sh', '-c', 'echo to stdout; echo to stderr >&2']);
    const r = p.podman(['logs', c]);
    rm(c);
    return { code: r.code, out: (r.stdout + r.stderr).trim() };
  });
  S('20 containers in sequence', { codes: Array(20).fill(0) }, (rt) => {
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push(p.run(rt, ['--rm', IMAGE, 'true']).code);
    return { codes };
  });
  S('5 containers at the same time', { codes: [0, 0, 0, 0, 0], outs: ['0', '1', '2', '3', '4'] }, async (rt) => {
    const one = (i: number) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        const child = spawn(PODMAN!, [...p.global, '--runtime', rt, 'run', '--rm', '--cgroup-parent', p.cgroupParent, IMAGE, 'sh', '-c', `sleep 1; echo ${i}`], {
          env: p.env,
          cwd: p.dir,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let o = '';
        child.stdout.on('data', (d) => (o += d));
        child.on('close', (code) => resolve({ code: code ?? -1, out: o.trim() }));
      });
    const rs = await Promise.all([0, 1, 2, 3, 4].map(one));
    return { codes: rs.map((r) => r.code), outs: rs.map((r) => r.out) };
  });

  t.test('side by side', async (t) => {
    t.comment('\n' + table.render('podman ' + p.podman(['--version']).stdout.trim().replace(/^podman version /, '')));
    t.pass('table printed');
  });
  t.test('podman state removed', async (t) => {
    p.cleanup();
    t.notOk(fs.existsSync(p.dir), 'no temp dir left');
  });
}
