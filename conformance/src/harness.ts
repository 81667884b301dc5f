// Drives a runc-compatible runtime by its command line only. Each test gets a
// Sandbox: a private temporary directory (runts-conf-*) holding the --root,
// the bundles (each with its own copy of the busybox rootfs and the probe)
// and hook logs, and a private cgroup parent (/runts-conf-*). cleanup() kills
// and deletes every container the test created, removes the cgroup
// directories, unmounts anything left under the directory and removes it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type Json = Record<string, any>;

export const CONF_DIR = path.resolve(__dirname, '..', '..');
export const PROBE = path.join(CONF_DIR, 'build', 'probe');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** a blocking sleep: the harness is synchronous on purpose (one test at a time) */
export function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

let template: string | undefined;
/** a busybox rootfs built once per run the way bundles/make-rootfs.sh does, plus the probe */
export function rootfsTemplate(base: string): string {
  if (template) return template;
  const dir = path.join(base, 'rootfs-template');
  const bb = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));
  if (!bb) throw new Error('busybox (static) is needed: apt-get install busybox-static');
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'home', 'var'])
    fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.copyFileSync(bb, path.join(dir, 'bin', 'busybox'));
  fs.chmodSync(path.join(dir, 'bin', 'busybox'), 0o755);
  const list = spawnSync(path.join(dir, 'bin', 'busybox'), ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of list) if (!fs.existsSync(path.join(dir, 'bin', applet))) fs.symlinkSync('busybox', path.join(dir, 'bin', applet));
  fs.chmodSync(path.join(dir, 'tmp'), 0o1777);
  fs.writeFileSync(path.join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  fs.writeFileSync(path.join(dir, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  if (!fs.existsSync(PROBE)) throw new Error(`the probe is not built: ${PROBE} (make conformance builds it)`);
  fs.copyFileSync(PROBE, path.join(dir, 'probe'));
  fs.chmodSync(path.join(dir, 'probe'), 0o755);
  template = dir;
  return dir;
}

/** the base config: runc's `spec` minus the terminal, running the probe */
export function baseConfig(): Json {
  const caps = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ['/probe'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: [...caps], effective: [...caps], permitted: [...caps], ambient: [...caps] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: false },
    hostname: 'conformance',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
    },
  };
}

export const CGROUP_ROOT = '/sys/fs/cgroup';

/** every cgroup hierarchy mounted on the host (v1 controllers, named, unified) */
export function cgroupHierarchies(): string[] {
  const out: string[] = [];
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-');
    if (dash < 0) continue;
    if (f[dash + 1] === 'cgroup' || f[dash + 1] === 'cgroup2') out.push(f[4].replace(/\\040/g, ' '));
  }
  return out;
}

function rmCgroupTree(dir: string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) rmCgroupTree(path.join(dir, e.name));
  for (let i = 0; i < 50; i++) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (e: any) {
      if (e.code === 'ENOENT') return;
      // tasks still leaving: kill what is there and retry
      try {
        for (const pid of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
      sleep(20);
    }
  }
}

export class Sandbox {
  readonly dir: string;
  readonly root: string;
  readonly cgroupParent: string;
  readonly ids = new Set<string>();
  /** mounts the test itself made on the host (unmounted first by cleanup, not reported) */
  readonly ownMounts: string[] = [];
  private n = 0;

  constructor(readonly runtime: string, base: string, readonly testId: string) {
    this.dir = fs.mkdtempSync(path.join(base, 'runts-conf-'));
    // a user namespace's root must be able to reach the rootfs
    fs.chmodSync(this.dir, 0o755);
    this.root = path.join(this.dir, 'state');
    this.cgroupParent = '/' + path.basename(this.dir);
  }

  newId(): string {
    return `c${++this.n}-${this.testId.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 40)}`;
  }

  /** a bundle with its own rootfs copy (probe at /probe); `edit` changes the base config */
  bundle(edit: (c: Json, bundle: string) => void = () => {}, opts: { write?: boolean } = {}): string {
    const b = path.join(this.dir, `bundle${++this.n}`);
    fs.mkdirSync(b);
    const cp = spawnSync('cp', ['-a', rootfsTemplate(path.dirname(this.dir)) + '/.', path.join(b, 'rootfs')], { encoding: 'utf8' });
    if (cp.status !== 0) throw new Error(`cp rootfs: ${cp.stderr}`);
    const c = baseConfig();
    c.linux.cgroupsPath = `${this.cgroupParent}/${path.basename(b)}`;
    edit(c, b);
    if (opts.write !== false) fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(c, null, 2));
    return b;
  }

  /** one command; stdout/stderr go through files (a container may inherit them) */
  run(args: string[], opts: { timeout?: number; stdout?: string; stderr?: string; cwd?: string } = {}): Result {
    const out = opts.stdout ?? path.join(this.dir, `cmd${++this.n}.out`);
    const err = opts.stderr ?? path.join(this.dir, `cmd${this.n}.err`);
    const fds = [fs.openSync(out, 'a'), fs.openSync(err, 'a')];
    const start = [fs.fstatSync(fds[0]).size, fs.fstatSync(fds[1]).size];
    const r = spawnSync(this.runtime, ['--root', this.root, ...args], {
      stdio: ['ignore', fds[0], fds[1]],
      timeout: opts.timeout ?? 30000,
      cwd: opts.cwd ?? this.dir,
    });
    fds.forEach((fd) => fs.closeSync(fd));
    const cmd = args[0];
    if ((cmd === 'create' || cmd === 'run') && args.length > 1) this.ids.add(args[args.length - 1]);
    const read = (f: string, from: number) => fs.readFileSync(f).subarray(from).toString('utf8');
    return {
      code: r.status ?? (r.signal ? 128 + (os.constants.signals as any)[r.signal] : 255),
      stdout: read(out, start[0]),
      stderr: read(err, start[1]),
    };
  }

  create(id: string, bundle: string, opts: { stdout?: string; extra?: string[] } = {}): Result {
    return this.run(['create', ...(opts.extra ?? []), '--bundle', bundle, id], { stdout: opts.stdout, stderr: opts.stdout ? opts.stdout + '.err' : undefined });
  }

  /** the parsed state, or undefined when `state` fails */
  state(id: string): Json | undefined {
    const r = this.run(['state', id]);
    if (r.code !== 0) return undefined;
    try {
      return JSON.parse(r.stdout);
    } catch {
      return undefined;
    }
  }

  /** waits until the container's process has exited (state says stopped, or the pid is gone or a zombie) */
  waitStopped(id: string, pid: number | undefined, ms = 15000): boolean {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (pid) {
        let st = '';
        try {
          st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        } catch {
          return true;
        }
        if (st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3) === 'Z') return true;
      } else {
        const s = this.state(id);
        if (!s || s.status === 'stopped') return true;
      }
      sleep(10);
    }
    return false;
  }

  /**
   * create + start the bundle, wait for the process to exit, delete; returns
   * the probe's JSON (or the error of the step that failed)
   */
  probe(bundle: string): { facts?: Json; error?: string; create?: Result; pid?: number } {
    const id = this.newId();
    const out = path.join(this.dir, `${id}.stdout`);
    const cr = this.create(id, bundle, { stdout: out });
    if (cr.code !== 0) return { error: `create exited ${cr.code}: ${cr.stderr.trim()}`, create: cr };
    const st = this.state(id);
    const pid = st?.pid;
    const sr = this.run(['start', id]);
    if (sr.code !== 0) return { error: `start exited ${sr.code}: ${sr.stderr.trim()}`, create: cr };
    if (!this.waitStopped(id, pid)) return { error: 'the process did not exit within 15 s', create: cr };
    this.run(['delete', id]);
    const text = fs.readFileSync(out, 'utf8');
    try {
      return { facts: JSON.parse(text), create: cr, pid };
    } catch {
      return { error: `the probe printed no JSON: ${JSON.stringify(text.slice(0, 300))} stderr: ${fs.readFileSync(out + '.err', 'utf8').slice(0, 300)}`, create: cr };
    }
  }

  cgroupDirs(): string[] {
    return cgroupHierarchies().map((h) => path.join(h, this.cgroupParent));
  }

  cleanup(): string[] {
    const problems: string[] = [];
    for (const id of this.ids) {
      const s = this.state(id);
      if (s && s.status !== 'stopped') this.run(['kill', id, 'KILL'], { timeout: 5000 });
      if (s?.pid && s.status !== 'stopped') {
        try {
          process.kill(s.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      if (s) this.run(['delete', '--force', id], { timeout: 10000 });
    }
    for (const d of this.cgroupDirs()) rmCgroupTree(d);
    for (const m of [...this.ownMounts].reverse()) spawnSync('umount', ['-l', m]);
    const mounts = fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4])
      .filter((m) => m && m.startsWith(this.dir))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) {
      problems.push(`mount left behind: ${m}`);
      spawnSync('umount', ['-l', m]);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    return problems;
  }
}

/** the mountinfo lines as objects */
export interface MountInfo {
  id: number;
  parent: number;
  root: string;
  mountpoint: string;
  options: string[];
  optional: string[];
  fstype: string;
  source: string;
  superOptions: string[];
}

export function parseMountinfo(text: string): MountInfo[] {
  const un = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split(' ');
      const dash = f.indexOf('-');
      return {
        id: Number(f[0]),
        parent: Number(f[1]),
        root: un(f[3]),
        mountpoint: un(f[4]),
        options: f[5].split(','),
        optional: f.slice(6, dash),
        fstype: f[dash + 1],
        source: un(f[dash + 2]),
        superOptions: (f[dash + 3] ?? '').split(','),
      };
    });
}

/** the last mount at a mountpoint (the visible one) */
export function mountAt(facts: Json, mp: string): MountInfo | undefined {
  const all = parseMountinfo(typeof facts.proc?.mountinfo === 'string' ? facts.proc.mountinfo : '').filter((m) => m.mountpoint === mp);
  return all[all.length - 1];
}

/** a /proc/self/status field */
export function statusField(facts: Json, name: string): string | undefined {
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(facts.proc?.status ?? '');
  return m?.[1];
}

export const CAP_NAMES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK',
  'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** a Cap* line of /proc/self/status as a sorted list of names */
export function capSet(facts: Json, field: 'CapInh' | 'CapPrm' | 'CapEff' | 'CapBnd' | 'CapAmb'): string[] {
  const hex = statusField(facts, field);
  if (!hex) return [];
  const v = BigInt('0x' + hex);
  return CAP_NAMES.filter((_, i) => (v >> BigInt(i)) & 1n).sort();
}
