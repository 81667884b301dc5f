// A container's cgroup is its own: create refuses a cgroup that already holds
// processes (their limits, freezer and kill --all would be shared), and
// delete kills only what runts started, never another process someone moved
// into the container's cgroup.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, alive, errorMessage, readState } from '../lib/harness';

const PIDS = '/sys/fs/cgroup/pids';

/** a host process of the test's own, killed at the end */
function foreign(t: { teardown(fn: () => void): void }): ChildProcess {
  const p = spawn('sleep', ['300'], { stdio: 'ignore' });
  t.teardown(() => void p.kill('SIGKILL'));
  return p;
}

/** moves pid back to the root pids cgroup, so the test's directories can go */
function release(pid: number): void {
  try {
    fs.writeFileSync(path.join(PIDS, 'cgroup.procs'), String(pid));
  } catch {
    // already gone
  }
}

t.test('create refuses a cgroup that already holds processes', { skip: !fs.existsSync(PIDS) && 'no v1 pids hierarchy' }, async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['true']));
  const cg = JSON.parse(fs.readFileSync(path.join(b, 'config.json'), 'utf8')).linux.cgroupsPath as string;
  const dir = path.join(PIDS, cg);
  fs.mkdirSync(dir, { recursive: true });
  const other = foreign(t);
  fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(other.pid));
  t.teardown(() => {
    release(other.pid!);
    try {
      fs.rmdirSync(dir);
    } catch {
      // removed by the test already
    }
  });
  const r = s.run(['run', '-b', b, 'busy']);
  t.equal(r.code, 1, `refused (before the fix: ran, exit ${r.code})`);
  t.equal(errorMessage(r.stderr), "runts run failed: container's cgroup is not empty: 1 process(es) found");
  t.ok(alive(other.pid!), 'the process that was there is untouched');
  t.same(fs.readdirSync(s.root), [], 'no half-created container');
  t.ok(fs.existsSync(dir), 'the directory runts did not make stays');
  release(other.pid!);
  fs.rmdirSync(dir);
});

t.test('delete --force kills the container, not a process moved into its cgroup', { skip: !fs.existsSync(PIDS) && 'no v1 pids hierarchy' }, async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['sleep', '300']));
  t.equal(s.run(['run', '-d', '-b', b, 'victim'], { detached: true }).code, 0);
  const init = readState(s, 'victim').pid as number;
  const cg = fs.readFileSync(`/proc/${init}/cgroup`, 'utf8').split('\n').find((l) => /:pids:/.test(l))!.split(':')[2];
  const other = foreign(t);
  fs.writeFileSync(path.join(PIDS, cg, 'cgroup.procs'), String(other.pid));
  t.teardown(() => {
    release(other.pid!);
    try {
      fs.rmdirSync(path.join(PIDS, cg));
    } catch {
      // delete removed it
    }
  });
  const r = s.run(['delete', '--force', 'victim']);
  t.equal(r.code, 0, r.stderr);
  t.ok(alive(other.pid!), 'the process runts did not start is alive (before the fix: killed)');
  t.notOk(alive(init), 'the container is gone');
  t.match(r.stderr, `process ${other.pid} in the container's cgroup is not in its pid namespace: not killed`);
  t.equal(s.run(['state', 'victim']).code, 1, 'and its state');
});
