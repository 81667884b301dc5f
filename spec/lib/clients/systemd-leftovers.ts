// What a container can leave behind on a systemd host with pure cgroup v2,
// found the way a user looks: `systemctl list-units --all`, `systemctl
// --failed`, the cgroup tree, the runtime's `list`. Each returns what it found
// (empty: nothing left).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CG = '/sys/fs/cgroup';

function systemctl(args: string[]): string[] {
  const r = spawnSync('systemctl', [...args, '--no-legend', '--plain', '--no-pager'], { encoding: 'utf8', timeout: 120_000 });
  return (r.stdout ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
}

/** units (any state, loaded or not) whose line mentions `s`: "<unit> <load> <active> <sub>" */
export function unitsMentioning(s: string): string[] {
  return systemctl(['list-units', '--all']).filter((l) => l.includes(s)).map((l) => l.split(/\s+/).slice(0, 4).join(' '));
}

/** the names of the failed units */
export function failedUnits(): string[] {
  return systemctl(['list-units', '--failed', '--all']).map((l) => l.split(/\s+/)[0]);
}

/** cgroup directories whose name mentions `s`, to `depth` levels under /sys/fs/cgroup */
export function cgroupsMentioning(s: string, depth = 4): string[] {
  const out: string[] = [];
  const walk = (d: string, left: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = path.join(d, e.name);
      if (e.name.includes(s)) out.push(p);
      if (left > 1) walk(p, left - 1);
    }
  };
  walk(CG, depth);
  return out;
}

/** the container ids `runtime [--root root] list -q` shows */
export function runtimeList(runtime: string, root?: string): string[] {
  const r = spawnSync(runtime, [...(root ? ['--root', root] : []), 'list', '-q'], { encoding: 'utf8', timeout: 120_000 });
  return (r.stdout ?? '').split('\n').filter(Boolean);
}
