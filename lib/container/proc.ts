// Facts about a host process read from /proc, so a reused pid is never taken
// for the container: the start time (field 22 of /proc/<pid>/stat) pins it.
import * as fs from '../sys/fs';

export interface ProcStat {
  state: string;
  startTime: string;
  /** the parent's pid (field 4) */
  ppid?: number;
}

export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses: the fields start after the last ')'
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], startTime: fields[19], ppid: Number(fields[1]) };
}

/**
 * The processes in the pid namespace `pid` is in, as host pids, when that
 * namespace is not ours: what a rootless container without a cgroup holds
 * (ps has no cgroup to ask). Only processes whose ns link we may read count:
 * a rootless caller's own, which the container's all are.
 */
export function pidsInNamespaceOf(pid: number): number[] {
  let target: string;
  try {
    target = fs.readlinkSync(`/proc/${pid}/ns/pid`);
    if (target === fs.readlinkSync('/proc/self/ns/pid')) return readProcStat(pid) ? [pid] : [];
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readlinkSync(`/proc/${d}/ns/pid`) === target) out.push(Number(d));
    } catch {
      // gone, or not ours
    }
  }
  return out.sort((a, b) => a - b);
}
