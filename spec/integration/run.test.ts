// `runts run` of the sample bundle, as a user runs it: the output comes from
// inside the container, with its own hostname, pid 1, mount table and the
// capability set of the config; exit codes come back as runc gives them.
import t from 'tap';
import * as fs from 'node:fs';
import { capMask } from '../../lib/capabilities';
import { spawn } from 'node:child_process';
import { Sandbox, mountsMention, errorMessage, eventually, RUNTS } from '../lib/harness';

const sh = (script: string) => (c: Record<string, any>) => {
  c.process.args = ['sh', '-c', script];
};

t.test('the sample container runs with its own hostname, pid 1 and mounts', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(sh('hostname; echo pid=$$; grep CapEff /proc/self/status; cat /proc/self/mounts'));
  const r = s.run(['run', '--bundle', b, 'run-sample']);
  t.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.equal(lines[0], 'runts-demo', 'hostname from config.json');
  t.notOk(lines[0] === fs.readFileSync('/proc/sys/kernel/hostname', 'utf8').trim(), 'not the host name');
  t.equal(lines[1], 'pid=1', 'the process is pid 1 of its pid namespace');
  const config = JSON.parse(fs.readFileSync(`${b}/config.json`, 'utf8'));
  const want = capMask(config.process.capabilities.effective).toString(16).padStart(16, '0');
  t.equal(lines[2], `CapEff:\t${want}`, 'effective capabilities are the config\'s');
  const mounts = lines.slice(3).filter(Boolean);
  t.ok(mounts.some((l) => /^proc \/proc proc /.test(l)), 'its own /proc');
  t.ok(mounts.some((l) => / \/ \S+ ro[, ]/.test(l)), 'root is read-only as root.readonly says');
  t.notOk(mounts.some((l) => l.includes(' /work') || l.includes('/tmp/runts-test')), 'no host paths in its mount table');
  t.same(mountsMention(b), [], 'nothing stays mounted on the host');
});

t.test('exit codes: the process status, or 128+signal', async (t) => {
  const s = new Sandbox(t);
  for (const [script, code] of [
    ['exit 0', 0],
    ['exit 3', 3],
  ] as const) {
    const b = s.bundle(sh(script));
    const id = `exit-${code}`;
    const r = s.run(['run', '-b', b, id]);
    t.equal(r.code, code, `${script} -> ${code}`);
    t.equal(s.run(['state', id]).code, 1, 'run deletes the container after it exits');
  }
});

t.test('a container killed by a signal: run exits 128+signal', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(sh('sleep 30'));
  const child = spawn(RUNTS, ['--root', s.root, 'run', '-b', b, 'killed'], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.ok(await eventually(() => s.run(['state', 'killed']).stdout.includes('"running"')), 'running');
  t.equal(s.run(['kill', 'killed', 'KILL']).code, 0);
  t.equal(await exited, 137, 'SIGKILL -> 137');
  t.equal(s.run(['state', 'killed']).code, 1, 'deleted after it exits');
});

t.test('a missing executable fails create with runc\'s message', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['no-such-binary'];
  });
  const r = s.run(['run', '-b', b, 'missing-exe']);
  t.not(r.code, 0);
  t.equal(errorMessage(r.stderr), 'runts run failed: unable to start container process: exec: "no-such-binary": executable file not found in $PATH');
  t.equal(s.run(['state', 'missing-exe']).code, 1, 'nothing left');
  const b2 = s.bundle((c) => {
    c.process.args = ['/bin/nope'];
  });
  t.match(errorMessage(s.run(['run', '-b', b2, 'missing-abs']).stderr), 'exec: "/bin/nope": stat /bin/nope: no such file or directory');
});

t.test('run --detach returns at once and leaves the container running', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(sh('sleep 30'));
  const pidFile = `${s.dir}/pid`;
  const r = s.run(['run', '-d', '--pid-file', pidFile, '-b', b, 'detached'], { detached: true });
  t.equal(r.code, 0, r.stderr);
  const st = JSON.parse(s.run(['state', 'detached']).stdout);
  t.equal(st.status, 'running');
  t.equal(fs.readFileSync(pidFile, 'utf8'), String(st.pid), 'pid file holds the init pid');
  t.equal(s.run(['delete', '-f', 'detached']).code, 0);
});

t.test('user, groups, cwd, env and umask of process', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.user = { uid: 1000, gid: 1000, additionalGids: [5, 6], umask: 0o027 };
    c.process.cwd = '/tmp';
    c.process.env.push('GREETING=hi there');
    c.process.args = ['sh', '-c', 'id -u; id -g; id -G; pwd; echo $GREETING; umask; echo $HOME'];
  });
  const r = s.run(['run', '-b', b, 'user']);
  t.equal(r.code, 0, r.stderr);
  t.same(r.stdout.trim().split('\n'), ['1000', '1000', '1000 5 6', '/tmp', 'hi there', '0027', '/']);
});
