// runts exec: another process inside a running container.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Sandbox, readState, errorMessage, alive, eventually } from '../lib/harness';

function running(t: Parameters<Parameters<typeof t.test>[1]>[0], edit: (c: Record<string, any>) => void = () => {}, copyRootfs = false) {
  const s = new Sandbox(t);
  const b = s.bundle(
    (c) => {
      c.process.args = ['sleep', '300'];
      c.process.user = { uid: 0, gid: 0, additionalGids: [10] };
      edit(c);
    },
    { copyRootfs },
  );
  const r = s.run(['run', '-d', '-b', b, 'ex'], { detached: true });
  if (r.code !== 0) throw new Error(r.stderr);
  return { s, b, pid: readState(s, 'ex').pid as number };
}

t.test('exec sees the container: hostname, pid namespace, mounts, cgroup, user', async (t) => {
  const { s, pid } = running(t);
  const r = s.run(['exec', 'ex', 'sh', '-c', 'hostname; echo $$; cat /proc/1/cmdline | tr "\\0" " "; echo; wc -l < /proc/self/mountinfo; wc -l < /proc/1/mountinfo; grep pids /proc/self/cgroup; id']);
  t.equal(r.code, 0, r.stderr);
  const [host, mypid, init, mounts, initMounts, cgroup, id] = r.stdout.trim().split('\n');
  t.equal(host, 'runts-demo');
  t.not(mypid, '1', 'not pid 1');
  t.equal(init.trim(), 'sleep 300', 'the container\'s init is pid 1 for it');
  t.equal(mounts, initMounts, 'the same mount table as the init');
  t.equal(cgroup, fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.includes(':pids:')), 'the init\'s cgroup');
  t.equal(id, 'uid=0(root) gid=0(root) groups=10', 'the container\'s user and additional groups');
});

t.test('exec flags: user, env, cwd, cap, no-new-privs, additional gids', async (t) => {
  const { s } = running(t);
  const r = s.run(['exec', '-u', '1000:1000', '-g', '7', '-e', 'FOO=bar', '--cwd', '/tmp', '--no-new-privs', 'ex', 'sh', '-c', 'id -u; id -g; id -G; echo $FOO; pwd; grep NoNewPrivs /proc/self/status']);
  t.equal(r.code, 0, r.stderr);
  t.same(r.stdout.trim().split('\n'), ['1000', '1000', '1000 7 10', 'bar', '/tmp', 'NoNewPrivs:\t1']);
  const caps = s.run(['exec', '--cap', 'CAP_SYS_ADMIN', 'ex', 'grep', 'CapEff', '/proc/self/status']);
  t.ok((BigInt('0x' + caps.stdout.trim().split('\t')[1]) >> 21n) & 1n, '--cap adds CAP_SYS_ADMIN');
  const plain = s.run(['exec', 'ex', 'grep', 'CapEff', '/proc/self/status']);
  t.notOk((BigInt('0x' + plain.stdout.trim().split('\t')[1]) >> 21n) & 1n, 'and only when asked');
});

t.test('exit codes propagate: 0, 3, 126, 127, 128+9; errors exit 255 as runc', async (t) => {
  const { s } = running(t);
  for (const [script, code] of [['exit 0', 0], ['exit 3', 3], ['exit 126', 126], ['exit 127', 127], ['kill -9 $$', 137]] as const)
    t.equal(s.run(['exec', 'ex', 'sh', '-c', script]).code, code, script);
  const missing = s.run(['exec', 'ex', 'no-such-binary']);
  t.equal(missing.code, 255);
  t.equal(errorMessage(missing.stderr), 'exec failed: unable to start container process: exec: "no-such-binary": executable file not found in $PATH');
  const noexec = s.run(['exec', 'ex', '/etc/passwd']);
  t.equal(noexec.code, 255);
  t.match(errorMessage(noexec.stderr), 'exec: "/etc/passwd": permission denied');
  const empty = s.run(['exec', 'ex']);
  t.equal(empty.code, 255);
  t.equal(errorMessage(empty.stderr), 'exec failed: process args cannot be empty');
});

t.test('--process: a process.json, validated with the schema', async (t) => {
  const { s } = running(t);
  const good = path.join(s.dir, 'process.json');
  fs.writeFileSync(good, JSON.stringify({ cwd: '/etc', args: ['sh', '-c', 'pwd; echo $X'], env: ['X=from-json', 'PATH=/bin'], user: { uid: 5, gid: 6 } }));
  const r = s.run(['exec', '--process', good, 'ex']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, '/etc\nfrom-json\n');
  const bad = path.join(s.dir, 'bad.json');
  fs.writeFileSync(bad, JSON.stringify({ cwd: 'relative', args: ['true'] }, null, 2));
  const rb = s.run(['exec', '-p', bad, 'ex']);
  t.equal(rb.code, 255);
  t.match(errorMessage(rb.stderr), /^exec failed: bad\.json: \/cwd: .* at line 2:/);
  const nofile = s.run(['exec', '-p', path.join(s.dir, 'none.json'), 'ex']);
  t.match(errorMessage(nofile.stderr), /none\.json: no such file or directory/);
});

t.test('-t through a console socket gives a working shell', async (t) => {
  const { s } = running(t);
  const sock = path.join(s.dir, 'exec-console.sock');
  const recv = spawn('python3', [path.join(__dirname, '..', 'lib', 'recvtty.py'), sock, 'tty; echo exec-$((20+22)); exit\n', '8']);
  let out = '';
  recv.stdout.on('data', (d) => (out += d));
  const done = new Promise((r) => recv.on('close', r));
  for (let i = 0; i < 100 && !out.includes('listening'); i++) await new Promise((r) => setTimeout(r, 50));
  const pidFile = path.join(s.dir, 'exec.pid');
  const r = s.run(['exec', '-t', '-d', '--console-socket', sock, '--pid-file', pidFile, 'ex', 'sh'], { detached: true });
  t.equal(r.code, 0, r.stderr);
  t.ok(Number(fs.readFileSync(pidFile, 'utf8')) > 0, 'detached exec writes the pid file');
  await done;
  t.match(out, /\/dev\/pts\/\d+/);
  t.match(out, 'exec-42');
});

t.test('20 concurrent execs into one container all succeed', async (t) => {
  const { s } = running(t);
  const { RUNTS } = await import('../lib/harness');
  const runs = Array.from({ length: 20 }, (_, i) =>
    new Promise<[number | null, string]>((resolve) => {
      const c = spawn(RUNTS, ['--root', s.root, 'exec', 'ex', 'sh', '-c', `echo n${i}`]);
      let o = '';
      c.stdout.on('data', (d) => (o += d));
      // 'close', not 'exit': only then has all of stdout arrived
      c.on('close', (code) => resolve([code, o]));
    }),
  );
  const results = await Promise.all(runs);
  t.same(results.map(([c]) => c), Array(20).fill(0), 'all exit 0');
  t.same(results.map(([, o]) => o.trim()).sort(), Array.from({ length: 20 }, (_, i) => `n${i}`).sort(), 'each printed its own line');
});

t.test('exec into a stopped or paused container', async (t) => {
  const { s, pid } = running(t);
  t.equal(s.run(['pause', 'ex']).code, 0);
  const paused = s.run(['exec', 'ex', 'true']);
  t.equal(paused.code, 255);
  t.equal(errorMessage(paused.stderr), 'exec failed: cannot exec in a paused container (use --ignore-paused to override)');
  t.equal(s.run(['resume', 'ex']).code, 0);
  t.equal(s.run(['kill', 'ex', 'KILL']).code, 0);
  t.ok(await eventually(() => !alive(pid)));
  const stopped = s.run(['exec', 'ex', 'true']);
  t.equal(stopped.code, 255);
  t.equal(errorMessage(stopped.stderr), 'exec failed: cannot exec in a stopped container');
});

t.test('exec --ignore-paused into a paused container runs once it is resumed', async (t) => {
  const { s } = running(t);
  const { RUNTS } = await import('../lib/harness');
  t.equal(s.run(['pause', 'ex']).code, 0);
  // the exec'd process joins the frozen cgroup and waits there
  const exec = spawn(RUNTS, ['--root', s.root, 'exec', '--ignore-paused', 'ex', 'echo', 'after-resume']);
  let out = '';
  exec.stdout.on('data', (d) => (out += d));
  const done = new Promise<number | null>((resolve) => exec.on('close', (code) => resolve(code)));
  // give it time to reach the frozen cgroup (if it has not, the test is merely weaker)
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(out, '', 'nothing ran while paused');
  // resume must not wait for the exec (which waits for resume): that was a deadlock
  const resumed = s.run(['resume', 'ex']);
  t.equal(resumed.code, 0, resumed.stderr);
  t.equal(await done, 0, 'the exec finished after the resume');
  t.equal(out.trim(), 'after-resume');
});

t.test('--cgroup puts the process in an existing sub-cgroup', async (t) => {
  const { s, pid } = running(t);
  const line = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.includes(':pids:'))!;
  const dir = `/sys/fs/cgroup/pids${line.split(':')[2]}`;
  fs.mkdirSync(path.join(dir, 'sub'));
  t.teardown(() => fs.rmdirSync(path.join(dir, 'sub')));
  const r = s.run(['exec', '--cgroup', 'pids:sub', 'ex', 'grep', ':pids:', '/proc/self/cgroup']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /:pids:.*\/sub$/m);
  const missing = s.run(['exec', '--cgroup', 'nope', 'ex', 'true']);
  t.equal(missing.code, 255);
  t.match(errorMessage(missing.stderr), /error adding pid to cgroups: open .*\/nope\/cgroup\.procs: no such file or directory/, 'runc\'s words');
});

t.test('CVE-2019-5736 / CVE-2016-9962: during exec set-up a container process reaches nothing of the host', async (t) => {
  // the init watches /proc while execs come and go, and reports any exe or fd it could open
  const watcher = `
    seen=0
    while [ ! -e /tmp/stop ]; do
      for d in /proc/[0-9]*; do
        p=\${d#/proc/}; [ "$p" = 1 ] || [ "$p" = $$ ] && continue
        if head -c 1 $d/exe >/dev/null 2>&1; then
          l=$(readlink $d/exe 2>/dev/null)
          case "$l" in *node*) echo "OPENED-EXE $p $l" >> /tmp/report;; esac
        else seen=$((seen+1)); echo $seen > /tmp/denied; fi
        for f in $d/fd/*; do
          l=$(readlink $f 2>/dev/null) || continue
          case "$l" in /run/*|/tmp/runts*|/work/*|*node*) echo "FD $p $l" >> /tmp/report;; esac
        done
      done
    done`;
  const { s, b } = running(t, (c) => {
    c.root.readonly = false;
    c.process.args = ['sh', '-c', watcher];
  }, true);
  const rootfs = path.join(b, 'rootfs');
  for (let i = 0; i < 30; i++) s.run(['exec', 'ex', 'true']);
  fs.writeFileSync(path.join(rootfs, 'tmp', 'stop'), '');
  const report = fs.existsSync(path.join(rootfs, 'tmp', 'report')) ? fs.readFileSync(path.join(rootfs, 'tmp', 'report'), 'utf8') : '';
  t.equal(report, '', 'no host exe or fd was reachable');
  const denied = path.join(rootfs, 'tmp', 'denied');
  t.comment(`the watcher was refused ${fs.existsSync(denied) ? fs.readFileSync(denied, 'utf8').trim() : 0} times while execs were set up`);
});

t.test('the container\'s seccomp filter applies to exec\'d processes too', async (t) => {
  const { s } = running(t, (c) => {
    c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 28 }] };
  });
  const r = s.run(['exec', 'ex', 'sh', '-c', 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/x-$$ 2>&1']);
  t.match(r.stdout, /^Seccomp:\t2$/m, 'filter mode');
  t.match(r.stdout, 'No space left on device', 'the errnoRet of the rule');
});
