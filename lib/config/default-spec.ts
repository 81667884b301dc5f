// The starter config.json that `runts spec` writes: the same content, key
// order included, as runc 1.1.5's `runc spec` (libcontainer/specconv
// Example()) and `runc spec --rootless` (specconv.ToRootless), except that
// ociVersion is the runtime-spec version runts implements.

export const OCI_VERSION = '1.3.0';

export interface DefaultSpecOptions {
  rootless: boolean;
  /** host ids mapped to container root with rootless; default geteuid/getegid */
  uid?: number;
  gid?: number;
}

const CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

/**
 * A fresh object on every call (callers may mutate it). Keys are inserted in
 * the order Go's encoding/json emits runtime-spec's struct fields.
 */
export function defaultSpec(opts: DefaultSpecOptions): Record<string, unknown> {
  const mounts: Record<string, unknown>[] = [
    { destination: '/proc', type: 'proc', source: 'proc' },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
    },
    {
      destination: '/dev/mqueue',
      type: 'mqueue',
      source: 'mqueue',
      options: ['nosuid', 'noexec', 'nodev'],
    },
    {
      destination: '/sys',
      type: 'sysfs',
      source: 'sysfs',
      options: ['nosuid', 'noexec', 'nodev', 'ro'],
    },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
    },
  ];

  let namespaces = ['pid', 'network', 'ipc', 'uts', 'mount'];
  const linux: Record<string, unknown> = {};

  if (opts.rootless) {
    // ToRootless: map the caller to root, drop the network namespace, add a
    // user namespace, bind /sys instead of mounting sysfs, drop uid=/gid=
    // mount options, and drop linux.resources.
    const uid = opts.uid ?? process.geteuid?.() ?? 0;
    const gid = opts.gid ?? process.getegid?.() ?? 0;
    linux.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }];
    linux.gidMappings = [{ containerID: 0, hostID: gid, size: 1 }];
    namespaces = [...namespaces.filter((t) => t !== 'network' && t !== 'user'), 'user'];
    for (let i = 0; i < mounts.length; i++) {
      const m = mounts[i];
      if (m.destination === '/sys') {
        mounts[i] = {
          destination: '/sys',
          type: 'none',
          source: '/sys',
          options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'],
        };
      } else if (Array.isArray(m.options)) {
        m.options = (m.options as string[]).filter((o) => !o.startsWith('gid=') && !o.startsWith('uid='));
      }
    }
  } else {
    linux.resources = { devices: [{ allow: false, access: 'rwm' }] };
  }

  linux.namespaces = namespaces.map((type) => ({ type }));
  linux.maskedPaths = [
    '/proc/acpi',
    '/proc/asound',
    '/proc/kcore',
    '/proc/keys',
    '/proc/latency_stats',
    '/proc/timer_list',
    '/proc/timer_stats',
    '/proc/sched_debug',
    '/sys/firmware',
    '/proc/scsi',
  ];
  linux.readonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

  return {
    ociVersion: OCI_VERSION,
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: {
        bounding: [...CAPS],
        effective: [...CAPS],
        permitted: [...CAPS],
        ambient: [...CAPS],
      },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'runc',
    mounts,
    linux,
  };
}

/** The bytes runc writes: json.MarshalIndent(spec, "", "\t"), no final newline. */
export function formatSpec(spec: unknown): string {
  // Go escapes <, > and & in strings by default (HTML-safe encoding).
  return JSON.stringify(spec, null, '\t')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
