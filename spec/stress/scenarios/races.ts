// kill, delete and state against one container at the same time, as
// containerd does on a time-out: every call ends with a result or one of
// runc's refusals, never a crash or a JS error, and the container is gone.
import { JS_ERROR_TEXT, message, pool, type Scenario } from '../lib';

/** what a client may see from a call that lost a race */
const ALLOWED = [
  /^container does not exist$/,
  /^container not running$/,
  /^cannot delete container \S+ that is not stopped: \w+$/,
];

export const races: Scenario = {
  name: 'concurrent-kill-delete-state',
  async run(a, counts) {
    const failures: string[] = [];
    const bundle = a.bundle(() => {}, 'race');
    let calls = 0;
    for (let round = 0; round < counts.races; round++) {
      const id = `race-${round}`;
      const up = await a.runts(['run', '-d', '--bundle', bundle, id]);
      if (up.code !== 0) {
        failures.push(`round ${round}: run -d: ${up.stderr.trim()}`);
        continue;
      }
      const ops: string[][] = [
        ['kill', id, 'KILL'],
        ['delete', '--force', id],
        ['state', id],
        ['kill', id, 'TERM'],
        ['delete', id],
        ['state', id],
        ['delete', '--force', id],
        ['kill', '--all', id, 'KILL'],
        ['list', '-q'],
        ['state', id],
      ];
      const rs = await pool(ops.length, ops.map((op) => () => a.runts(op)));
      calls += rs.length;
      rs.forEach((r, i) => {
        const what = `round ${round}: ${ops[i].join(' ')}`;
        if (JS_ERROR_TEXT.test(r.stderr)) failures.push(`${what}: JS error text: ${r.stderr.trim()}`);
        if (r.code === 0) {
          if (ops[i][0] === 'state') {
            try {
              JSON.parse(r.stdout);
            } catch {
              failures.push(`${what}: exit 0 but no state JSON: ${r.stdout}`);
            }
          }
          return;
        }
        const m = message(r.stderr);
        if (r.code !== 1 || !ALLOWED.some((re) => re.test(m))) failures.push(`${what}: exit ${r.code}: ${m}`);
      });
      const fin = await a.runts(['delete', '--force', id]);
      if (fin.code !== 0 && message(fin.stderr) !== 'container does not exist') failures.push(`round ${round}: final delete --force: ${fin.stderr.trim()}`);
      a.ids.delete(id);
    }
    return { runs: calls, failures, notes: [] };
  },
};
