// Test-only crash points. With RUNTS_FAULT=<point> runts SIGKILLs itself
// at that step, so make stress (spec/stress/scenarios/crash.ts) can prove that
// a runts killed at any step of create, start, exec or delete leaves a
// container `delete --force` removes. Honoured only when --root is a test's
// (/tmp/runts-test-* or /run/runts-test-*): on any other root the variable
// does nothing, so no deployment can trip it by accident.
// Deterministic kills rather than timed ones: every step is hit on every
// run, and a failure names the step.

export const FAULT_POINTS = [
  'create:claimed',
  'create:locked',
  'create:fifo',
  'create:undo-written',
  'create:cgroups-made',
  'create:spawned',
  'create:recorded',
  'start:before-fifo',
  'start:after-fifo',
  'exec:spawned',
  'delete:killed',
  'delete:cgroups-removed',
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

const TEST_ROOT = /^\/(tmp|run)\/runts-test-[^/]+\//;

export function faultPoint(point: FaultPoint, root: string): void {
  if (process.env.RUNTS_FAULT !== point || !TEST_ROOT.test(root + '/')) return;
  process.kill(process.pid, 'SIGKILL');
}
