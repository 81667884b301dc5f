// Where a command's time goes, for --debug: one log line per command with the
// time of each phase, so a regression in start-up or in one step is visible.
//
// The clock is process.uptime(): milliseconds since the process started, as
// cheap under node as under Bun (node's first `performance` access costs ~1 ms,
// paid on every call since this module is loaded by main.ts before anything).
// Phases are exclusive: the hooks that run inside spawn count as hooks, not
// as spawn.

export type Phase = 'parse+validate' | 'plan' | 'cgroups' | 'spawn' | 'hooks' | 'state write';

const now = (): number => process.uptime() * 1000;

/** when this module was evaluated: the engine's own start, and the launcher's when there is one */
const bundleStarted = now();
let commandStarted: number | undefined;
const spent = new Map<Phase, number>();
// the phases running, innermost last, and the time their inner phases took
const running: { inner: number }[] = [];

/** main.ts: the command's module is loaded and its arguments parsed; its run() begins */
export function commandStarts(): void {
  commandStarted = now();
}

/** Runs fn and adds its time, less the time of the phases inside it, to phase. */
export function timed<T>(phase: Phase, fn: () => T): T {
  const t0 = now();
  const frame = { inner: 0 };
  running.push(frame);
  try {
    return fn();
  } finally {
    running.pop();
    const total = now() - t0;
    spent.set(phase, (spent.get(phase) ?? 0) + total - frame.inner);
    if (running.length) running[running.length - 1].inner += total;
  }
}

/** "start 3.1 ms, load 1.2 ms, parse+validate 0.9 ms, ..., total 21.0 ms": the phases that ran, in order */
export function timingsLine(): string {
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const end = now();
  const parts = [`start ${ms(bundleStarted)}`];
  if (commandStarted !== undefined) parts.push(`load ${ms(commandStarted - bundleStarted)}`);
  const order: Phase[] = ['parse+validate', 'plan', 'cgroups', 'spawn', 'hooks', 'state write'];
  let inPhases = 0;
  for (const p of order) {
    const v = spent.get(p);
    if (v === undefined) continue;
    parts.push(`${p} ${ms(v)}`);
    inPhases += v;
  }
  if (commandStarted !== undefined) parts.push(`other ${ms(end - commandStarted - inPhases)}`);
  parts.push(`total ${ms(end)}`);
  return parts.join(', ');
}
