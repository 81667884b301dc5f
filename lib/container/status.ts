// The OCI lifecycle as one state machine: how a container's status is
// derived (never trusted from disk) and which operations each status allows.
// Every command asks these predicates; none compares statuses by hand.
import type { ContainerRecord, Store } from './store';

export type Status = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

/**
 * 'stopped' when the init is gone (or its pid was reused: the start time
 * pins it); 'paused' when the cgroup manager says the cgroup is frozen;
 * 'created' while the exec fifo waits for start; else 'running'.
 */
export function statusOf(store: Store, rec: ContainerRecord): Status {
  const st = rec.pid > 0 ? store.host.procStat(rec.pid) : undefined;
  if (!st || st.startTime !== rec.pidStartTime || st.state === 'Z' || st.state === 'X') return 'stopped';
  if (store.host.cgroups.manager(rec.cgroupPaths).isFrozen()) return 'paused';
  return store.hasFifo(rec.id) ? 'created' : 'running';
}

/**
 * The status of an id: 'creating' while a create holds its directory and has
 * not written state.json yet; undefined when there is no such container.
 */
export function statusOfId(store: Store, id: string): { status: Status; rec?: ContainerRecord } | undefined {
  const rec = store.read(id);
  if (rec) return { status: statusOf(store, rec), rec };
  return store.isClaimed(id) ? { status: 'creating' } : undefined;
}

export const canStart = (s: Status): boolean => s === 'created';
export const canKill = (s: Status): boolean => s === 'created' || s === 'running' || s === 'paused';
export const canDelete = (s: Status): boolean => s === 'stopped';
/** runc pauses created and running containers */
export const canPause = (s: Status): boolean => s === 'created' || s === 'running' || s === 'paused';
export const canResume = (s: Status): boolean => s === 'paused';
export const canUpdate = (s: Status): boolean => s === 'created' || s === 'running' || s === 'paused';
/** events and stats: a container with live processes */
export const canWatch = (s: Status): boolean => s === 'created' || s === 'running' || s === 'paused';
/** exec joins a created or running container; a paused one only with --ignore-paused */
export const canExec = (s: Status, ignorePaused: boolean): boolean =>
  s === 'created' || s === 'running' || (s === 'paused' && ignorePaused);
/** a status is over: nothing of the container runs */
export const isStopped = (s: Status): boolean => s === 'stopped';

// Deliberate differences from runtime-spec, each as runc has it (see
// docs/DESIGN.md, "Where runts differs"):

/**
 * runtime.md: delete of a container that is not stopped MUST fail. runc
 * (and so runts) deletes a created container without --force: it kills the
 * waiting init first. Clients (podman, containerd) rely on it.
 */
export const deletesWithoutForce = (s: Status): boolean => s === 'stopped' || s === 'created';

/** pause of a paused container succeeds and does nothing, as in runc */
export const pauseIsNoop = (s: Status): boolean => s === 'paused';

/**
 * kill --all (runc's, not the spec's kill) signals what is left in the
 * cgroup: nothing once stopped, which is not an error for runc either
 */
export const killAllOfStoppedSucceeds = (s: Status): boolean => s === 'stopped';

/** a frozen task dies only once thawed: SIGKILL of a paused container thaws it (runc does too) */
export const killThaws = (s: Status, sig: number): boolean => s === 'paused' && sig === 9;

/** a paused container being deleted is killed, then thawed, so its processes wake only to die */
export const deleteThaws = (s: Status): boolean => s === 'paused';
