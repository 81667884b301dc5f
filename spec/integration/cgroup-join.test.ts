// Where a new process lands in the cgroup hierarchies, now that the init
// joins them itself (lib/cgroups/join.ts: "0" into each v1 `tasks` file, a
// clone into the v2 cgroup) instead of the runtime writing its pid into
// cgroup.procs. Each case side by side with runc 1.1.5: the created init,
// before it has run anything of the container, is in the container's cgroup
// in every hierarchy; so is an exec'd process; with a user namespace (where
// the clone into a v2 cgroup is not possible and the old write is used); and
// only the init counts against pids.max (a pids.limit of 1 still runs).
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNC, RUNTS, Sandbox, type Json } from '../lib/harness';
import { withUserns } from '../lib/userns';

const RUNTIMES: [string, string | undefined][] = [
  ['runts', RUNTS],
  ['runc', RUNC],
];

/** "hierarchy -> path" of /proc/<pid>/cgroup (v2's hierarchy is "") */
function cgroupsOf(pid: number): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n')) {
    const [, ctrls, p] = line.match(/^\d+:([^:]*):(.*)$/)!;
    m.set(ctrls, p);
  }
  return m;
}


/** every hierarchy of the host names cg for pid */
function inEveryHierarchy(t: Tap.Test, pid: number, cg: string, what: string): void {
  const host = cgroupsOf(process.pid);
  const got = cgroupsOf(pid);
  t.same([...got.keys()].sort(), [...host.keys()].sort(), `${what}: the same hierarchies as the host`);
  t.same([...got.entries()].filter(([, p]) => p !== cg), [], `${what}: ${cg} in every hierarchy`);
}

for (const [name, bin] of RUNTIMES) {
  t.test(`${name}: the created init and an exec'd process sit in the container's cgroups`, { skip: !bin && 'runc is not installed' }, async (t) => {
    const s = new Sandbox(t, bin);
    for (const [what, edit] of [
      ['plain', (): void => {}],
      ['with a user namespace', withUserns],
      ['with a cgroup namespace', (c: Json): void => void c.linux.namespaces.push({ type: 'cgroup' })],
    ] as const) {
      const b = s.bundle((c) => {
        c.process.args = ['sleep', '300'];
        edit(c);
      });
      const cg = `${s.cgroupParent}/${path.basename(b)}`;
      const id = `join-${what.replace(/ /g, '-')}`;
      const pidFile = path.join(s.dir, `${id}.pid`);
      const r = s.run(['create', '-b', b, '--pid-file', pidFile, id], { detached: true });
      t.equal(r.code, 0, `${what}: create ${r.stderr}`);
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      inEveryHierarchy(t, pid, cg, `${what}, created`);
      t.equal(s.run(['start', id]).code, 0, `${what}: start`);
      const e = s.run(['exec', id, 'cat', '/proc/self/cgroup']);
      t.equal(e.code, 0, `${what}: exec ${e.stderr}`);
      // inside the container's cgroup namespace its cgroup is the root
      const inside = what === 'with a cgroup namespace' ? '/' : cg;
      const lines = e.stdout.trim().split('\n');
      t.ok(lines.length > 0 && lines.every((l) => l.endsWith(`:${inside}`)), `${what}: the exec'd process sees ${inside} in every hierarchy: ${e.stdout}`);
      const execPid = path.join(s.dir, `${id}.exec.pid`);
      const d = s.run(['exec', '-d', '--pid-file', execPid, id, 'sleep', '300'], { detached: true });
      t.equal(d.code, 0, `${what}: exec -d ${d.stderr}`);
      inEveryHierarchy(t, Number(fs.readFileSync(execPid, 'utf8')), cg, `${what}, exec'd`);
      t.equal(s.run(['delete', '--force', id]).code, 0);
    }
  });

  t.test(`${name}: pids.limit 1 counts the init alone`, { skip: !bin && 'runc is not installed' }, async (t) => {
    const s = new Sandbox(t, bin);
    const b = s.bundle((c) => {
      c.process.args = ['sh', '-c', 'echo started; /bin/true && echo forked'];
      c.linux.resources = { pids: { limit: 1 } };
    });
    const r = s.run(['run', '-b', b, 'pids-one']);
    t.match(r.stdout, /^started\n/, `the init runs under pids.max 1: ${r.stderr}`);
    t.notMatch(r.stdout, /forked/, 'and cannot fork');
  });
}
