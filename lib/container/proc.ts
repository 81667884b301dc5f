// Facts about a host process read from /proc, so a reused pid is never taken
// for the container: the start time (field 22 of /proc/<pid>/stat) pins it.
import * as fs from 'node:fs';

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
