// Where the cgroup hierarchies are mounted: v1 (one per controller set), v2
// (unified), or hybrid (v1 controllers plus a cgroup2 mount, like this host).
import * as fs from '../sys/fs';

export interface Hierarchy {
  /** key used in state and paths: "memory", "cpu,cpuacct", "name=systemd", "unified" */
  key: string;
  mountpoint: string;
  version: 1 | 2;
  /** mount options that name the controllers (for mounting it inside a container) */
  options: string;
}

export interface Layout {
  kind: 'v1' | 'v2' | 'hybrid' | 'none';
  hierarchies: Hierarchy[];
}

const V1_CONTROLLERS = new Set([
  'cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids',
  'net_cls', 'net_prio', 'hugetlb', 'perf_event', 'rdma', 'misc',
]);

/** Parses /proc/self/mountinfo text into the layout. */
export function parseLayout(mountinfo: string): Layout {
  const hierarchies: Hierarchy[] = [];
  const seen = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const pre = line.slice(0, sep).split(' ');
    const [fstype, , superOpts] = line.slice(sep + 3).split(' ');
    const mountpoint = pre[4];
    if (fstype === 'cgroup2') {
      if (!seen.has('unified')) hierarchies.push({ key: 'unified', mountpoint, version: 2, options: '' });
      seen.add('unified');
    } else if (fstype === 'cgroup') {
      const opts = (superOpts ?? '').split(',');
      const ctrls = opts.filter((o) => V1_CONTROLLERS.has(o) || o.startsWith('name='));
      if (!ctrls.length) continue;
      const key = ctrls.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      hierarchies.push({ key, mountpoint, version: 1, options: ctrls.join(',') });
    }
  }
  const v1 = hierarchies.some((h) => h.version === 1);
  const v2 = hierarchies.some((h) => h.version === 2);
  return { kind: v1 && v2 ? 'hybrid' : v1 ? 'v1' : v2 ? 'v2' : 'none', hierarchies };
}

let cached: Layout | undefined;
export function hostLayout(): Layout {
  cached ??= parseLayout(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
  return cached;
}

/**
 * The systemd cgroup driver can work here: systemd is PID 1 (sd_booted(3):
 * /run/systemd/system), the host is pure cgroup v2, and a way to reach
 * systemd over D-Bus exists (the system bus, or its private socket as root).
 */
export function systemdDriverAvailable(userInstance = false): boolean {
  if (!fs.existsSync('/run/systemd/system') || hostLayout().kind !== 'v2') return false;
  // the user's instance is asked over the session bus (lib/cgroups/systemd.ts)
  if (userInstance) return true;
  return fs.existsSync('/run/dbus/system_bus_socket') || (process.getuid?.() === 0 && fs.existsSync('/run/systemd/private'));
}
