// linux.cgroupsPath to a path inside each hierarchy.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuntsError } from '../errors';

/**
 * Absolute paths are taken as they are; relative ones are under the
 * runtime's own cgroup (as runc does on cgroupfs); empty means "/<id>", runc's
 * default. With --systemd-cgroup, "slice:prefix:name" maps onto cgroupfs the
 * way systemd would lay it out, since no systemd runs here to ask.
 */
export function resolveCgroupPath(cgroupsPath: string | undefined, id: string, systemd: boolean): string {
  const p = cgroupsPath ?? '';
  if (systemd) {
    if (p === '') return `/system.slice/runts-${id}.scope`;
    const parts = p.split(':');
    if (parts.length !== 3)
      throw new RuntsError(`linux.cgroupsPath: expected "slice:prefix:name" with --systemd-cgroup, got "${p}"`);
    const [slice, prefix, name] = parts;
    const unit = name.endsWith('.slice') ? name : `${prefix ? prefix + '-' : ''}${name}.scope`;
    return path.posix.join('/', expandSlice(slice || 'system.slice'), unit);
  }
  if (p === '') return `/${id}`;
  if (path.posix.isAbsolute(p)) return path.posix.normalize(p);
  return path.posix.join('/', ownCgroup('memory') ?? '/', p);
}

/** "a-b-c.slice" -> "a.slice/a-b.slice/a-b-c.slice", as systemd nests them */
function expandSlice(slice: string): string {
  if (!slice.endsWith('.slice') || slice === '-.slice') return slice === '-.slice' ? '' : slice;
  const stem = slice.slice(0, -'.slice'.length);
  const parts = stem.split('-');
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
