// Signals to a foreground `runts run` reach the container's process, and its
// exit status comes back, as with runc (the same bundle runs under both);
// a `runts run` killed with SIGKILL leaves a container `delete --force` removes.
import { RUNC } from '../../lib/harness';
import { until, type Area, type Scenario } from '../lib';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SIGNALS = [
  ['SIGTERM', 15, 43],
  ['SIGINT', 2, 44],
  ['SIGHUP', 1, 45],
] as const;

/** runs `runtime run` in the foreground, signals it once the container says it is ready, returns its exit status */
async function signalledRun(a: Area, runtime: string | undefined, sig: NodeJS.Signals, code: number, id: string): Promise<number | string> {
  const ready = path.join(a.dir, `${id}.ready`);
  fs.mkdirSync(path.join(a.dir, `${id}-mnt`), { recursive: true });
  const bundle = a.bundle((c) => {
    // the trap is set before the container says it is ready
    c.process.args = ['sh', '-c', `trap "exit ${code}" ${sig.slice(3)}; touch /ready/ok; while :; do sleep 0.05; done`];
    c.mounts.push({ destination: '/ready', type: 'bind', source: path.join(a.dir, `${id}-mnt`), options: ['rbind'] });
  }, id);
  void ready;
  let pid = 0;
  const done = a.runts(['run', '--bundle', bundle, id], { runtime, onSpawn: (p) => (pid = p), timeoutMs: 30000 });
  if (!(await until(() => fs.existsSync(path.join(a.dir, `${id}-mnt`, 'ok')), 20000))) return 'the container never got ready';
  process.kill(pid, sig);
  const r = await done;
  return r.code;
}

export const signals: Scenario = {
  name: 'signals-on-run',
  async run(a, counts) {
    const failures: string[] = [];
    const notes: string[] = [];
    let runs = 0;
    for (let round = 0; round < counts.signals; round++) {
      for (const [sig, , code] of SIGNALS) {
        runs++;
        const got = await signalledRun(a, undefined, sig, code, `sig-${sig}-${round}`);
        const runc = RUNC && round === 0 ? await signalledRun(a, RUNC, sig, code, `runc-${sig}`) : undefined;
        if (round === 0) notes.push(`${sig}: runts run exits ${got}${runc !== undefined ? `, runc run exits ${runc}` : ''} (the trap exits ${code})`);
        if (got !== code) failures.push(`${sig} to runts run: exit ${got}, want ${code}`);
        if (runc !== undefined && runc !== got) failures.push(`${sig}: runc run exits ${runc}, runts run ${got}`);
      }
      // SIGKILL: runts cannot forward it; the container stays, delete --force removes it
      runs++;
      const id = `sigkill-${round}`;
      const bundle = a.bundle(() => {}, id);
      let pid = 0;
      const done = a.runts(['run', '--bundle', bundle, id], { onSpawn: (p) => (pid = p) });
      if (!(await until(async () => (await a.state(id))?.status === 'running', 20000))) failures.push('SIGKILL: the container never ran');
      process.kill(pid, 'SIGKILL');
      await done;
      const d = await a.runts(['delete', '--force', id]);
      if (d.code !== 0) failures.push(`SIGKILL: delete --force after a killed run: ${d.stderr.trim()}`);
      if (fs.existsSync(path.join(a.root, id))) failures.push('SIGKILL: state dir left after delete --force');
    }
    return { runs, failures, notes };
  },
};
