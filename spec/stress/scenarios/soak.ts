// create/start/delete over and over: what the runtime leaves on the host
// (state root entries, mounts, cgroup directories) and the open fds of the
// long-lived process watching it (this runner) must come back to where they
// started. The figures are printed every tenth of the way.
import * as fs from 'node:fs';
import { cgroupDirsUnder, openFds, type Area, type Scenario } from '../lib';

interface Figures {
  stateEntries: number;
  mounts: number;
  cgroupDirs: number;
  fds: number;
}

function figures(a: Area): Figures {
  let stateEntries = 0;
  try {
    stateEntries = fs.readdirSync(a.root).filter((n) => n !== 'seccomp@cache').length;
  } catch {
    // no root yet
  }
  return {
    stateEntries,
    // the whole host's mount table: other work on the machine moves it too,
    // so it is printed; the leak check proper is the area's own mounts
    mounts: fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).length,
    cgroupDirs: cgroupDirsUnder(a.cgroupParent).length,
    fds: openFds(),
  };
}

const show = (f: Figures): string => `state entries ${f.stateEntries}, host mounts ${f.mounts}, cgroup dirs ${f.cgroupDirs}, watcher fds ${f.fds}`;

export const soak: Scenario = {
  name: 'soak-create-start-delete',
  async run(a, counts) {
    const failures: string[] = [];
    const notes: string[] = [];
    const bundle = a.bundle(() => {}, 'soak');
    const before = figures(a);
    notes.push(`before:      ${show(before)}`);
    const step = Math.max(1, Math.floor(counts.soak / 10));
    for (let i = 0; i < counts.soak; i++) {
      const id = `soak-${i}`;
      for (const args of [['create', '--bundle', bundle, id], ['start', id], ['delete', '--force', id]]) {
        const r = await a.runts(args);
        if (r.code !== 0) failures.push(`cycle ${i}: ${args[0]}: exit ${r.code}: ${r.stderr.trim()}`);
      }
      a.ids.delete(id);
      if ((i + 1) % step === 0 && i + 1 < counts.soak) notes.push(`after ${String(i + 1).padStart(5)}: ${show(figures(a))}`);
    }
    const after = figures(a);
    notes.push(`after ${String(counts.soak).padStart(5)}: ${show(after)}`);
    if (after.stateEntries !== before.stateEntries) failures.push(`state root: ${before.stateEntries} entries before, ${after.stateEntries} after`);
    if (after.cgroupDirs !== before.cgroupDirs) failures.push(`cgroup dirs: ${before.cgroupDirs} before, ${after.cgroupDirs} after`);
    if (after.fds !== before.fds) failures.push(`watcher fds: ${before.fds} before, ${after.fds} after`);
    return { runs: counts.soak, failures, notes };
  },
};
