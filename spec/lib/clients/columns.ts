// Scenarios run by a real client (podman, containerd) once with runc and once
// with runts; the runc column shows the scenario itself is right. Each
// scenario returns what it observed; the test compares it with what is
// expected and records ok/FAIL per runtime for the side-by-side table.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNC, RUNTS } from '../harness';

export type Runtime = 'runc' | 'runts';
export const RUNTIMES: Runtime[] = RUNC ? ['runc', 'runts'] : ['runts'];
export const BINARY: Record<Runtime, string> = { runc: RUNC ?? '/usr/sbin/runc', runts: RUNTS };

/**
 * A wrapper per runtime in `dir` that logs each call's argv (one line, with
 * the time) to `<dir>/argv.log` and execs the runtime: when a scenario fails,
 * the test prints the command lines the client ran.
 */
export function wrappers(dir: string): Record<Runtime, string> {
  const out = {} as Record<Runtime, string>;
  for (const rt of ['runc', 'runts'] as Runtime[]) {
    const w = path.join(dir, `wrap-${rt}`);
    fs.writeFileSync(
      w,
      `#!/bin/sh\nprintf '%s %s %s\\n' "$(date +%T.%N)" ${rt} "$*" >> ${path.join(dir, 'argv.log')}\nexec ${BINARY[rt]} "$@"\n`,
      { mode: 0o755 },
    );
    out[rt] = w;
  }
  return out;
}

/** the argv lines logged since `from` (a byte offset), for diagnostics */
export function argvSince(dir: string, from: number): string {
  try {
    return fs.readFileSync(path.join(dir, 'argv.log')).subarray(from).toString();
  } catch {
    return '';
  }
}
export function argvOffset(dir: string): number {
  try {
    return fs.statSync(path.join(dir, 'argv.log')).size;
  } catch {
    return 0;
  }
}

export type Observed = Record<string, unknown>;
/** expected values: a RegExp matches the String() of the observed value, anything else is compared as JSON */
export type Expected = Record<string, unknown>;

export function matches(obs: Observed, exp: Expected): boolean {
  return Object.entries(exp).every(([k, v]) =>
    v instanceof RegExp ? v.test(String(obs[k])) : JSON.stringify(obs[k]) === JSON.stringify(v),
  );
}

export class Table {
  private rows = new Map<string, Partial<Record<Runtime, string>>>();
  /** `seconds`: how long the scenario took with that runtime (shown next to the result) */
  set(scenario: string, rt: Runtime, cell: string, seconds?: number): void {
    const r = this.rows.get(scenario) ?? {};
    r[rt] = seconds === undefined ? cell : `${cell} ${seconds.toFixed(1)}s`;
    this.rows.set(scenario, r);
  }
  render(client: string): string {
    const w = Math.max(8, ...[...this.rows.keys()].map((k) => k.length));
    const c = Math.max(5, ...[...this.rows.values()].map((r) => (r.runc ?? '').length));
    const lines = [`${client.padEnd(w)}  ${'runc'.padEnd(c)}  runts`, `${'-'.repeat(w)}  ${'-'.repeat(c)}  -----`];
    for (const [k, r] of this.rows) lines.push(`${k.padEnd(w)}  ${(r.runc ?? '-').padEnd(c)}  ${r.runts ?? '-'}`);
    if ([...this.rows.values()].some((r) => Object.values(r).some((v) => v.startsWith('FAIL*')))) lines.push('FAIL* = a known runts bug, a tap todo');
    return lines.join('\n');
  }
}

interface T {
  test(name: string, fn: (t: any) => Promise<void>): Promise<unknown>;
  comment(...a: unknown[]): void;
}

/**
 * One scenario as a tap test with a subtest per runtime: `run` drives the
 * client and returns what it saw, `expected` says what that must be.
 */
export function scenario(
  t: T,
  table: Table,
  logDir: () => string,
  name: string,
  expected: Expected | ((rt: Runtime) => Expected),
  run: (rt: Runtime) => Promise<Observed> | Observed,
  /** a runts bug this scenario shows, not fixed yet: its failure is a tap todo (the table says FAIL*) */
  knownBug?: Partial<Record<Runtime, string>>,
): void {
  t.test(name, async (t) => {
    for (const rt of RUNTIMES) {
      await t.test(rt, async (t: any) => {
        const from = argvOffset(logDir());
        const t0 = process.hrtime.bigint();
        let obs: Observed;
        try {
          obs = await run(rt);
        } catch (e) {
          obs = { error: (e as Error).message };
        }
        const exp = typeof expected === 'function' ? expected(rt) : expected;
        const ok = matches(obs, exp);
        const todo = knownBug?.[rt];
        table.set(name, rt, ok ? 'ok' : todo ? 'FAIL*' : 'FAIL', Number(process.hrtime.bigint() - t0) / 1e9);
        t.ok(ok, `${rt}: ${name}`, todo && !ok ? { todo } : {});
        if (!ok) t.comment(`${rt} found: ${JSON.stringify(obs)}\nwanted: ${JSON.stringify(exp, (_k, v) => (v instanceof RegExp ? String(v) : v))}\n${rt} was called as:\n${argvSince(logDir(), from)}`);
      });
    }
  });
}
