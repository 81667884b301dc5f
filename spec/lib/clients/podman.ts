// A private podman: its own --root/--runroot/--tmpdir under one temp dir
// (runts-test-podman-*), the vfs storage driver (no overlay mounts), the
// cgroupfs manager with a runts-test-* cgroup parent, file events, no network,
// and a private containers.conf (CONTAINERS_CONF) that clamps nofile/nproc to
// this host's hard limits (root here lacks CAP_SYS_RESOURCE, so podman's
// default of 1048576 would fail) and lists runts among the runtimes that take
// --log-format json.
import { CACHE_DIR } from '../../../lib/seccomp/cache';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Result } from '../harness';
import { rootfsTar } from './image';
import { wrappers, type Runtime } from './columns';

export const PODMAN = ['/usr/bin/podman', '/usr/local/bin/podman'].find((p) => fs.existsSync(p));
export const IMAGE = 'localhost/runts-busybox:test';

/** the state root runts uses when no --root is given (podman gives none) */
const RUNTS_DEFAULT_ROOT = '/run/runts';

/** this process's hard limit (root without CAP_SYS_RESOURCE cannot raise it) */
function hardLimit(resource: 'nofile' | 'nproc'): number {
  const label = resource === 'nofile' ? 'Max open files' : 'Max processes';
  const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(label));
  const hard = line?.slice(label.length).trim().split(/\s+/)[1];
  return !hard || hard === 'unlimited' ? 1048576 : Number(hard);
}

export class Podman {
  readonly dir: string;
  readonly cgroupParent: string;
  readonly env: NodeJS.ProcessEnv;
  readonly global: string[];

  /** podman calls the runtimes with their default --root: what runts keeps there must go too */
  private readonly defaultRootExisted = fs.existsSync(RUNTS_DEFAULT_ROOT);
  private readonly seccompCacheExisted = fs.existsSync(path.join(RUNTS_DEFAULT_ROOT, CACHE_DIR));

  constructor() {
    if (!PODMAN) throw new Error('podman is not installed (scripts/install-deps.sh)');
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-podman-'));
    this.cgroupParent = '/' + path.basename(this.dir);
    const w = wrappers(this.dir);
    const nofile = Math.min(hardLimit('nofile'), 1048576);
    // podman lowers its own nproc limit to kernel.pid_max (32768 here) before it starts conmon
    const pidMax = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    const nproc = Math.min(hardLimit('nproc'), pidMax, 1048576);
    const conf = path.join(this.dir, 'containers.conf');
    fs.writeFileSync(
      conf,
      `[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]
log_driver = "k8s-file"
netns = "none"
seccomp_profile = "/usr/share/containers/seccomp.json"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${path.join(this.dir, 'events.log')}"
runtime_supports_json = ["crun", "runc", "runts"]
runtime = "runts"

[engine.runtimes]
runts = ["${w.runts}"]
runc = ["${w.runc}"]
`,
    );
    const storage = path.join(this.dir, 'storage.conf');
    fs.writeFileSync(
      storage,
      `[storage]\ndriver = "vfs"\nrunroot = "${path.join(this.dir, 'runroot')}"\ngraphroot = "${path.join(this.dir, 'root')}"\n`,
    );
    this.env = { ...process.env, CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storage, XDG_RUNTIME_DIR: path.join(this.dir, 'xdg') };
    fs.mkdirSync(path.join(this.dir, 'xdg'), { mode: 0o700 });
    this.global = [
      '--root', path.join(this.dir, 'root'),
      '--runroot', path.join(this.dir, 'runroot'),
      '--tmpdir', path.join(this.dir, 'tmp'),
      '--storage-driver', 'vfs',
      '--cgroup-manager', 'cgroupfs',
      '--events-backend', 'file',
    ];
  }

  /** podman with the private global flags; `rt` adds --runtime */
  podman(args: string[], opts: { rt?: Runtime; input?: string; timeout?: number } = {}): Result {
    const argv = [...this.global, ...(opts.rt ? ['--runtime', opts.rt] : []), ...args];
    // cwd: conmon 2.1.6 on cgroup v1 writes its "oom" marker into its working directory
    const r = spawnSync(PODMAN!, argv, { encoding: 'utf8', env: this.env, cwd: this.dir, input: opts.input ?? '', timeout: opts.timeout ?? 60000 });
    return { code: r.status ?? (r.signal ? 128 + os.constants.signals[r.signal] : -1), stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
  }

  /** `podman run` (or create) with the cgroup parent every container of this test gets */
  run(rt: Runtime, args: string[], opts: { input?: string; timeout?: number; create?: boolean } = {}): Result {
    return this.podman([opts.create ? 'create' : 'run', '--cgroup-parent', this.cgroupParent, ...args], { rt, ...opts });
  }

  /** the busybox image, imported from a rootfs tar */
  importImage(): void {
    const tar = rootfsTar(path.join(this.dir, 'busybox.tar'));
    const r = this.podman(['import', '--change', 'CMD=["sh"]', tar, IMAGE]);
    if (r.code !== 0) throw new Error(`podman import: ${r.stderr}`);
    fs.rmSync(tar);
  }

  private cleaned = false;

  cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    this.podman(['rm', '--all', '--force', '--time', '0']);
    this.podman(['rmi', '--all', '--force']);
    // podman mounts nothing with vfs but its shm tmpfs per container (unmounted by
    // rm); files in vfs layers may be read-only, root removes them anyway
    removePrivateState(this.dir, this.cgroupParent);
    // the seccomp filters runts kept under its default root for these containers
    if (!this.seccompCacheExisted) fs.rmSync(path.join(RUNTS_DEFAULT_ROOT, CACHE_DIR), { recursive: true, force: true });
    if (!this.defaultRootExisted) {
      try {
        fs.rmdirSync(RUNTS_DEFAULT_ROOT);
      } catch {
        // not empty: something else keeps state there
      }
    }
  }
}

/**
 * What a private client left: mounts under its directory (deepest first), its
 * cgroup tree in every hierarchy, the directory itself.
 */
export function removePrivateState(dir: string, cgroupParent: string): void {
  const left = fs
    .readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((m) => m && m.startsWith(dir))
    .sort()
    .reverse();
  for (const m of left) spawnSync('umount', ['-l', m]);
  removeCgroupTree(cgroupParent);
  fs.rmSync(dir, { recursive: true, force: true });
}

export function removeCgroupTree(rel: string): void {
  // '' is the unified hierarchy of a pure v2 host (/sys/fs/cgroup itself)
  for (const h of ['', ...fs.readdirSync('/sys/fs/cgroup')]) {
    const top = path.join('/sys/fs/cgroup', h, rel);
    const walk = (d: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
      try {
        fs.rmdirSync(d);
      } catch {
        // busy (a process left behind) or never made
      }
    };
    walk(top);
  }
}
