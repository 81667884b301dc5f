// Which processes in a container's cgroup are the container's own. runc
// 1.1.5 lets a container start in a cgroup that already holds processes
// (with a warning), and kill --all and delete then see those too: they are
// not runts' to signal. A process counts as someone else's when
//   - create found it in the cgroup (pid and start time, recorded), or it
//     descends from one of those (parent chain inside the cgroup);
//   - it started before the container's init (nothing the container runs
//     can be older than its init);
//   - it is in another pid namespace than the one the init was in (recorded
//     at create: the container's own one, or the one it shares).
// What is left (a process started after the init, in the same pid
// namespace, moved into the cgroup later by root) cannot be told apart: with
// a pid namespace of its own that cannot happen to a container, sharing the
// host's it is killed, as runc does.
import type { ProcStat } from './proc';

/** a process create found in the container's cgroup */
export interface ForeignProcess {
  pid: number;
  startTime: string;
}

export interface OwnershipFacts {
  /** what create recorded as already there */
  foreign: ForeignProcess[];
  /** the init's start time (clock ticks since boot, as a decimal string) */
  initStartTime?: string;
  /** "dev:ino" of the init's pid namespace */
  pidNamespace?: string;
  procStat(pid: number): ProcStat | undefined;
  pidNamespaceOf?(pid: number): string | undefined;
}

export interface Sorted {
  /** the container's: to be signalled */
  own: number[];
  /** someone else's, with the reason, for the warning */
  spared: { pid: number; why: string }[];
}

/** Splits the pids of the container's cgroup into its own and the others'. */
export function sortCgroupProcesses(pids: number[], f: OwnershipFacts): Sorted {
  const inCgroup = new Set(pids);
  const recorded = new Map(f.foreign.map((p) => [p.pid, p.startTime]));
  const verdict = new Map<number, string | null>();

  const foreignWhy = (pid: number, depth: number): string | null => {
    const known = verdict.get(pid);
    if (known !== undefined) return known;
    const st = f.procStat(pid);
    // gone already (or exiting): nothing to signal, nothing to spare
    if (!st) return null;
    let why: string | null = null;
    if (recorded.get(pid) === st.startTime) why = 'was in the cgroup before the container was created';
    else if (f.initStartTime !== undefined && BigInt(st.startTime) < BigInt(f.initStartTime)) why = 'is older than the container';
    else if (f.pidNamespace !== undefined) {
      const ns = f.pidNamespaceOf?.(pid);
      if (ns !== undefined && ns !== f.pidNamespace) why = 'is not in its pid namespace';
    }
    if (why === null && st.ppid !== undefined && inCgroup.has(st.ppid) && st.ppid !== pid && depth < 64) {
      if (foreignWhy(st.ppid, depth + 1) !== null) why = 'descends from a process that is not the container\'s';
    }
    verdict.set(pid, why);
    return why;
  };

  const out: Sorted = { own: [], spared: [] };
  for (const pid of pids) {
    const why = foreignWhy(pid, 0);
    if (why === null) out.own.push(pid);
    else out.spared.push({ pid, why });
  }
  return out;
}
