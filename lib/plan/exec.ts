// The plan for `exec`: a new process joins every namespace of a running
// container and its cgroups; nothing of the container is set up again.
import { cgroupSync, type CgroupJoin } from '../cgroups/join';
import type { Process, Spec } from '../config/types';
import { planAttrs } from './attrs';
import { deferCgroupJoin, orderJoins } from './joins';
import { processPlan, type ProcessPlanInput } from './build';
import { checkPreserveFds, checkProcessLimits } from './limits';
import { ROOT_WRITES } from './rootless-maps';
import { NS_FLAGS, NS_PROC_FILE, type LaunchPlan, type NamespaceType, type NsJoin } from './types';

export interface ExecPlanInput extends ProcessPlanInput {
  spec: Spec;
  process: Process;
  /** the container's init, whose namespaces are joined */
  initPid: number;
  rootfs: string;
  /** namespace type -> path, as recorded at create (joined ones keep their path) */
  namespacePaths: Record<string, string>;
  /** how the process joins the container's cgroups (lib/cgroups/join.ts) */
  cgroupJoin: CgroupJoin;
  /** the container was created with --no-new-keyring */
  noNewKeyring: boolean;
  consoleSocket: string;
  preserveFds: number;
  /** the user namespace joined has setgroups denied (a rootless container with one gid mapped) */
  setgroupsDenied?: boolean;
}

export function buildExecPlan(input: ExecPlanInput): LaunchPlan {
  checkProcessLimits(input.process, '/process');
  checkPreserveFds(input.preserveFds);
  const types = Object.keys(input.namespacePaths) as NamespaceType[];
  // the init's own /proc/<pid>/ns files: a namespace it was given by path is
  // the same one, and this way a namespace file that was since unmounted still works
  const joins = orderJoins(types.map((type): NsJoin => ({ type, flag: NS_FLAGS[type], path: `/proc/${input.initPid}/ns/${NS_PROC_FILE[type]}` })));
  const spec: Spec = { ...input.spec, process: input.process, linux: { ...input.spec.linux, timeOffsets: undefined } };
  const attrs = planAttrs(spec, false);
  // the process joins the cgroup namespace after its cgroups (lib/plan/joins.ts)
  const staged = deferCgroupJoin(joins, false);
  return {
    // every namespace is joined; none is made, no uts name set
    namespaces: { cloneFlags: 0, ...staged, uidMap: '', gidMap: '', ...ROOT_WRITES, setgroups: input.setgroupsDenied ? 'deny' : '', hostname: '', domainname: '' },
    rootfs: null,
    process: {
      ...processPlan(input.process, spec, input),
      // the container's own session keyring, joined by name as runc's setns
      // init does: an exec'd process must not hold the caller's keys
      sessionKeyring: input.noNewKeyring ? '' : `_ses.${input.containerId ?? ''}`,
      // a container without a mount namespace was only chrooted: so is the new process
      chroot: joins.some((j) => j.type === 'mount') ? '' : input.rootfs,
      preserveFds: input.preserveFds,
      attrs,
    },
    sync: { ...cgroupSync(input.cgroupJoin, { cloneFlags: 0, joins: staged.joins }), fifoPath: '', pauseForHooks: false, consoleSocket: input.consoleSocket, startHooks: [], hooksFifoPath: '', stateMaxBytes: 0 },
  };
}
