// pause, resume and update of a container's cgroups, with runc's refusals.
import { hostLayout } from '../cgroups/layout';
import { managerFor, type CgroupManager } from '../cgroups/manager';
import { TransitionRefused } from '../errors';
import type { Resources } from '../config/types';
import type { ContainerRecord, Store } from './store';

export function managerOf(rec: ContainerRecord): CgroupManager {
  return managerFor(hostLayout(), rec.cgroupPaths);
}

export function pause(store: Store, id: string): void {
  const rec = store.load(id);
  const s = store.status(rec);
  // runc pauses created and running containers; paused again is a no-op
  if (s === 'stopped') throw new TransitionRefused('pause', id, s);
  if (s === 'paused') return;
  managerOf(rec).freeze();
}

export function resume(store: Store, id: string): void {
  const rec = store.load(id);
  const s = store.status(rec);
  if (s !== 'paused') throw new TransitionRefused('resume', id, s);
  managerOf(rec).thaw();
}

/**
 * Writes new limits. The config snapshot in state.json is updated too, so a
 * later `update` of one field keeps the others' meaning (memory+swap order).
 */
export function update(store: Store, id: string, r: Resources): void {
  const rec = store.load(id);
  const s = store.status(rec);
  if (s === 'stopped') throw new TransitionRefused('update', id, s);
  const m = managerOf(rec);
  m.apply(r, undefined);
  const linux = (rec.config.linux ??= {});
  const old = (linux.resources ??= {});
  for (const [k, v] of Object.entries(r) as [keyof Resources, unknown][]) {
    if (v !== undefined && typeof v === 'object' && !Array.isArray(v) && old[k] && typeof old[k] === 'object' && !Array.isArray(old[k]))
      Object.assign(old[k] as object, v);
    else (old as Record<string, unknown>)[k] = v;
  }
  store.write(rec);
}
