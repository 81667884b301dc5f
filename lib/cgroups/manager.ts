// Placement of a container in its cgroups: the directories are made here
// (TypeScript), the init's pid is written into cgroup.procs by the addon while
// the init waits, before it runs anything. Resource limits come with the
// cgroups issue; this is one implementation for cgroupfs v1, v2 and hybrid.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Layout } from './layout';

export interface Placement {
  /** hierarchy key -> the container's directory in it */
  paths: Record<string, string>;
  /** directories made here, parents before children */
  created: string[];
  /** the cgroup.procs files the init's pid goes into */
  procsFiles: string[];
}

/** Makes the container's cgroup in every hierarchy of the layout. */
export function prepareCgroups(layout: Layout, cgroupPath: string): Placement {
  const placement: Placement = { paths: {}, created: [], procsFiles: [] };
  try {
    for (const h of layout.hierarchies) {
      const dir = path.join(h.mountpoint, cgroupPath);
      mkdirTracked(h.mountpoint, dir, placement.created, h.key.split(',').includes('cpuset'));
      placement.paths[h.key] = dir;
      placement.procsFiles.push(path.join(dir, 'cgroup.procs'));
    }
  } catch (e) {
    removeCgroups(placement.created);
    throw e;
  }
  return placement;
}

function mkdirTracked(top: string, dir: string, created: string[], cpuset: boolean): void {
  if (dir === top || fs.existsSync(dir)) return;
  mkdirTracked(top, path.dirname(dir), created, cpuset);
  fs.mkdirSync(dir);
  created.push(dir);
  // a new v1 cpuset starts empty and refuses tasks until it has cpus and mems
  if (cpuset) {
    for (const f of ['cpuset.cpus', 'cpuset.mems']) {
      const mine = path.join(dir, f);
      if (fs.readFileSync(mine, 'utf8').trim() === '')
        fs.writeFileSync(mine, fs.readFileSync(path.join(path.dirname(dir), f), 'utf8').trim());
    }
  }
}

/**
 * Removes the directories runts made, children first. A cgroup whose last
 * process has just died may be busy for a moment, so EBUSY is retried.
 */
export function removeCgroups(created: string[]): void {
  const deepestFirst = [...created].reverse();
  deepestFirst.forEach((dir, n) => {
    // only the container's own cgroup waits; a parent is busy with siblings
    const tries = n === 0 ? 50 : 0;
    for (let i = 0; ; i++) {
      try {
        fs.rmdirSync(dir);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code === 'EBUSY' && i < tries) {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
          continue;
        }
        // a parent still holding other containers' cgroups stays
        if (code === 'EBUSY' || code === 'ENOTEMPTY') break;
        throw e;
      }
    }
  });
}

/** Host pids in the container's cgroup (any hierarchy will do: all hold them). */
export function cgroupPids(paths: Record<string, string>): number[] {
  const dir = paths['pids'] ?? paths['memory'] ?? paths['unified'] ?? Object.values(paths)[0];
  if (!dir) return [];
  try {
    return fs
      .readFileSync(path.join(dir, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
