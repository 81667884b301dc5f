// Built filters are kept under the state root by the hash of their plan:
// libseccomp takes 12-20 ms to build podman's profile for three
// architectures, on every create and exec, and the result depends on nothing
// but the plan (and this machine's libseccomp, whose BPF stays valid).
import * as fs from '../sys/fs';
import * as os from 'node:os';
import * as path from '../sys/path';
import * as native from '../native';
import type { SeccompPlan } from './plan';
import { encodeBpf, enosysLimits, enosysStub } from './enosys';

/** not a possible container id ('@' is outside runc's id characters) */
export const CACHE_DIR = 'seccomp@cache';

function key(plan: SeccompPlan): string {
  // the listener's state names one container: it is not part of the filter
  // (and the stub is derived from plan.enosys, which is in the key)
  const { listenerState, listenerPath, prebuilt, enosysStub: stub, ...filter } = plan;
  void listenerState;
  void listenerPath;
  void prebuilt;
  void stub;
  // argument values are bigints, which JSON has no form for
  const text = JSON.stringify(filter, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  // node:crypto costs 3-8 ms to load under Bun: only a create or exec with a
  // seccomp section pays for it
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(`${process.arch} ${os.release()} ${text}`).digest('hex');
}

/**
 * Builds the filter as spawn would: the ENOSYS stub, from the syscall numbers
 * the linked libseccomp gives the profile's names, then libseccomp's filter
 * behind it. The stub stays on the plan, so spawn builds the same if it
 * must build at all.
 */
export function buildFilter(plan: SeccompPlan): native.SeccompCompiled {
  if (plan.enosys && !plan.enosysStub) {
    const stub = enosysStub(enosysLimits(plan.enosys, native.seccompSyscallNumbers));
    if (stub.length) plan.enosysStub = encodeBpf(stub, os.endianness() === 'LE');
  }
  return native.seccompCompile(plan);
}

/**
 * Sets plan.prebuilt from the cache, building and storing the filter when it
 * is not there. A filter libseccomp refuses is left to spawn, which reports it.
 */
export function usePrebuilt(root: string, plan: SeccompPlan): void {
  const dir = path.join(root, CACHE_DIR);
  const file = path.join(dir, `${key(plan)}.bpf`);
  try {
    plan.prebuilt = fs.readFileSync(file);
    return;
  } catch {
    // not built yet
  }
  const built = buildFilter(plan);
  if ('error' in built) return;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, built.bpf, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    // a cache that cannot be written costs time, not correctness
  }
  plan.prebuilt = built.bpf;
}
