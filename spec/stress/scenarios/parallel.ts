// Many containers at once, each with its own id: all run, all go.
import { pool, type Scenario } from '../lib';

export const parallel: Scenario = {
  name: 'parallel-distinct-ids',
  async run(a, counts) {
    const failures: string[] = [];
    const n = counts.parallel;
    const ids = Array.from({ length: n }, (_, i) => `par-${i}`);
    const bundles = ids.map((id) => a.bundle(() => {}, id));
    // every create at once: the point is that they overlap
    const created = await pool(n, ids.map((id, i) => () => a.runts(['run', '-d', '--bundle', bundles[i], id])));
    created.forEach((r, i) => {
      if (r.code !== 0) failures.push(`run -d ${ids[i]}: exit ${r.code}: ${r.stderr.trim()}`);
    });
    const states = await pool(8, ids.map((id) => () => a.state(id)));
    states.forEach((s, i) => {
      if (created[i].code === 0 && s?.status !== 'running') failures.push(`${ids[i]}: state ${s?.status ?? 'unreadable'}, not running`);
    });
    const pids = new Set(states.map((s) => s?.pid).filter((p) => p));
    if (pids.size !== states.filter((s) => s?.pid).length) failures.push('two containers report the same init pid');
    const deleted = await pool(n, ids.map((id) => () => a.runts(['delete', '--force', id])));
    deleted.forEach((r, i) => {
      if (r.code !== 0) failures.push(`delete --force ${ids[i]}: exit ${r.code}: ${r.stderr.trim()}`);
    });
    return { runs: n, failures, notes: [] };
  },
};
