// --debug ends each command with where its time went: the engine's start, the
// loading of the command's code, then each phase the command went through
// (lib/timing.ts), so a regression in start-up or in one step shows in a log.
import t from 'tap';
import { Sandbox } from '../lib/harness';

const PHASES = ['start', 'load', 'parse+validate', 'plan', 'cgroups', 'spawn', 'hooks', 'state write', 'other', 'total'];

/** the phases named on the "<cmd> timings:" line, in their order, with their milliseconds */
function timings(stderr: string, cmd: string): [string, number][] | undefined {
  const line = stderr.split('\n').find((l) => l.includes(`msg="${cmd} timings: `));
  if (!line) return undefined;
  const body = line.slice(line.indexOf('timings: ') + 'timings: '.length, line.lastIndexOf('"'));
  return body.split(', ').map((part) => {
    const m = /^(.+) (-?\d+\.\d) ms$/.exec(part);
    return m ? [m[1], Number(m[2])] : [part, NaN];
  });
}

t.test('create: every phase, in order, each a time', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['true'];
    // a hook, so that the hooks phase is entered
    c.hooks = { createRuntime: [{ path: '/bin/true' }] };
  });
  const r = s.run(['--debug', 'create', '-b', b, 'tm'], { detached: true });
  t.equal(r.code, 0, r.stderr);
  const got = timings(r.stderr, 'create');
  if (!got) return t.fail(`no timings line in:\n${r.stderr}`);
  t.same(
    got.map(([p]) => p),
    PHASES,
    'start, load, parse+validate, plan, cgroups, spawn, hooks, state write, other, total',
  );
  for (const [p, ms] of got) t.ok(ms >= 0, `${p}: ${ms} ms`);
  const total = got.find(([p]) => p === 'total')![1];
  const sum = got.filter(([p]) => p !== 'total').reduce((a, [, ms]) => a + ms, 0);
  // each figure is rounded to 0.1 ms
  t.ok(Math.abs(sum - total) < 1, `the phases add up to the total (${sum.toFixed(1)} vs ${total})`);
});

t.test('state: no config, plan or spawn phase; nothing without --debug', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['true']));
  t.equal(s.run(['create', '-b', b, 'st'], { detached: true }).code, 0);
  const r = s.run(['--debug', 'state', 'st']);
  t.equal(r.code, 0, r.stderr);
  t.same(
    timings(r.stderr, 'state')?.map(([p]) => p),
    ['start', 'load', 'other', 'total'],
  );
  t.notMatch(s.run(['state', 'st']).stderr, /timings/);
});
