// The CLI's validation and plan, driven in this process so that 10,000 cases
// take seconds rather than a node start each: the same calls `create` and
// `exec` make, in their order, up to the point where they would touch the
// host (cgroup directories, the addon). A sample of the refusals also goes
// through bin/runts, and must print the same words: that keeps this mirror
// honest. The cases that pass here go through bin/runts for real.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lastCap, ownBoundingSet } from '../../../lib/capabilities';
import { cgroupJoin } from '../../../lib/cgroups/join';
import { hostLayout, type Layout } from '../../../lib/cgroups/layout';
import { hostFacts } from '../../../lib/cgroups/manager';
import { resolveCgroupPath } from '../../../lib/cgroups/path';
import { resourceWrites } from '../../../lib/cgroups/resources';
import { words } from '../../../lib/cli/words';
import { parseConfig, parseProcess } from '../../../lib/config/load';
import type { Process, Spec } from '../../../lib/config/types';
import { ConfigRefusal, ConsoleRefusal, RuntsError } from '../../../lib/errors';
import { hostFeatures } from '../../../lib/host';
import { buildPlan } from '../../../lib/plan/build';
import { buildExecPlan } from '../../../lib/plan/exec';

export type Verdict =
  | { kind: 'valid' }
  /** a refusal the user sees: the words, and what they name (a JSON pointer, or line:column of a syntax error) */
  | { kind: 'refused'; words: string; names?: string }
  /** anything else thrown: a bug (a JS error would reach the user as its text) */
  | { kind: 'crash'; text: string };

/**
 * What a refusal names: "FILE: /ptr: ..." or "/ptr: ..." gives the pointer;
 * "FILE:L:C: invalid JSON: ..." the place of a syntax error, where a
 * document that does not parse has no pointer to give.
 */
export function named(words: string, file: string): string | undefined {
  const rest = words.startsWith(file) ? words.slice(file.length) : ': ' + words;
  const syntax = /^:(\d+:\d+): invalid JSON: /.exec(rest);
  if (syntax) return `line:column ${syntax[1]}`;
  // a pointer may hold spaces and colons (keys are any string): up to ": "
  const ptr = /^: (\/.*?): /.exec(rest);
  return ptr ? ptr[1] : undefined;
}

function verdictOf(e: unknown, file: string): Verdict {
  if (e instanceof ConsoleRefusal) return { kind: 'refused', words: words(e), names: 'runc console rule' };
  if (e instanceof RuntsError) return { kind: 'refused', words: words(e), names: named(words(e), file) };
  const err = e as Error;
  return { kind: 'crash', text: `${err?.constructor?.name ?? typeof e}: ${err?.message ?? String(e)}\n${err?.stack ?? ''}` };
}

let layout: Layout | undefined;
const facts = (): { layout: Layout; paths: Record<string, string> } => {
  layout ??= hostLayout();
  // the hierarchies' roots: hasFile answers for the files every cgroup has
  const paths: Record<string, string> = {};
  for (const h of layout.hierarchies) paths[h.key] = h.mountpoint;
  return { layout, paths };
};

const isDirectory = (p: string): boolean => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** `runts create --bundle bundle id` up to the first host change (lib/container/lifecycle.ts create). */
export function checkConfig(text: string, bundle: string, id: string): Verdict {
  const file = path.join(bundle, 'config.json');
  try {
    const spec: Spec = parseConfig(text, file);
    const rootfs = path.resolve(bundle, spec.root.path);
    if (!isDirectory(rootfs)) throw new ConfigRefusal(`/root/path: rootfs ${rootfs} does not exist or is not a directory`);
    if (spec.process?.terminal === true) throw new ConsoleRefusal('tty-needs-socket');
    const cgroupPath = resolveCgroupPath(spec.linux?.cgroupsPath, id, false);
    const { layout, paths } = facts();
    const placed: Record<string, string> = {};
    for (const [k, d] of Object.entries(paths)) placed[k] = path.join(d, cgroupPath);
    const resources = spec.linux?.resources ?? {};
    resourceWrites({ ...resources, devices: resources.devices ?? [] }, hostFacts(layout, paths), {}, spec.linux?.devices);
    buildPlan({
      spec,
      bundle,
      noPivot: false,
      fifoPath: path.join(bundle, 'exec.fifo'),
      consoleSocket: '',
      preserveFds: 0,
      cgroupJoin: cgroupJoin(placed),
      cgroupPaths: placed,
      lastCap: lastCap(),
      hierarchies: layout.hierarchies,
      isDirectory,
      passwd: readText(path.join(rootfs, 'etc/passwd')),
      hostBounding: ownBoundingSet(),
      host: hostFeatures(),
      warn: () => {},
      containerId: id,
    });
    return { kind: 'valid' };
  } catch (e) {
    return verdictOf(e, file);
  }
}

/** What exec needs of the running container: its record as create wrote it. */
export interface Running {
  id: string;
  pid: number;
  rootfs: string;
  bundle: string;
  config: Spec;
  cgroupPaths: Record<string, string>;
  namespacePaths: Record<string, string>;
  noNewKeyring?: boolean;
}

/** `runts exec --process file id` (foreground) up to the addon (lib/container/exec.ts). */
export function checkProcess(text: string, c: Running): Verdict {
  try {
    const proc: Process = parseProcess(text, 'process.json');
    buildExecPlan({
      spec: c.config,
      process: proc,
      initPid: c.pid,
      rootfs: c.rootfs,
      namespacePaths: c.namespacePaths,
      noNewKeyring: c.noNewKeyring === true,
      cgroupJoin: cgroupJoin(c.cgroupPaths),
      consoleSocket: '',
      preserveFds: 0,
      bundle: c.bundle,
      lastCap: lastCap(),
      hostBounding: ownBoundingSet(),
      host: hostFeatures(),
      passwd: readText(path.join(c.rootfs, 'etc/passwd')),
      containerId: c.id,
      warn: () => {},
    });
    return { kind: 'valid' };
  } catch (e) {
    return verdictOf(e, 'process.json');
  }
}

function readText(f: string): string | undefined {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return undefined;
  }
}
