// runts SIGKILLed at every step of create, start, exec and delete (the
// test-only fault points of lib/container/fault.ts): `delete --force` must
// then remove everything (state dir and exec fifo, cgroups in every
// hierarchy, processes), after which a create of the same id succeeds.
// create and start are also killed with a startContainer hook in the config,
// which the init runs (a second fifo, the state written by start).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAULT_POINTS } from '../../../lib/container/fault';
import { cgroupDirsUnder, message, until, type Area, type Scenario } from '../lib';

function procsIn(a: Area, name: string): string[] {
  try {
    return fs.readFileSync(path.join('/sys/fs/cgroup/pids', a.cgroupParent, name, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export const crash: Scenario = {
  name: 'crash-at-every-step',
  async run(a, counts) {
    const failures: string[] = [];
    let runs = 0;
    for (let round = 0; round < counts.crash; round++) {
      const cases = [
        ...FAULT_POINTS.map((point) => ({ point, hooked: false })),
        ...FAULT_POINTS.filter((p) => /^(create|start):/.test(p)).map((point) => ({ point, hooked: true })),
      ];
      for (const { point, hooked } of cases) {
        runs++;
        const name = `c-${point.replace(/:/g, '-')}${hooked ? '-hook' : ''}-${round}`;
        const id = name;
        const bundle = a.bundle((c) => {
          if (hooked) c.hooks = { startContainer: [{ path: '/bin/true' }] };
        }, name);
        const env = { ...process.env, RUNTS_FAULT: point };
        const [op] = point.split(':');
        const what = `${point}${hooked ? ' (startContainer hook)' : ''}`;
        // bring the container to where the operation starts
        if (op !== 'create') {
          const c = await a.runts(['create', '--bundle', bundle, id]);
          if (c.code !== 0) {
            failures.push(`${what}: set-up create: ${c.stderr.trim()}`);
            continue;
          }
          if (op === 'exec' || op === 'delete') await a.runts(['start', id]);
        }
        const args =
          op === 'create' ? ['create', '--bundle', bundle, id] : op === 'start' ? ['start', id] : op === 'exec' ? ['exec', '-d', id, 'sleep', '1000'] : ['delete', '--force', id];
        const r = await a.runts(args, { env });
        if (r.signal !== 'SIGKILL') failures.push(`${what}: runts was not killed at the fault point (exit ${r.code}: ${r.stderr.trim()})`);
        // a container whose create is killed must not stay "creating" for a
        // waiter: delete --force gets the dead holder's lock at once
        const del = await a.runts(['delete', '--force', id], { timeoutMs: 30000 });
        if (del.code !== 0) failures.push(`${what}: delete --force after the kill: exit ${del.code}: ${message(del.stderr)}`);
        if (fs.existsSync(path.join(a.root, id))) failures.push(`${what}: state dir (and exec fifo) left`);
        if (!(await until(() => procsIn(a, name).length === 0, 5000))) failures.push(`${what}: processes left in the cgroup: ${procsIn(a, name).join(' ')}`);
        const cgs = cgroupDirsUnder(a.cgroupParent).filter((d) => d.endsWith('/' + name));
        if (cgs.length) failures.push(`${what}: cgroups left: ${cgs.slice(0, 3).join(', ')}`);
        // and the id is free again
        const again = await a.runts(['create', '--bundle', bundle, id]);
        if (again.code !== 0) failures.push(`${what}: create of the same id afterwards: ${message(again.stderr)}`);
        const fin = await a.runts(['delete', '--force', id]);
        if (fin.code !== 0) failures.push(`${what}: final delete --force: ${message(fin.stderr)}`);
        a.ids.delete(id);
      }
    }
    return { runs, failures, notes: [`${FAULT_POINTS.length} fault points: ${FAULT_POINTS.join(', ')}`] };
  },
};
