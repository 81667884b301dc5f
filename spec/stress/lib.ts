// What every stress scenario shares: a private area (state root, bundles,
// cgroup parent, all named runts-test-stress-*), an async runner for
// bin/runts (many at once), and a census of what a scenario may leave
// behind, taken before its own clean-up so that a leak is counted, not hidden.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUNC, RUNTS, ROOTFS, SAMPLE_CONFIG, type Json } from '../lib/harness';

export interface Result {
  code: number;
  /** the signal that ended the runtime, when one did */
  signal?: string;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** what the runtime reads on stdin (default: nothing) */
  input?: string;
  /** SIGKILL the runtime after this long: a hung call is a failure, never a hung suite */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** called with the runtime's pid once it runs */
  onSpawn?(pid: number): void;
  /** another runtime (runc) for a side-by-side check; it gets a state root of its own */
  runtime?: string;
}

/** A scenario reports how often it ran and what went wrong; the runner adds leftovers and time. */
export interface Outcome {
  runs: number;
  failures: string[];
  /** figures worth printing under the table (soak deltas, fuzz verdicts) */
  notes: string[];
}

export interface Scenario {
  name: string;
  run(a: Area, counts: Counts): Promise<Outcome>;
}

/** How much of each scenario to do: CI's bounded figures, or the environment's. */
export interface Counts {
  parallel: number;
  sameId: number;
  execs: number;
  races: number;
  soak: number;
  fuzz: number;
  fuzzSeed: number;
  signals: number;
  crash: number;
}

function knob(name: string, ci: number, full: number): number {
  const v = process.env[name];
  if (v !== undefined && /^\d+$/.test(v)) return Number(v);
  return process.env.STRESS_FULL === '1' ? full : ci;
}

export function countsFromEnv(): Counts {
  return {
    parallel: knob('STRESS_PARALLEL', 20, 100),
    sameId: knob('STRESS_SAME_ID', 50, 50),
    execs: knob('STRESS_EXECS', 50, 50),
    races: knob('STRESS_RACES', 5, 20),
    soak: knob('STRESS_SOAK', 100, 1000),
    fuzz: knob('FUZZ_RUNS', 10000, 10000),
    fuzzSeed: knob('FUZZ_SEED', 18, 18),
    signals: knob('STRESS_SIGNALS', 1, 3),
    crash: knob('STRESS_CRASH', 1, 3),
  };
}

/** Runs `jobs` with at most `width` at a time; results in order. */
export async function pool<T>(width: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return out;
}

let seq = 0;

/** One scenario's private area. */
export class Area {
  readonly dir: string;
  readonly root: string;
  readonly cgroupParent: string;
  /** every id a create or run was asked for: clean-up deletes them */
  readonly ids = new Set<string>();
  /** the same for runc's side-by-side runs */
  readonly runcIds = new Set<string>();

  constructor(name: string, rootDir?: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `runts-test-stress-${name}-`));
    this.root = rootDir ?? path.join(this.dir, 'state');
    this.cgroupParent = '/' + path.basename(this.dir);
  }

  /**
   * Runs bin/runts with this area's --root. Output goes through files, not
   * pipes: a container inherits the runtime's stdio and would hold a pipe
   * open long after the runtime has exited.
   */
  runts(args: string[], o: RunOptions = {}): Promise<Result> {
    const cmd = args.find((a) => !a.startsWith('-'));
    if (cmd === 'create' || cmd === 'run') (o.runtime ? this.runcIds : this.ids).add(args[args.length - 1]);
    const n = seq++;
    const outFile = path.join(this.dir, `.out.${n}`);
    const errFile = path.join(this.dir, `.err.${n}`);
    const out = fs.openSync(outFile, 'w');
    const err = fs.openSync(errFile, 'w');
    let input: number | 'ignore' = 'ignore';
    let inFile: string | undefined;
    if (o.input !== undefined) {
      inFile = path.join(this.dir, `.in.${n}`);
      fs.writeFileSync(inFile, o.input);
      input = fs.openSync(inFile, 'r');
    }
    return new Promise<Result>((resolve) => {
      const root = o.runtime ? `${this.root}.runc` : this.root;
      const child = spawn(o.runtime ?? RUNTS, ['--root', root, ...args], { stdio: [input, out, err], env: o.env ?? process.env });
      fs.closeSync(out);
      fs.closeSync(err);
      if (typeof input === 'number') fs.closeSync(input);
      if (child.pid !== undefined) o.onSpawn?.(child.pid);
      const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60000);
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        clearTimeout(timer);
        const r: Result = {
          code: code ?? 128 + (signal ? os.constants.signals[signal] : 0),
          signal: signal ?? undefined,
          stdout: fs.readFileSync(outFile, 'utf8'),
          stderr: fs.readFileSync(errFile, 'utf8'),
        };
        for (const f of [outFile, errFile, inFile]) if (f) fs.rmSync(f, { force: true });
        resolve(r);
      };
      child.on('exit', done);
      child.on('error', (e) => {
        clearTimeout(timer);
        resolve({ code: 127, stdout: '', stderr: e.message });
      });
    });
  }

  /** The sample busybox config, its cgroup under this area's parent, edited; the rootfs shared read-only. */
  bundle(edit: (c: Json) => void = () => {}, name = `b${seq++}`): string {
    const b = path.join(this.dir, name);
    fs.mkdirSync(b, { recursive: true });
    const config = JSON.parse(fs.readFileSync(SAMPLE_CONFIG, 'utf8')) as Json;
    config.root.path = ROOTFS;
    config.linux.cgroupsPath = `${this.cgroupParent}/${name}`;
    config.process.args = ['sleep', '1000'];
    edit(config);
    fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(config));
    return b;
  }

  async state(id: string): Promise<Json | undefined> {
    const r = await this.runts(['state', id]);
    if (r.code !== 0) return undefined;
    try {
      return JSON.parse(r.stdout) as Json;
    } catch {
      return undefined;
    }
  }

  /** What this area left on the host right now. */
  leftovers(): Leftovers {
    return census(this);
  }

  /** Removes everything, whatever the scenario left (its leftovers were counted before). */
  async cleanup(): Promise<void> {
    await pool(
      4,
      [...this.ids].map((id) => () => this.runts(['delete', '--force', id], { timeoutMs: 30000 })),
    );
    for (const id of this.runcIds) await this.runts(['delete', '--force', id], { runtime: RUNC, timeoutMs: 30000 });
    for (const pid of this.leftovers().processes) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    for (const m of mountsUnder(this.dir).reverse()) umount(m);
    for (const d of cgroupDirsUnder(this.cgroupParent).sort((a, b) => b.length - a.length)) {
      try {
        fs.rmdirSync(d);
      } catch {
        // still populated: counted as a leftover already
      }
    }
    for (const h of hierarchies()) {
      try {
        fs.rmdirSync(path.join(h, this.cgroupParent));
      } catch {
        // not made in this hierarchy
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Leftovers {
  mounts: string[];
  cgroups: string[];
  stateDirs: string[];
  processes: number[];
}

export function leftoverCount(l: Leftovers): number {
  return l.mounts.length + l.cgroups.length + l.stateDirs.length + l.processes.length;
}

function hierarchies(): string[] {
  return fs
    .readdirSync('/sys/fs/cgroup', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join('/sys/fs/cgroup', d.name));
}

/** cgroup directories below the area's parent in every hierarchy (the parent itself is the harness's) */
export function cgroupDirsUnder(parent: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = path.join(d, e.name);
      out.push(p);
      walk(p);
    }
  };
  for (const h of hierarchies()) walk(path.join(h, parent));
  return out;
}

/** mount points in the host's mount namespace under dir */
export function mountsUnder(dir: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && (m === dir || m.startsWith(dir + '/')));
}

export function umount(p: string): void {
  spawn('umount', ['-l', p], { stdio: 'ignore' });
}

/** live (non-zombie) processes in one of the area's cgroups, or running from its directory */
function processesOf(a: Area): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cg = fs.readFileSync(`/proc/${name}/cgroup`, 'utf8');
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!cg.includes(a.cgroupParent + '/') && !cmd.includes(a.dir)) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (/\) [ZX] /.test(stat)) continue;
      out.push(Number(name));
    } catch {
      // gone while we looked
    }
  }
  return out;
}

function stateDirsOf(root: string): string[] {
  const list = (r: string): string[] => {
    try {
      // the seccomp filter cache is the runtime's, not a container's
      return fs.readdirSync(r).filter((n) => n !== 'seccomp@cache');
    } catch {
      return [];
    }
  };
  return [...list(root), ...list(`${root}.runc`).map((n) => `runc:${n}`)];
}

/** a config without cgroupsPath puts the container at /<id> */
function idCgroups(a: Area): string[] {
  const out: string[] = [];
  for (const h of hierarchies()) for (const id of [...a.ids, ...a.runcIds]) if (fs.existsSync(path.join(h, id))) out.push(path.join(h, id));
  return out;
}

function census(a: Area): Leftovers {
  return {
    mounts: mountsUnder(a.dir),
    cgroups: [...cgroupDirsUnder(a.cgroupParent), ...idCgroups(a)],
    stateDirs: stateDirsOf(a.root),
    processes: processesOf(a),
  };
}

/** This process's open file descriptors: the watcher's own leak check. */
export function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/** waits until check() holds, polling; for processes to go, never as a timed assertion */
export async function until(check: () => boolean | Promise<boolean>, ms = 10000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

/** error text a user must never see from runts: a JS stack or a JS error class */
export const JS_ERROR_TEXT =
  /\bat [\w.<>]+ \(|\bat .*\.js:\d+|node:internal|(TypeError|RangeError|ReferenceError|SyntaxError|AssertionError|Error \[ERR_)|Cannot read properties|is not a function|is not iterable|undefined is not|Maximum call stack/;

/** the message of a logrus error line, or the bare text */
export function message(stderr: string): string {
  const m = /msg=("(?:[^"\\]|\\.)*")/.exec(stderr);
  return m ? (JSON.parse(m[1]) as string) : stderr.trim();
}
