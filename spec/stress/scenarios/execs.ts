// Many execs into one container at once: each runs, each gets its own
// output and exit status, and none stays behind in the container.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JS_ERROR_TEXT, pool, until, type Scenario } from '../lib';

export const execs: Scenario = {
  name: 'concurrent-execs-one-container',
  async run(a, counts) {
    const failures: string[] = [];
    const n = counts.execs;
    const bundle = a.bundle(() => {}, 'ex');
    const up = await a.runts(['run', '-d', '--bundle', bundle, 'ex']);
    if (up.code !== 0) return { runs: 0, failures: [`run -d: ${up.stderr}`], notes: [] };
    const rs = await pool(n, Array.from({ length: n }, (_, i) => () => a.runts(['exec', 'ex', 'sh', '-c', `echo out-${i}; exit ${i % 7}`])));
    rs.forEach((r, i) => {
      if (r.code !== i % 7 || r.stdout !== `out-${i}\n`) failures.push(`exec ${i}: exit ${r.code} (want ${i % 7}), stdout ${JSON.stringify(r.stdout)}, stderr ${r.stderr.trim()}`);
      if (JS_ERROR_TEXT.test(r.stderr)) failures.push(`exec ${i}: JS error text: ${r.stderr.trim()}`);
    });
    // only the init is left in the container
    const procs = (): string[] => fs.readFileSync(path.join('/sys/fs/cgroup/pids', a.cgroupParent, 'ex', 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
    if (!(await until(() => procs().length === 1))) failures.push(`${procs().length} processes left in the container, not 1 (the init)`);
    const d = await a.runts(['delete', '--force', 'ex']);
    if (d.code !== 0) failures.push(`delete --force: ${d.stderr.trim()}`);
    return { runs: n, failures, notes: [] };
  },
};
