// Tests and their context. A test is a function of a T: it builds bundles in
// its own Sandbox, drives the runtime and records failed checks. Which spec
// statements a test covers is not written here but in conformance/mapping.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Json, Result, Sandbox } from './harness';

export class SkipError extends Error {}
export class FailError extends Error {}

export interface RuntimeInfo {
  name: string;
  path: string;
  /** `features` output, when the runtime has the command */
  features?: Json;
}

export type Outcome = { status: 'pass' | 'fail' | 'skip'; detail: string[] };

export class T {
  readonly fails: string[] = [];
  constructor(
    readonly sb: Sandbox,
    readonly rt: RuntimeInfo,
  ) {}

  ok(cond: unknown, msg: string): boolean {
    if (!cond) this.fails.push(msg);
    return !!cond;
  }

  eq(actual: unknown, expected: unknown, what: string): boolean {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    return this.ok(a === e, `${what}: got ${a}, want ${e}`);
  }

  fatal(msg: string): never {
    throw new FailError(msg);
  }

  skip(reason: string): never {
    throw new SkipError(reason);
  }

  /** a bundle edited by `edit`, running the probe with `args`; the probe's facts or a failure */
  probe(edit: (c: Json, bundle: string) => void = () => {}, args: string[] = []): Json {
    const b = this.sb.bundle((c, bundle) => {
      c.process.args = ['/probe', ...args];
      edit(c, bundle);
    });
    const r = this.sb.probe(b);
    if (!r.facts) this.fatal(r.error ?? 'no facts');
    return r.facts;
  }

  /**
   * `create` of this config MUST fail, and leave nothing behind: no state for
   * the id, the id usable again, the program never run
   */
  mustRefuse(edit: (c: Json, bundle: string) => void, what: string): Result {
    const marker = path.join(this.sb.dir, `ran-${Math.random().toString(36).slice(2)}`);
    const b = this.sb.bundle((c, bundle) => {
      c.process.args = ['/bin/sh', '-c', `echo ran > /ran-marker`];
      edit(c, bundle);
    });
    void marker;
    const id = this.sb.newId();
    const r = this.sb.create(id, b);
    if (r.code === 0) {
      // some runtimes refuse at start instead; still a failure of create's contract
      this.sb.run(['start', id]);
      this.sb.waitStopped(id, undefined, 3000);
      this.fails.push(`create accepted ${what} (exit 0)`);
      return r;
    }
    const st = this.sb.run(['state', id]);
    this.ok(st.code !== 0, `after the failed create, state ${id} still answers: ${st.stdout.trim()}`);
    this.ok(!fs.existsSync(path.join(b, 'rootfs', 'ran-marker')), 'the program ran although create failed');
    return r;
  }

  /** `create`+`start` of this config MUST work and the probe MUST print its facts */
  mustRun(edit: (c: Json, bundle: string) => void, what: string, args: string[] = []): Json | undefined {
    const b = this.sb.bundle((c, bundle) => {
      c.process.args = ['/probe', ...args];
      edit(c, bundle);
    });
    const r = this.sb.probe(b);
    if (!r.facts) {
      this.fails.push(`${what}: ${r.error}`);
      return undefined;
    }
    return r.facts;
  }
}

export interface TestDef {
  id: string;
  title: string;
  run(t: T): void;
}

export const TESTS: TestDef[] = [];

export function test(id: string, title: string, run: (t: T) => void): void {
  if (TESTS.some((x) => x.id === id)) throw new Error(`duplicate test id ${id}`);
  TESTS.push({ id, title, run });
}

export function runTest(def: TestDef, sb: Sandbox, rt: RuntimeInfo): Outcome {
  const t = new T(sb, rt);
  try {
    def.run(t);
  } catch (e) {
    if (e instanceof SkipError) return { status: 'skip', detail: [e.message] };
    if (e instanceof FailError) return { status: 'fail', detail: [...t.fails, e.message] };
    return { status: 'fail', detail: [...t.fails, `exception: ${(e as Error).stack ?? e}`] };
  }
  return t.fails.length ? { status: 'fail', detail: t.fails } : { status: 'pass', detail: [] };
}
