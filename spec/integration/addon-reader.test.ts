// The addon's plan reader against malformed plans (issue 16.8), without
// root: every field of a real plan, one at a time, replaced by a value of the
// wrong type, out of range, with a NUL byte, or too long. The reader must
// refuse each with a TypeError naming the field, or (where the value happens
// to be valid) go on and fail cleanly at the first host step: the plan's
// exec fifo does not exist, so nothing is ever cloned. Under make test-asan
// the addon is built with -fsanitize=address,undefined: a read past a buffer
// or a wrapped integer in the reader aborts the test.
import t from 'tap';
import { seccompCompile, spawn } from '../../lib/native';
import { buildPlan, type PlanInput } from '../../lib/plan/build';
import { defaultSpec } from '../../lib/config/default-spec';
import type { Spec } from '../../lib/config/types';
import { planInput } from '../lib/plan-input';

const spec = JSON.parse(JSON.stringify(defaultSpec({ rootless: false }))) as Spec;
spec.linux!.seccomp = {
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: [{ names: ['getcwd'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] }],
};
spec.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 1024 }];
spec.process!.user = { uid: 0, gid: 0, additionalGids: [1, 2] };
spec.hooks = { startContainer: [{ path: '/bin/hook', args: ['hook', 'x'], env: ['A=1'], timeout: 3 }] };
const input: PlanInput = planInput(spec, {
  bundle: '/nonexistent/runts-test-bundle',
  fifoPath: '/nonexistent/runts-test-bundle/exec.fifo',
  hooksFifoPath: '/nonexistent/runts-test-bundle/hooks.fifo',
});

const BAD: unknown[] = [undefined, null, 'str', 42, -1, 2 ** 53, -(2 ** 63), 1.5, NaN, Infinity, true, {}, [], 'a\u0000b', 'x'.repeat(10000), 2n ** 70n, -1n];

type Json = Record<string, unknown> | unknown[];
/** every path to a value in the plan (objects and arrays, not Buffers) */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = at.length ? [at] : [];
  if (Array.isArray(v)) v.forEach((e, i) => out.push(...paths(e, [...at, i])));
  else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) for (const [k, e] of Object.entries(v)) out.push(...paths(e, [...at, k]));
  return out;
}
function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v && typeof v === 'object' && !Buffer.isBuffer(v)) return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, clone(e)])) as T;
  return v;
}
function set(root: Json, at: (string | number)[], value: unknown): void {
  let o = root as Record<string | number, unknown>;
  for (const k of at.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = at[at.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
}

t.test('the valid plan reaches the first host step and fails there', async (t) => {
  const r = spawn(buildPlan(input));
  t.ok('error' in r && r.error.step === 'open exec fifo', JSON.stringify(r));
});

t.test('every field, every kind of bad value: a TypeError naming the field, or a clean failure', async (t) => {
  const plan = buildPlan(input);
  let refused = 0, passed = 0;
  const unexpected: string[] = [];
  for (const at of paths(plan)) {
    for (const bad of BAD) {
      const p = clone(plan) as unknown as Json;
      set(p, at, bad);
      try {
        const r = spawn(p as never);
        // libseccomp refusing an action number is a clean failure too
        if ('error' in r && ['open exec fifo', 'seccomp'].includes(r.error.step)) passed++;
        else unexpected.push(`${at.join('.')} = ${String(bad).slice(0, 20)}: ${JSON.stringify(r)}`);
      } catch (e) {
        if (e instanceof TypeError && /^LaunchPlan[.\w[\]]*( |$)/.test(e.message)) refused++;
        else unexpected.push(`${at.join('.')} = ${String(bad).slice(0, 20)}: threw ${String(e)}`);
      }
    }
  }
  t.same(unexpected, [], 'no other outcome');
  t.ok(refused > 1000, `${refused} refused, ${passed} valid by chance`);
});

t.test('seccompCompile: the same for the seccomp section', async (t) => {
  const sc = buildPlan(input).process.seccomp!;
  const unexpected: string[] = [];
  for (const at of paths(sc)) {
    for (const bad of BAD) {
      const p = clone(sc) as unknown as Json;
      set(p, at, bad);
      try {
        seccompCompile(p as never);
      } catch (e) {
        if (!(e instanceof TypeError && e.message.startsWith('LaunchPlan.seccomp'))) unexpected.push(`${at.join('.')}: ${String(e)}`);
      }
    }
  }
  t.same(unexpected, []);
});
