// The PlanInput of a test: what buildPlan is told about the host, with the
// values no test cares about filled in, so a test names only what it checks.
import type { PlanInput } from '../../lib/plan/build';
import { defaultSpec } from '../../lib/config/default-spec';
import type { Spec } from '../../lib/config/types';

/** a copy of `runts spec`'s config (rootless as asked), edited */
export function testSpec(opts: Parameters<typeof defaultSpec>[0], edit: (s: any) => void = () => {}): Spec {
  const s = JSON.parse(JSON.stringify(defaultSpec(opts)));
  edit(s);
  return s as Spec;
}

/** a host with 41 capabilities, no LSM, no resctrl, no cgroup hierarchies; `more` overrides */
export function planInput(spec: Spec, more: Partial<PlanInput> = {}): PlanInput {
  return {
    spec,
    bundle: '/b',
    noPivot: false,
    fifoPath: '/run/x/exec.fifo',
    consoleSocket: '',
    preserveFds: 0,
    cgroupJoin: { tasks: [], into: '' },
    lastCap: 40,
    hierarchies: [],
    isDirectory: () => true,
    hostBounding: (1n << 41n) - 1n,
    host: { apparmor: false, apparmorProfiles: null, selinux: false, resctrl: false },
    warn: () => {},
    ...more,
  };
}
