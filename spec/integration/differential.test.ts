// The same steps against runc 1.1.5 and runts: exit codes and error messages
// must agree where clients read them.
import t from 'tap';
import { Sandbox, RUNC, RUNTS, errorMessage } from '../lib/harness';

type Step = [string[], { detached?: boolean }?];

// each scenario: steps run in order in a fresh --root; the bundle path is substituted for "@B"
const SCENARIOS: Record<string, Step[]> = {
  'start twice': [[['create', '-b', '@B', 'c'], { detached: true }], [['start', 'c']], [['start', 'c']], [['delete', '-f', 'c']]],
  'delete while running': [[['run', '-d', '-b', '@B', 'c'], { detached: true }], [['delete', 'c']], [['delete', '--force', 'c']]],
  'kill a stopped container': [
    [['run', '-d', '-b', '@B', 'c'], { detached: true }],
    [['kill', 'c', 'KILL']],
    [['kill', 'c', 'KILL']],
    [['delete', 'c']],
  ],
  'unknown ids': [[['state', 'nope']], [['start', 'nope']], [['kill', 'nope', 'KILL']], [['delete', 'nope']], [['delete', '-f', 'nope']]],
  'duplicate id': [[['create', '-b', '@B', 'c'], { detached: true }], [['create', '-b', '@B', 'c'], { detached: true }], [['delete', 'c']]],
  'bad signal': [[['create', '-b', '@B', 'c'], { detached: true }], [['kill', 'c', 'SIGNOPE']], [['delete', '-f', 'c']]],
  'argument counts': [[['start']], [['state', 'a', 'b']], [['delete']]],
  'list when empty': [[['list', '-q']], [['list', '-f', 'json']]],
};

function play(t: Parameters<Parameters<typeof t.test>[1]>[0], runtime: string, steps: Step[]): string[] {
  const s = new Sandbox(t, runtime);
  const b = s.bundle((c) => {
    c.process.args = ['sleep', '30'];
    delete c.linux.seccomp;
  });
  return steps.map(([args, opts]) => {
    const r = s.run(
      args.map((a) => (a === '@B' ? b : a)),
      opts,
    );
    if (args[0] === 'kill') {
      // let the killed init go before the next step looks at it
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
    }
    const msg = r.code === 0 ? '' : errorMessage(r.stderr.split('\n').filter((l) => l.startsWith('time=')).join('\n') || r.stderr);
    return `${args[0]}: exit ${r.code}${msg ? ' ' + msg.replace(/\S*\b(runc|runts(?:-node)?)\b/g, 'RUNTIME') : ''}${args[0] === 'list' ? ' ' + r.stdout.trim() : ''}`;
  });
}

t.test('runts and runc agree', { skip: RUNC ? false : 'runc is not installed (CI installs it)' }, async (t) => {
  const rows: string[] = [];
  for (const [name, steps] of Object.entries(SCENARIOS)) {
    const ours = play(t, RUNTS, steps);
    const theirs = play(t, RUNC!, steps);
    t.same(ours, theirs, name);
    ours.forEach((o, i) => rows.push(`${name.padEnd(26)} | ${o.padEnd(70)} | ${theirs[i]}`));
  }
  t.comment(['scenario'.padEnd(26) + ' | ' + 'runts'.padEnd(70) + ' | runc', ...rows].join('\n'));
});
