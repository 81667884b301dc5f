// A private containerd: its own config.toml, root, state and sockets under one
// temp dir (runts-test-containerd-*), the CRI plugin disabled, the native
// snapshotter (no overlay mounts; the shim bind-mounts the rootfs and unmounts
// it on delete). Driven with `ctr run --runc-binary <wrapper> --runc-root <dir>`,
// so containerd-shim-runc-v2 calls runts (or runc) with runc's argv.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOTFS, type Result } from '../harness';
import { ociArchive } from './image';
import { wrappers, type Runtime } from './columns';
import { removePrivateState } from './podman';

export const CONTAINERD = ['/usr/bin/containerd', '/usr/local/bin/containerd'].find((p) => fs.existsSync(p));
export const CTR = CONTAINERD ? path.join(path.dirname(CONTAINERD), 'ctr') : undefined;
export const IMAGE = 'docker.io/library/runts-busybox:test';

export class Containerd {
  readonly dir: string;
  readonly cgroupParent: string;
  readonly socket: string;
  readonly wrap: Record<Runtime, string>;
  private daemon?: ChildProcess;
  private stopped = false;

  constructor() {
    if (!CONTAINERD || !CTR) throw new Error('containerd is not installed (scripts/install-deps.sh)');
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-containerd-'));
    this.cgroupParent = '/' + path.basename(this.dir);
    this.socket = path.join(this.dir, 'containerd.sock');
    this.wrap = wrappers(this.dir);
    fs.writeFileSync(
      path.join(this.dir, 'config.toml'),
      `version = 2
root = "${path.join(this.dir, 'root')}"
state = "${path.join(this.dir, 'state')}"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "${this.socket}"
[ttrpc]
  address = "${this.socket}.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
`,
    );
  }

  /** `ms`: how long the daemon may take to answer (an emulated VM needs more) */
  async start(ms = 20000): Promise<void> {
    const log = fs.openSync(path.join(this.dir, 'containerd.log'), 'w');
    this.daemon = spawn(CONTAINERD!, ['--config', path.join(this.dir, 'config.toml')], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (fs.existsSync(this.socket) && this.ctr(['version']).code === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`containerd did not start: ${fs.readFileSync(path.join(this.dir, 'containerd.log'), 'utf8').slice(-2000)}`);
  }

  ctr(args: string[], opts: { input?: string; timeout?: number } = {}): Result {
    const r = spawnSync(CTR!, ['--address', this.socket, ...args], { encoding: 'utf8', input: opts.input ?? '', timeout: opts.timeout ?? 60000 });
    return { code: r.status ?? (r.signal ? 128 + os.constants.signals[r.signal] : -1), stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
  }

  /** the flags that make the shim call `rt`; state in a private runtime root */
  runtimeFlags(rt: Runtime): string[] {
    return ['--snapshotter', 'native', '--fifo-dir', path.join(this.dir, 'fifo'), '--runc-binary', this.wrap[rt], '--runc-root', path.join(this.dir, `root-${rt}`)];
  }

  /** `ctr run` of the test image with `rt`, the cgroup under this test's parent */
  run(rt: Runtime, id: string, flags: string[], cmd: string[], opts: { timeout?: number } = {}): Result {
    return this.ctr(['run', ...this.runtimeFlags(rt), '--cgroup', `${this.cgroupParent}/${id}`, ...flags, IMAGE, id, ...cmd], opts);
  }

  /** `ctr run --config` of a full OCI spec (for what ctr has no flag: hostname, user, pids), rootfs a private copy */
  runSpec(rt: Runtime, id: string, edit: (spec: Record<string, any>) => void, flags: string[] = []): Result {
    const spec = JSON.parse(this.ctr(['oci', 'spec']).stdout) as Record<string, any>;
    const rootfs = path.join(this.dir, 'rootfs');
    if (!fs.existsSync(rootfs)) {
      const cp = spawnSync('cp', ['-a', fs.realpathSync(ROOTFS) + '/.', rootfs]);
      if (cp.status !== 0) throw new Error('copying the rootfs failed');
    }
    spec.root = { path: rootfs, readonly: false };
    spec.linux.cgroupsPath = `${this.cgroupParent}/${id}`;
    // ctr's spec has no env: runc then finds no PATH to look args[0] up in (runts falls back to a default one)
    spec.process.env = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
    edit(spec);
    const file = path.join(this.dir, `${id}.json`);
    fs.writeFileSync(file, JSON.stringify(spec));
    const args = this.runtimeFlags(rt).filter((a, i, all) => a !== '--snapshotter' && all[i - 1] !== '--snapshotter');
    return this.ctr(['run', ...args, ...flags, '--config', file, id]);
  }

  importImage(timeout?: number): void {
    const work = path.join(this.dir, 'image');
    fs.mkdirSync(work);
    const tar = ociArchive(work, IMAGE);
    const r = this.ctr(['image', 'import', '--snapshotter', 'native', tar], { timeout });
    if (r.code !== 0) throw new Error(`ctr image import: ${r.stderr}`);
    fs.rmSync(work, { recursive: true, force: true });
  }

  /** kill and delete every task and container, stop the daemon, remove its state */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.daemon && this.daemon.exitCode === null) {
      for (const id of this.ctr(['task', 'ls', '-q']).stdout.split('\n').filter(Boolean)) {
        this.ctr(['task', 'kill', '-s', 'SIGKILL', id]);
        this.ctr(['task', 'rm', '-f', id]);
      }
      for (const id of this.ctr(['container', 'ls', '-q']).stdout.split('\n').filter(Boolean)) this.ctr(['container', 'rm', id]);
      const exited = new Promise((r) => this.daemon!.once('exit', r));
      this.daemon.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
      if (this.daemon.exitCode === null) this.daemon.kill('SIGKILL');
    }
    // shims outlive a killed daemon: end those of this containerd, by pid
    for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (cmd.includes('containerd-shim') && cmd.includes(this.socket)) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
    removePrivateState(this.dir, this.cgroupParent);
  }
}
