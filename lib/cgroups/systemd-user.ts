// Which systemd the systemd cgroup driver talks to, and how: the system
// instance on the system bus, or the user's own instance (systemd --user) on
// the session bus. Rootless podman runs its runtime as uid 0 inside a user
// namespace it made, with XDG_RUNTIME_DIR set and `--systemd-cgroup`: there
// runc asks the user's systemd for the container's scope, under
// user@<uid>.service, where the user's cgroups are delegated. These are the
// pure decisions (unit-tested without a bus); systemd.ts acts on them.

/** How to reach a bus: its socket and the uid SASL EXTERNAL claims. */
export interface BusAddress {
  kind: 'system' | 'user';
  path: string;
  /** the uid as the bus daemon sees us (outside our user namespace) */
  authUid: number;
}

/** The path of the first `unix:path=` entry of a D-Bus address list, unescaped; undefined when there is none. */
export function unixPathOf(address: string): string | undefined {
  for (const entry of address.split(';')) {
    const m = /^unix:(.*)$/.exec(entry.trim());
    if (!m) continue;
    for (const kv of m[1].split(',')) {
      const i = kv.indexOf('=');
      if (i > 0 && kv.slice(0, i) === 'path') return kv.slice(i + 1).replace(/%([0-9a-fA-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
  }
  return undefined;
}

/**
 * runc's DetectUserDbusSessionBusAddress: $DBUS_SESSION_BUS_ADDRESS, else
 * $XDG_RUNTIME_DIR/bus when it exists (rootless podman passes only
 * XDG_RUNTIME_DIR to its runtime). An error says what is missing.
 */
export function sessionBusPath(env: NodeJS.ProcessEnv, exists: (p: string) => boolean): { path: string } | { error: string } {
  const addr = env.DBUS_SESSION_BUS_ADDRESS;
  if (addr) {
    const p = unixPathOf(addr);
    if (p) return { path: p };
    return { error: `DBUS_SESSION_BUS_ADDRESS "${addr}" has no unix:path= entry (abstract sockets and tcp are not supported)` };
  }
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && exists(`${xdg.replace(/\/+$/, '')}/bus`)) return { path: `${xdg.replace(/\/+$/, '')}/bus` };
  return {
    error:
      'could not detect DBUS_SESSION_BUS_ADDRESS from the environment; make sure you have installed the dbus-user-session or dbus-daemon package; note you may need to re-login',
  };
}

/**
 * The uid `uid` is outside this user namespace, from /proc/self/uid_map
 * ("inside outside count" lines): what the bus daemon (in the parent
 * namespace, podman's case) sees on our socket, so what SASL EXTERNAL must
 * claim. runc learns the same number as busctl's OwnerUID (DetectUID).
 * undefined when uid is not mapped.
 */
export function outsideUid(uidMap: string, uid: number): number | undefined {
  for (const line of uidMap.split('\n')) {
    const f = line.trim().split(/\s+/).map(Number);
    if (f.length !== 3 || f.some((x) => !Number.isInteger(x) || x < 0)) continue;
    const [inside, outside, count] = f;
    if (uid >= inside && uid < inside + count) return outside + (uid - inside);
  }
  return undefined;
}

export interface BusFacts {
  euid: number;
  inUserNamespace: boolean;
  /** the uid our euid is outside the user namespace (uid_map) */
  hostUid: number | undefined;
  /** the session bus socket (sessionBusPath) */
  sessionBus: { path: string } | { error: string };
}

/**
 * runc's choice (shouldUseRootlessCgroupManager with --systemd-cgroup, then
 * newDbusConnManager): a caller that is not root, or uid 0 in a user
 * namespace whose session bus belongs to a user other than root (the bus
 * answers to our outside uid), is rootless and asks the user's systemd;
 * root in the initial namespace, or in a namespace without a session bus
 * (runc then takes the OwnerUID as 0), asks the system's. A rootless caller
 * without a session bus gets the reason as `error`.
 */
export function chooseBus(f: BusFacts, systemBus: string): BusAddress | { kind: 'user'; error: string } {
  const authUid = f.hostUid ?? f.euid;
  const session = 'path' in f.sessionBus ? f.sessionBus.path : undefined;
  const rootless = f.euid !== 0 || (f.inUserNamespace && session !== undefined && authUid !== 0);
  if (!rootless) return { kind: 'system', path: systemBus, authUid };
  if (session === undefined) return { kind: 'user', error: (f.sessionBus as { error: string }).error };
  return { kind: 'user', path: session, authUid };
}

/**
 * Where the user's systemd keeps its units: the Manager's ControlGroup
 * ("/user.slice/user-1000.slice/user@1000.service") joined with the slice
 * path, as runc's getSliceFull. The system instance's is the root.
 */
export function unitCgroupPath(managerCgroup: string, slicePath: string): string {
  const base = managerCgroup.replace(/\/+$/, '');
  return `${base}${slicePath.startsWith('/') ? '' : '/'}${slicePath}`;
}

/** The slice a scope goes in when cgroupsPath names none: runc's default, per instance. */
export function defaultSlice(kind: 'system' | 'user'): string {
  return kind === 'user' ? 'user.slice' : 'system.slice';
}
