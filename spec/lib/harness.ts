// Shared by the integration tests: a private --root, a private cgroup parent
// and a bundle per test, all named runts-test-* so CI can check that none is
// left behind, and a runner for the runtime under test (or runc, for differential tests).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const TOP = path.resolve(__dirname, '..', '..');
/**
 * The runtime under test: bin/runts (the compiled executable) unless
 * RUNTS_BIN names another, as CI's node pass does with bin/runts-node.
 */
export const RUNTS = process.env.RUNTS_BIN ? path.resolve(TOP, process.env.RUNTS_BIN) : path.join(TOP, 'bin', 'runts');
export const ROOTFS = path.join(TOP, 'bundles', 'busybox', 'rootfs');
export const SAMPLE_CONFIG = path.join(TOP, 'bundles', 'busybox', 'config.json');
export const RUNC = fs.existsSync('/usr/sbin/runc') ? '/usr/sbin/runc' : undefined;

export type Json = Record<string, any>;

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

/** A scratch area for one test: --root, bundle dirs and a cgroup parent. */
export class Sandbox {
  readonly dir: string;
  readonly root: string;
  readonly cgroupParent: string;
  private ids = new Set<string>();

  constructor(t: Teardown, readonly runtime = RUNTS) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-'));
    this.root = path.join(this.dir, 'state');
    this.cgroupParent = '/' + path.basename(this.dir);
    t.teardown(() => this.cleanup());
  }

  /**
   * Runs the runtime. `detached`: the container keeps the stdio it inherits
   * (as with runc), so output goes to files, not pipes we would wait on.
   */
  run(args: string[], opts: { input?: string; timeout?: number; global?: string[]; detached?: boolean } = {}): Result {
    const argv = ['--root', this.root, ...(opts.global ?? []), ...args];
    let r: SpawnSyncReturns<string>;
    if (opts.detached) {
      const out = path.join(this.dir, 'detached.out');
      const err = path.join(this.dir, 'detached.err');
      const fds = [fs.openSync(out, 'w'), fs.openSync(err, 'w')];
      r = spawnSync(this.runtime, argv, { encoding: 'utf8', stdio: ['ignore', fds[0], fds[1]], timeout: opts.timeout ?? 30000 });
      fds.forEach((fd) => fs.closeSync(fd));
      r.stdout = fs.readFileSync(out, 'utf8');
      r.stderr = fs.readFileSync(err, 'utf8');
    } else {
      r = spawnSync(this.runtime, argv, { encoding: 'utf8', input: opts.input ?? '', timeout: opts.timeout ?? 30000 });
    }
    const cmd = args.find((a) => !a.startsWith('-'));
    const idIndex = cmd ? args.indexOf(cmd) + 1 : -1;
    if ((cmd === 'create' || cmd === 'run') && idIndex > 0) this.ids.add(args[args.length - 1]);
    return { code: r.status ?? 128 + (r.signal ? os.constants.signals[r.signal] : 0), stdout: r.stdout, stderr: r.stderr };
  }

  /** a bundle whose config is the sample's with `edit` applied; rootfs shared read-only unless copied */
  bundle(edit: (c: Json) => void = () => {}, opts: { copyRootfs?: boolean; name?: string } = {}): string {
    const b = path.join(this.dir, opts.name ?? `bundle-${this.ids.size}-${Math.random().toString(36).slice(2, 8)}`);
    fs.mkdirSync(b, { recursive: true });
    const config = JSON.parse(fs.readFileSync(SAMPLE_CONFIG, 'utf8')) as Json;
    if (opts.copyRootfs) {
      // a rootfs that is itself a symlink (a worktree's) must be copied, not linked
      const cp = spawnSync('cp', ['-a', fs.realpathSync(ROOTFS) + '/.', path.join(b, 'rootfs')], { encoding: 'utf8' });
      // tests change their copy: never let them reach the shared rootfs
      if (cp.status !== 0 || fs.realpathSync(path.join(b, 'rootfs')) === fs.realpathSync(ROOTFS))
        throw new Error(`copying the rootfs failed: ${cp.stderr}`);
      config.root.path = 'rootfs';
    } else {
      config.root.path = ROOTFS;
    }
    config.linux.cgroupsPath = `${this.cgroupParent}/${path.basename(b)}`;
    edit(config);
    fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(config, null, 2));
    return b;
  }

  cleanup(): void {
    for (const id of this.ids) this.run(['delete', '--force', id]);
    // the cgroup parent this sandbox made in each hierarchy
    for (const h of fs.readdirSync('/sys/fs/cgroup')) {
      const p = path.join('/sys/fs/cgroup', h, this.cgroupParent);
      try {
        fs.rmdirSync(p);
      } catch {
        // not made in this hierarchy
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function readState(s: Sandbox, id: string): Json {
  const r = s.run(['state', id]);
  if (r.code !== 0) throw new Error(`state ${id}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Json;
}

/** waits until `check` is true or the time runs out; for process exits, not timing */
export async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

export function mountsMention(text: string): string[] {
  return fs
    .readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes(text));
}

export function alive(pid: number): boolean {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(st);
  } catch {
    return false;
  }
}

/** the message of runc-style error output: logrus `msg="..."` unquoted, or the bare line */
export function errorMessage(stderr: string): string {
  const m = /msg=("(?:[^"\\]|\\.)*")/.exec(stderr);
  return m ? (JSON.parse(m[1]) as string) : stderr.trim();
}
