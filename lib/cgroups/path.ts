// linux.cgroupsPath to a path inside each hierarchy.
import * as fs from '../sys/fs';
import * as path from '../sys/path';
import { RuntsError } from '../errors';

/**
 * Absolute paths are taken as they are; relative ones are under the
 * runtime's own cgroup (as runc does on cgroupfs); empty means "/<id>", runc's
 * default. With --systemd-cgroup, "slice:prefix:name" is where systemd puts
 * the unit (lib/cgroups/systemd.ts asks it to; without systemd the same path
 * is made on cgroupfs).
 */
export function resolveCgroupPath(cgroupsPath: string | undefined, id: string, systemd: boolean, defaultSlice = 'system.slice'): string {
  const p = cgroupsPath ?? '';
  if (systemd) {
    const u = parseSystemdPath(p, id, defaultSlice);
    // a slice is where systemd nests it by its name; a scope is in its slice
    if (u.unit.endsWith('.slice')) return path.posix.join('/', expandSlice(u.unit, 'linux.cgroupsPath'));
    return path.posix.join('/', expandSlice(u.slice, 'linux.cgroupsPath'), u.unit);
  }
  if (p === '') return `/${id}`;
  if (path.posix.isAbsolute(p)) return path.posix.normalize(p);
  return path.posix.join('/', ownCgroup('memory') ?? '/', p);
}

/**
 * runc's cgroup v2 default for a container without cgroupsPath: `<id>` in
 * the parent of the runtime's own cgroup (fs2 defaultDirPath: the runtime's
 * own cgroup holds processes, so no controllers could be enabled below it).
 * runts uses it rootless, where that parent is the user's delegated slice
 * (rootless podman with --cgroup-manager cgroupfs passes no cgroupsPath);
 * root keeps `/<id>`. undefined without a v2 line in /proc/self/cgroup.
 */
export function besideOwnCgroup(id: string, procSelfCgroup: string): string | undefined {
  const m = /^0::(\/.*)$/m.exec(procSelfCgroup);
  return m ? path.posix.join(path.posix.dirname(m[1]), id) : undefined;
}

/**
 * "slice:prefix:name" (or "" for the default) to the unit name and its
 * slice; no slice named: defaultSlice (runc: user.slice for the user's systemd)
 */
export function parseSystemdPath(cgroupsPath: string | undefined, id: string, defaultSlice = 'system.slice'): { unit: string; slice: string } {
  const p = cgroupsPath ?? '';
  if (p === '') return { unit: `runts-${id}.scope`, slice: defaultSlice };
  const parts = p.split(':');
  if (parts.length !== 3)
    throw new RuntsError(`linux.cgroupsPath: expected "slice:prefix:name" with --systemd-cgroup, got "${p}"`);
  const [slice, prefix, name] = parts;
  if (name === '' || name.includes('/')) throw new RuntsError(`linux.cgroupsPath: invalid unit name "${name}" in "${p}"`);
  const unit = name.endsWith('.slice') ? name : `${prefix ? prefix + '-' : ''}${name}.scope`;
  const parent = slice || defaultSlice;
  expandSlice(parent, 'linux.cgroupsPath');
  return { unit, slice: parent };
}

/** "a-b-c.slice" -> "a.slice/a-b.slice/a-b-c.slice", as systemd nests them; "-.slice" is the root */
export function expandSlice(slice: string, field: string): string {
  const bad = (): never => {
    throw new RuntsError(`${field}: invalid slice name: ${slice}`);
  };
  if (!slice.endsWith('.slice') || slice.length <= '.slice'.length || slice.includes('/')) bad();
  const stem = slice.slice(0, -'.slice'.length);
  if (stem === '-') return '';
  const parts = stem.split('-');
  // "a--b.slice" and "-a.slice" are not slice names systemd takes
  if (parts.some((x) => x === '')) bad();
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(parts.slice(0, i).join('-') + '.slice');
  return out.join('/');
}

/** The runtime's own cgroup in the hierarchy that has `controller`. */
function ownCgroup(controller: string): string | undefined {
  const text = fs.readFileSync('/proc/self/cgroup', 'utf8');
  for (const line of text.split('\n')) {
    const [, ctrls, p] = line.split(':');
    if (ctrls !== undefined && ctrls.split(',').includes(controller)) return p;
  }
  return undefined;
}
