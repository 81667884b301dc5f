// A container's cgroup may hold processes that are not the container's: create
// finds some there (runc 1.1.5 warns and goes on, so does runts), or root
// moves one in later. kill --all and delete signal only what runts started,
// with a pid namespace of the container's own and sharing the host's.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, alive, eventually, readState, type Json } from '../lib/harness';

const PIDS = '/sys/fs/cgroup/pids';
const skip = !fs.existsSync(PIDS) && 'no v1 pids hierarchy';

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

function cgroupProcs(dir: string): number[] {
  return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
}

const withoutPidNs = (c: Json): void => {
  c.linux.namespaces = (c.linux.namespaces as Json[]).filter((n) => n.type !== 'pid');
};

for (const [name, edit] of [
  ['its own pid namespace', (): void => {}],
  ["the host's pid namespace", withoutPidNs],
] as const) {
  t.test(`${name}: create in a cgroup that holds a process warns, and kill --all and delete leave that process`, { skip }, async (t) => {
    const s = new Sandbox(t);
    const b = s.bundle((c) => {
      c.process.args = ['sh', '-c', 'sleep 300 & exec sleep 301'];
      edit(c);
    });
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
        // delete removed it
      }
    });
    const r = s.run(['run', '-d', '-b', b, 'shared'], { detached: true });
    t.equal(r.code, 0, `runs (before the fix: refused, exit ${r.code}) ${r.stderr}`);
    t.match(r.stderr, "container's cgroup is not empty: 1 process(es) found", "runc 1.1.5's warning");
    const init = readState(s, 'shared').pid as number;
    t.ok(await eventually(() => cgroupProcs(dir).length === 3), 'the container and its child are in the cgroup with the other');
    const k = s.run(['kill', '--all', 'shared', 'KILL']);
    t.equal(k.code, 0, k.stderr);
    t.ok(await eventually(() => cgroupProcs(dir).length === 1), 'kill --all: the container is gone');
    t.ok(alive(other.pid!), 'kill --all: the process that was there is untouched');
    t.notOk(alive(init), 'the init is dead');
    const d = s.run(['delete', '--force', 'shared']);
    t.equal(d.code, 0, d.stderr);
    t.ok(alive(other.pid!), 'delete: the process that was there is untouched');
    t.match(d.stderr, `process ${other.pid} in the container's cgroup was in the cgroup before the container was created: not killed`);
    t.same(fs.readdirSync(s.root), [], 'the container is deleted');
    t.ok(fs.existsSync(dir), 'the directory runts did not make stays');
    release(other.pid!);
    fs.rmdirSync(dir);
  });

  t.test(`${name}: delete --force kills the container, not a process moved into its cgroup`, { skip }, async (t) => {
    const s = new Sandbox(t);
    // the host process is older than the container: with the host's pid
    // namespace that is what tells it from the container's
    const other = foreign(t);
    const b = s.bundle((c) => {
      c.process.args = ['sleep', '300'];
      edit(c);
    });
    t.equal(s.run(['run', '-d', '-b', b, 'victim'], { detached: true }).code, 0);
    const init = readState(s, 'victim').pid as number;
    const cg = fs.readFileSync(`/proc/${init}/cgroup`, 'utf8').split('\n').find((l) => /:pids:/.test(l))!.split(':')[2];
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
    t.match(r.stderr, new RegExp(`process ${other.pid} in the container's cgroup (is not in its pid namespace|is older than the container): not killed`));
    t.equal(s.run(['state', 'victim']).code, 1, 'and its state');
  });
}
