// podman as root with its packaged defaults, on a systemd host with pure
// cgroup v2 (spec/v2 runs in ../shared/v2vm): the systemd cgroup manager
// (the container in machine.slice/libpod-<id>.scope, made by the runtime with
// --systemd-cgroup; conmon in libpod-conmon-<id>.scope), overlay storage,
// journald events, conmon, the default seccomp profile; the runtime given by
// its path (`--runtime /path/to/runts`), as a user would. Only podman's own
// database and storage are private (--root/--runroot/--tmpdir under one temp
// dir, runts-test-podman-*), so what the host's podman keeps is not touched and
// not relied on. Every command runs in a working directory of its own: conmon
// 2.1.6 writes its OOM marker (`oom`) there (podman 4.3 gives it no
// --persist-dir and looks for the marker in the bundle, so `OOMKilled` stays
// false with every runtime; conmon writes the marker only if it reads
// memory.events before the emptied scope is removed, so it is shown, not relied on).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CACHE_DIR } from '../../../lib/seccomp/cache';
import type { Result } from '../harness';
import { rootfsTar } from './image';
import { BINARY, type Runtime } from './columns';
import { PODMAN, removePrivateState } from './podman';

export { PODMAN };
export const IMAGE = 'localhost/runts-busybox:test';
/** where runc and runts keep state when not given --root (podman gives none as root) */
export const DEFAULT_ROOT: Record<Runtime, string> = { runc: '/run/runc', runts: '/run/runts' };

export class SystemdPodman {
  readonly dir: string;
  readonly global: string[];
  private readonly rootsExisted = Object.fromEntries(Object.entries(DEFAULT_ROOT).map(([rt, d]) => [rt, fs.existsSync(d)]));
  private readonly seccompCacheExisted = fs.existsSync(path.join(DEFAULT_ROOT.runts, CACHE_DIR));
  private cwds = 0;

  constructor(private readonly timeout: number) {
    if (!PODMAN) throw new Error('podman is not installed');
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-podman-'));
    this.global = ['--root', path.join(this.dir, 'root'), '--runroot', path.join(this.dir, 'runroot'), '--tmpdir', path.join(this.dir, 'tmp')];
  }

  /** a fresh working directory (conmon's OOM marker lands in it) */
  newCwd(): string {
    const d = path.join(this.dir, `cwd${++this.cwds}`);
    fs.mkdirSync(d);
    return d;
  }

  /** podman with the private database; `rt` adds --runtime <its path> */
  podman(args: string[], opts: { rt?: Runtime; cwd?: string } = {}): Result {
    const argv = [...this.global, ...(opts.rt ? ['--runtime', BINARY[opts.rt]] : []), ...args];
    const r = spawnSync(PODMAN!, argv, { encoding: 'utf8', cwd: opts.cwd ?? this.dir, input: '', timeout: this.timeout });
    return { code: r.status ?? (r.signal ? 128 + os.constants.signals[r.signal] : -1), stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
  }

  /** the busybox image, imported from a rootfs tar (the guest has no network) */
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
    removePrivateState(this.dir, '/' + path.basename(this.dir));
    if (!this.seccompCacheExisted) fs.rmSync(path.join(DEFAULT_ROOT.runts, CACHE_DIR), { recursive: true, force: true });
    for (const [rt, d] of Object.entries(DEFAULT_ROOT)) {
      if (this.rootsExisted[rt]) continue;
      try {
        fs.rmdirSync(d);
      } catch {
        // not empty: something else keeps state there
      }
    }
  }
}
