// pause, resume and update of a container's cgroups, with runc's refusals.
import type { CgroupManager } from '../cgroups/manager';
import type { Resources } from '../config/types';
import { RuntsError, TransitionRefused } from '../errors';
import { canPause, canResume, canUpdate, pauseIsNoop, statusOf } from './status';
import type { ContainerRecord, Store } from './store';

export function managerOf(store: Store, rec: ContainerRecord): CgroupManager {
  return store.host.cgroups.manager(rec.cgroupPaths, rec.systemdUnit);
}

/**
 * A rootless container whose user has no delegated cgroups got none at
 * create: pause, resume and update cannot work, and say why (runc: "cannot
 * toggle freezer: cgroups not configured for container").
 */
function needCgroups(rec: ContainerRecord, what: string): void {
  if (Object.keys(rec.cgroupPaths).length === 0 && !rec.systemdUnit)
    throw new RuntsError(`${what}: cgroups not configured for container (a rootless container gets none when cgroups are not delegated to its user)`);
}

export function pause(store: Store, id: string): void {
  const rec = store.load(id);
  const s = statusOf(store, rec);
  if (!canPause(s)) throw new TransitionRefused('pause', id, s);
  if (pauseIsNoop(s)) return;
  needCgroups(rec, 'cannot toggle freezer');
  managerOf(store, rec).freeze();
}

export function resume(store: Store, id: string): void {
  const rec = store.load(id);
  const s = statusOf(store, rec);
  if (!canResume(s)) throw new TransitionRefused('resume', id, s);
  needCgroups(rec, 'cannot toggle freezer');
  managerOf(store, rec).thaw();
}

/**
 * Writes new limits. The config snapshot in state.json is updated too, so a
 * later `update` of one field keeps the others' meaning (memory+swap order).
 */
export function update(store: Store, id: string, r: Resources): void {
  const rec = store.load(id);
  const s = statusOf(store, rec);
  if (!canUpdate(s)) throw new TransitionRefused('update', id, s);
  needCgroups(rec, 'cannot set limits');
  // memory.checkBeforeUpdate given at create holds for later updates too
  const check = r.memory?.checkBeforeUpdate ?? rec.config.linux?.resources?.memory?.checkBeforeUpdate;
  managerOf(store, rec).apply(check && r.memory ? { ...r, memory: { ...r.memory, checkBeforeUpdate: true } } : r, undefined);
  const linux = (rec.config.linux ??= {});
  const old = (linux.resources ??= {});
  for (const [k, v] of Object.entries(r) as [keyof Resources, unknown][]) {
    if (v !== undefined && typeof v === 'object' && !Array.isArray(v) && old[k] && typeof old[k] === 'object' && !Array.isArray(old[k]))
      Object.assign(old[k] as object, v);
    else (old as Record<string, unknown>)[k] = v;
  }
  store.write(rec);
}
