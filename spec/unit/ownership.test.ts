// Unit tests (no root): which processes of a container's cgroup kill --all
// and delete treat as the container's. The real containers are in
// spec/integration/security-cgroup.test.ts.
import t from 'tap';
import { sortCgroupProcesses, type OwnershipFacts } from '../../lib/container/ownership';
import type { ProcStat } from '../../lib/container/proc';

interface P {
  start: number;
  ppid: number;
  ns: string;
}

function facts(procs: Record<number, P>, more: Partial<OwnershipFacts>): OwnershipFacts {
  return {
    foreign: [],
    procStat: (pid): ProcStat | undefined => (procs[pid] ? { state: 'S', startTime: String(procs[pid].start), ppid: procs[pid].ppid } : undefined),
    pidNamespaceOf: (pid) => procs[pid]?.ns,
    ...more,
  };
}

t.test('a container in its own pid namespace: only the processes in it', async (t) => {
  const procs = { 10: { start: 100, ppid: 1, ns: 'a' }, 20: { start: 200, ppid: 9, ns: 'c' }, 21: { start: 210, ppid: 20, ns: 'c' }, 30: { start: 300, ppid: 2, ns: 'other' } };
  const r = sortCgroupProcesses([10, 20, 21, 30], facts(procs, { foreign: [{ pid: 10, startTime: '100' }], initStartTime: '200', pidNamespace: 'c' }));
  t.same(r.own, [20, 21]);
  t.same(
    r.spared.map((s) => s.pid),
    [10, 30],
  );
  t.match(r.spared[1].why, /not in its pid namespace/);
});

t.test('sharing the host pid namespace: what create found, what is older, and their children stay', async (t) => {
  const procs = {
    // there before create, and a child it forked since
    10: { start: 100, ppid: 1, ns: 'host' },
    11: { start: 400, ppid: 10, ns: 'host' },
    // the container's init and its child
    20: { start: 200, ppid: 9, ns: 'host' },
    22: { start: 250, ppid: 20, ns: 'host' },
    // moved in after create, started before the container
    30: { start: 150, ppid: 2, ns: 'host' },
  };
  const r = sortCgroupProcesses([10, 11, 20, 22, 30], facts(procs, { foreign: [{ pid: 10, startTime: '100' }], initStartTime: '200', pidNamespace: 'host' }));
  t.same(r.own, [20, 22]);
  t.same(
    r.spared.map((s) => [s.pid, s.why]),
    [
      [10, 'was in the cgroup before the container was created'],
      [11, "descends from a process that is not the container's"],
      [30, 'is older than the container'],
    ],
  );
});

t.test('a recorded pid now another process (reused) is not spared for it', async (t) => {
  const procs = { 10: { start: 500, ppid: 20, ns: 'host' }, 20: { start: 200, ppid: 1, ns: 'host' } };
  const r = sortCgroupProcesses([10, 20], facts(procs, { foreign: [{ pid: 10, startTime: '100' }], initStartTime: '200', pidNamespace: 'host' }));
  t.same(r.own, [10, 20]);
});

t.test('gone processes are nobody\'s to spare', async (t) => {
  const r = sortCgroupProcesses([99], facts({}, { initStartTime: '1' }));
  t.same(r, { own: [99], spared: [] });
});
