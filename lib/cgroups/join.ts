// How a new process gets into its cgroups, decided here and done by the
// addon (addon/src/plan.h, init.c, stage1.c).
//
// Not by the runtime writing the process's pid into cgroup.procs: moving
// another process takes the kernel's global cgroup_threadgroup_rwsem for
// writing, which first waits for an RCU grace period: 8-30 ms per create on
// this host, more than the rest of `create` together. Two moves take no such
// wait:
// - v1: a thread that writes "0" to a hierarchy's `tasks` file moves only
//   itself and takes no global lock. The init has one thread, so it is the
//   whole process. The runtime opens the file (the kernel checks the opener's
//   credentials) and the init writes it first thing, before it runs anything.
// - v2: a child cloned with CLONE_INTO_CGROUP is born in the cgroup. Stage 1
//   clones the init so, when it still has the runtime's credentials and
//   cgroup namespace: the kernel checks the clone as it checks a write to
//   cgroup.procs, but with the cloning process's credentials, and a stage 1
//   inside a user namespace (the container's) or a joined cgroup namespace
//   cannot see the cgroup. There the runtime writes the pid into
//   cgroup.procs as before. (A refused clone into a new pid namespace
//   leaves that namespace unusable, so this is decided here, not tried.)
// Either way the init is in its cgroups before it does anything else, and
// only the init (never stage 1) counts against pids.max, as before; a v2
// clone into a cgroup at its pids.max fails (EAGAIN), where a move would not.
import * as path from '../sys/path';
import { NS_FLAGS, type NamespacesPlan } from '../plan/types';

export interface CgroupJoin {
  /** v1 `tasks` files the init writes "0" into */
  tasks: string[];
  /** the v2 directory the init is cloned into; "" for none */
  into: string;
}

export const NO_CGROUPS: CgroupJoin = { tasks: [], into: '' };

/** The plan's sync fields (addon/src/plan.h) for a join by a stage 1 with these namespaces. */
export function cgroupSync(join: CgroupJoin, ns: Pick<NamespacesPlan, 'cloneFlags' | 'joins'>): { cgroupTasks: string[]; cgroupInto: string; cgroupProcs: string[] } {
  const ownCredentials = !(ns.cloneFlags & NS_FLAGS.user) && !ns.joins.some((j) => j.type === 'user' || j.type === 'cgroup');
  if (!join.into || ownCredentials) return { cgroupTasks: join.tasks, cgroupInto: join.into, cgroupProcs: [] };
  return { cgroupTasks: join.tasks, cgroupInto: '', cgroupProcs: [path.join(join.into, 'cgroup.procs')] };
}

/** The join for a process whose cgroup is dirs[key] in each hierarchy (the v2 one is keyed "unified"). */
export function cgroupJoin(dirs: Record<string, string>): CgroupJoin {
  const join: CgroupJoin = { tasks: [], into: '' };
  for (const [key, dir] of Object.entries(dirs)) {
    if (key === 'unified') join.into = dir;
    else join.tasks.push(path.join(dir, 'tasks'));
  }
  return join;
}
