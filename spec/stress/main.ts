// `make stress`: every scenario in its own area, then a table of runs,
// failures, what it left behind and how long it took. Exit status 1 on any
// failure or leftover. Counts are CI's unless the environment says otherwise
// (STRESS_FULL=1 for the full figures; see countsFromEnv).
// STRESS_ONLY=REGEX picks scenarios by name.
import { Area, countsFromEnv, leftoverCount, openFds, until, type Leftovers, type Scenario } from './lib';
import { scenarios } from './scenarios';

interface Row {
  name: string;
  runs: number;
  failures: number;
  left: Leftovers;
  fds: number;
  seconds: number;
}

/** one line of at most 300 characters: a fuzz case's words may hold a megabyte string */
const clip = (s: string): string => {
  const one = s.replace(/\n/g, ' | ');
  return one.length > 300 ? one.slice(0, 300) + `... (${one.length} chars)` : one;
};

function table(rows: Row[]): string {
  const head = ['scenario', 'runs', 'failures', 'mounts', 'cgroups', 'state dirs', 'processes', 'fds', 'wall s'];
  const body = rows.map((r) => [
    r.name,
    String(r.runs),
    String(r.failures),
    String(r.left.mounts.length),
    String(r.left.cgroups.length),
    String(r.left.stateDirs.length),
    String(r.left.processes.length),
    String(r.fds),
    r.seconds.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)].join('\n');
}

async function runOne(s: Scenario): Promise<{ row: Row; notes: string[]; failures: string[] }> {
  const counts = countsFromEnv();
  const fdsBefore = openFds();
  const started = Date.now();
  const area = new Area(s.name);
  let outcome;
  try {
    outcome = await s.run(area, counts);
  } catch (e) {
    outcome = { runs: 1, failures: [`the scenario threw: ${(e as Error).stack ?? String(e)}`], notes: [] };
  }
  // a killed container's processes take a moment to be reaped by pid 1
  await until(() => leftoverCount(area.leftovers()) === 0, 3000);
  const left = area.leftovers();
  await area.cleanup();
  const fds = Math.max(0, openFds() - fdsBefore);
  const seconds = (Date.now() - started) / 1000;
  const failures = outcome.failures;
  for (const [what, list] of Object.entries(left)) if (list.length) failures.push(`left ${what}: ${list.slice(0, 5).join(', ')}`);
  if (fds) failures.push(`the watcher has ${fds} more open fds than before`);
  return { row: { name: s.name, runs: outcome.runs, failures: outcome.failures.length, left, fds, seconds }, notes: outcome.notes, failures };
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('make stress runs containers: run it as root\n');
    return 1;
  }
  const only = process.env.STRESS_ONLY ? new RegExp(process.env.STRESS_ONLY) : undefined;
  const chosen = scenarios.filter((s) => !only || only.test(s.name));
  const counts = countsFromEnv();
  process.stdout.write(`stress: ${chosen.length} scenarios, counts ${JSON.stringify(counts)}\n`);
  const rows: Row[] = [];
  let bad = 0;
  for (const s of chosen) {
    const { row, notes, failures } = await runOne(s);
    rows.push(row);
    const ok = failures.length === 0;
    if (!ok) bad++;
    process.stdout.write(`${ok ? 'ok' : 'not ok'} - ${s.name}: ${row.runs} runs in ${row.seconds.toFixed(1)} s\n`);
    for (const n of notes) process.stdout.write(`    ${clip(n)}\n`);
    for (const f of failures.slice(0, 10)) process.stdout.write(`    FAIL ${clip(f)}\n`);
    if (failures.length > 10) process.stdout.write(`    ... ${failures.length - 10} more failures\n`);
  }
  process.stdout.write('\n' + table(rows) + '\n');
  process.stdout.write(`\nstress: ${chosen.length - bad} passed, ${bad} failed\n`);
  return bad ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`stress runner: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
