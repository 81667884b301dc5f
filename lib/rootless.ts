// Rootless facts, asked in one place: am I root, am I inside a user namespace
// someone else made, where does my state go, and may I use cgroups. Shared by
// runts run by hand as a normal user and runts under rootless podman (which
// starts it as uid 0 inside podman's user namespace). The decisions are pure
// functions of the facts (unit-tested without root); `hostRootless()` reads
// the facts once per process.
import * as fs from './sys/fs';
import * as path from './sys/path';

export interface RootlessFacts {
  /** geteuid() */
  euid: number;
  /** /proc/self/uid_map is not the initial namespace's `0 0 4294967295` */
  inUserNamespace: boolean;
}

/**
 * runc's userns.RunningInUserNS: the initial user namespace maps the whole
 * 32-bit range onto itself; any other map (or an unreadable one) means a
 * namespace someone made.
 */
export function parseInUserNamespace(uidMap: string | undefined): boolean {
  if (uidMap === undefined) return false;
  const lines = uidMap.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length !== 1) return true;
  const [inside, outside, size] = lines[0].split(/\s+/);
  return !(inside === '0' && outside === '0' && size === '4294967295');
}

/** runc's shouldHonorXDGRuntimeDir (rootless_linux.go). */
export function honorsXdgRuntimeDir(env: NodeJS.ProcessEnv, f: RootlessFacts): boolean {
  if (!env.XDG_RUNTIME_DIR) return false;
  if (f.euid !== 0) return true;
  // the real root keeps /run/runts even with XDG_RUNTIME_DIR=/run/user/0
  if (!f.inUserNamespace) return false;
  // uid 0 in a user namespace (rootless podman): unless USER says root
  return env.USER === undefined || env.USER !== 'root';
}

export const SYSTEM_STATE_ROOT = '/run/runts';

/**
 * The default `--root`: `$XDG_RUNTIME_DIR/runts` for a rootless caller (runc:
 * `$XDG_RUNTIME_DIR/runc`), else /run/runts. `xdg` says the directory must
 * be made (0700 and sticky, as runc does, so the XDG clean-up leaves it).
 */
export function defaultStateRoot(env: NodeJS.ProcessEnv, f: RootlessFacts): { root: string; xdg: boolean } {
  if (honorsXdgRuntimeDir(env, f)) return { root: path.join(env.XDG_RUNTIME_DIR as string, 'runts'), xdg: true };
  return { root: SYSTEM_STATE_ROOT, xdg: false };
}

/**
 * runc's shouldUseRootlessCgroupManager: `--rootless true|false` decides;
 * `auto` (the default) means rootless for any euid but 0, and for uid 0 inside
 * a user namespace unless the systemd driver reaches a systemd owned by root.
 * `systemdOwnerUid` is the OwnerUID of the bus systemd answers on, when known.
 */
export function usesRootlessCgroups(
  flag: string | undefined,
  f: RootlessFacts,
  systemd?: { enabled: boolean; ownerUid?: number },
): boolean {
  const b = parseBoolOrAuto(flag);
  if (b !== undefined) return b;
  if (f.euid !== 0) return true;
  if (!f.inUserNamespace) return false;
  if (systemd?.enabled) return (systemd.ownerUid ?? 0) !== 0;
  return true;
}

/** runc's parseBoolOrAuto: undefined is auto; a bad word is refused with runc's words. */
export function parseBoolOrAuto(flag: string | undefined): boolean | undefined {
  if (flag === undefined || flag === '' || flag === 'auto') return undefined;
  // strconv.ParseBool
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(flag)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(flag)) return false;
  throw new Error(`strconv.ParseBool: parsing "${flag}": invalid syntax`);
}

/** A fact about one cgroup hierarchy for a would-be container cgroup. */
export interface CgroupAccess {
  /** hierarchy key ("memory", "unified") */
  key: string;
  /** the nearest existing directory at or above the container's cgroup */
  existing: string;
  writable: boolean;
}

/**
 * Whether this process may make (or use) the container's cgroup at
 * `<mountpoint>/<cgroupPath>` in each hierarchy: the nearest directory that
 * exists must be writable and searchable (mkdir below it, or write its
 * cgroup.procs when it is the container's own). `access` is injected for tests.
 */
export function cgroupAccess(
  hierarchies: readonly { key: string; mountpoint: string }[],
  cgroupPath: string,
  access: (p: string) => { exists: boolean; writable: boolean } = realAccess,
): CgroupAccess[] {
  return hierarchies.map((h) => {
    let dir = path.join(h.mountpoint, cgroupPath);
    for (;;) {
      const a = access(dir);
      if (a.exists || dir === h.mountpoint || dir === '/') return { key: h.key, existing: dir, writable: a.exists && a.writable };
      dir = path.dirname(dir);
    }
  });
}

/** Cgroups are delegated to us when every hierarchy is writable where we would work. */
export function cgroupsDelegated(access: readonly CgroupAccess[]): boolean {
  return access.length > 0 && access.every((a) => a.writable);
}

function realAccess(p: string): { exists: boolean; writable: boolean } {
  try {
    fs.accessSync(p, fs.constants.W_OK | fs.constants.X_OK);
    return { exists: true, writable: true };
  } catch (e) {
    return { exists: (e as NodeJS.ErrnoException).code !== 'ENOENT', writable: false };
  }
}

let cached: RootlessFacts | undefined;

/** This process's facts, read once. */
export function hostRootless(): RootlessFacts {
  if (cached) return cached;
  let uidMap: string | undefined;
  try {
    uidMap = fs.readFileSync('/proc/self/uid_map', 'utf8');
  } catch {
    uidMap = undefined;
  }
  cached = { euid: process.geteuid?.() ?? 0, inUserNamespace: parseInUserNamespace(uidMap) };
  return cached;
}

/**
 * Makes the XDG state root as runc does: MkdirAll 0700, then chmod 0700 plus
 * the sticky bit (XDG: files without it may be pruned by the session's clean-up).
 */
export function makeXdgStateRoot(root: string): void {
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  fs.chmodSync(root, 0o1700);
}

/**
 * The JSON pointer of the first limit `linux.resources` asks for, devices
 * left out (runc's rootless manager ignores device rules: only the kernel's
 * own checks apply to an unprivileged user), or undefined when it asks none.
 * An empty object (`memory: {}`) or a null asks nothing.
 */
export function firstLimitField(resources: unknown, base = '/linux/resources'): string | undefined {
  if (resources === null || resources === undefined) return undefined;
  if (typeof resources !== 'object') return base;
  const entries = Array.isArray(resources) ? resources.map((v, i) => [String(i), v] as const) : Object.entries(resources);
  for (const [k, v] of entries) {
    if (base === '/linux/resources' && k === 'devices') continue;
    const found = firstLimitField(v, `${base}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * The caller's own cgroup directory in each hierarchy, from /proc/self/cgroup
 * (`N:controllers:path`, `0::path` for v2): what a container that got no
 * cgroup of its own sees bound at /sys/fs/cgroup (runc's GetOwnCgroup).
 */
export function ownCgroupPaths(
  hierarchies: readonly { key: string; mountpoint: string; version: 1 | 2 }[],
  procSelfCgroup: string,
): Record<string, string> {
  const byControllers = new Map<string, string>();
  for (const line of procSelfCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    byControllers.set(m[2] === '' ? 'unified' : m[2].split(',').sort().join(','), m[3]);
  }
  const out: Record<string, string> = {};
  for (const h of hierarchies) {
    const rel = byControllers.get(h.version === 2 ? 'unified' : h.key.split(',').sort().join(','));
    if (rel !== undefined) out[h.key] = path.join(h.mountpoint, rel);
  }
  return out;
}
