// Many creates of one id at once: exactly one wins; the others fail with
// runc's words ("container with given ID already exists") and leave nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JS_ERROR_TEXT, message, pool, type Scenario } from '../lib';

const EXISTS = 'runts create failed: container with given ID already exists';

export const sameId: Scenario = {
  name: 'concurrent-creates-one-id',
  async run(a, counts) {
    const failures: string[] = [];
    const n = counts.sameId;
    const bundle = a.bundle(() => {}, 'one');
    const id = 'same';
    const rs = await pool(n, Array.from({ length: n }, () => () => a.runts(['create', '--bundle', bundle, id])));
    const won = rs.filter((r) => r.code === 0).length;
    if (won !== 1) failures.push(`${won} of ${n} concurrent creates of one id succeeded, not 1`);
    for (const r of rs) {
      if (r.code === 0) continue;
      if (message(r.stderr) !== EXISTS) failures.push(`a losing create: exit ${r.code}: ${r.stderr.trim()}`);
      if (JS_ERROR_TEXT.test(r.stderr)) failures.push(`JS error text: ${r.stderr.trim()}`);
    }
    const st = await a.state(id);
    if (st?.status !== 'created') failures.push(`the winner is ${st?.status ?? 'unreadable'}, not created`);
    // the losers made nothing: one state dir, one init in the cgroup
    const procs = fs.readFileSync(path.join('/sys/fs/cgroup/pids', a.cgroupParent, 'one', 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
    if (procs.length !== 1) failures.push(`${procs.length} processes in the container's cgroup, not 1`);
    const d = await a.runts(['delete', '--force', id]);
    if (d.code !== 0) failures.push(`delete --force: ${d.stderr.trim()}`);
    return { runs: n, failures, notes: [`${won} won, ${rs.filter((r) => message(r.stderr) === EXISTS).length} refused with runc's words`] };
  },
};
