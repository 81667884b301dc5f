// The order in which a process enters the namespaces it joins by path, for
// create (namespaces given a path) and exec (every namespace of the init).
// setns(2) is done in this order by the addon, one table for both.
import type { NamespaceType, NsJoin } from './types';

/**
 * user first: it decides what the process may do in the others (entering
 * them needs CAP_SYS_ADMIN over their owner). mount last: after it, the
 * remaining paths would resolve inside the container. The rest in between,
 * in the order given; sort is stable.
 */
export const JOIN_RANK: Readonly<Record<NamespaceType, number>> = {
  user: 0,
  pid: 1,
  network: 1,
  ipc: 1,
  uts: 1,
  cgroup: 1,
  time: 1,
  mount: 2,
};

/** The joins in the order setns(2) takes them. */
export function orderJoins(joins: NsJoin[]): NsJoin[] {
  return [...joins].sort((a, b) => JOIN_RANK[a.type] - JOIN_RANK[b.type]);
}

/**
 * A cgroup namespace given by path (exec: the init's) is joined by the new
 * process itself once it sits in its cgroups, not by stage 1, when no user
 * namespace is entered: stage 1 then keeps the runtime's credentials and
 * cgroup namespace, with which it may clone the process into its v2 cgroup
 * (lib/cgroups/join.ts). The process still joins it before anything of the
 * container runs, as a new one is made only after placement too. With a
 * user namespace stage 1 joins it in order as before (the clone would be
 * refused: cgroupSync writes the pid instead).
 */
export function deferCgroupJoin(joins: NsJoin[], newUser: boolean): { joins: NsJoin[]; cgroupAfterPlacement: string } {
  const cgroup = joins.find((j) => j.type === 'cgroup');
  if (!cgroup || newUser || joins.some((j) => j.type === 'user')) return { joins, cgroupAfterPlacement: '' };
  return { joins: joins.filter((j) => j !== cgroup), cgroupAfterPlacement: cgroup.path };
}
