// runts as a normal user, by hand, side by side with runc 1.1.5: a throwaway
// user (useradd, with its /etc/subuid and /etc/subgid ranges) runs copies of
// the runtimes from a directory it can read, on a rootfs it owns, with its
// state under its own $XDG_RUNTIME_DIR. This host is cgroup v1 hybrid without
// systemd: such a user has no cgroup of its own, so no limit can be set.
// Everything is removed at the end, on failure too: the user, its subordinate
// ids (the files are restored as they were), its processes (by pid), its files.
import t from 'tap';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUNC, RUNTS, ROOTFS, TOP, errorMessage, type Json } from '../lib/harness';

const SUB_FILES = ['/etc/subuid', '/etc/subgid'];
const saved = new Map(SUB_FILES.map((f) => [f, fs.existsSync(f) ? fs.readFileSync(f) : undefined]));
const userName = `rtsrl${process.pid % 100000}`;
const area = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-rootless-'));
fs.chmodSync(area, 0o755);

function sh(cmd: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8' });
}

/** the user's processes and those of its subordinate ids, killed by pid */
function killUserProcesses(ids: { uid: number; sub?: { start: number; count: number } }): void {
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let status: string;
    try {
      status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      continue;
    }
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    const ours = uid === ids.uid || (ids.sub !== undefined && uid >= ids.sub.start && uid < ids.sub.start + ids.sub.count);
    if (ours) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

let uid = -1;
let gid = -1;
let sub: { start: number; count: number } | undefined;

t.teardown(() => {
  sh('umount', [path.join(area, 'locked')]);
  if (uid >= 0) killUserProcesses({ uid, sub });
  sh('userdel', ['-r', '-f', userName]);
  for (const [f, data] of saved) {
    if (data === undefined) fs.rmSync(f, { force: true });
    else fs.writeFileSync(f, data);
  }
  fs.rmSync(area, { recursive: true, force: true });
});

// -U: its own group, so its gid map is its own too, as a desktop user's
const made = sh('useradd', ['-M', '-U', '-s', '/bin/sh', '-d', area, userName]);
if (made.status !== 0) throw new Error(`useradd: ${made.stderr}`);
t.teardown(() => void sh('groupdel', [userName]));
uid = Number(sh('id', ['-u', userName]).stdout.trim());
gid = Number(sh('id', ['-g', userName]).stdout.trim());
// subordinate ids: useradd gave them (SUB_UID_* in login.defs) or we add them
const subLine = (f: string): { start: number; count: number } | undefined => {
  const line = fs.readFileSync(f, 'utf8').split('\n').find((l) => l.startsWith(`${userName}:`));
  if (!line) return undefined;
  const [, start, count] = line.split(':');
  return { start: Number(start), count: Number(count) };
};
for (const f of SUB_FILES) if (!subLine(f)) fs.appendFileSync(f, `${userName}:${3000000000 - 65536 * (process.pid % 1000)}:65536\n`);
sub = subLine('/etc/subuid');
const subg = subLine('/etc/subgid')!;

// the runtimes, where the user can read them
const bin = path.join(area, 'bin');
fs.mkdirSync(bin);
const NODE_LAUNCHER = path.basename(RUNTS) === 'runts-node';
let runtsCopy: string;
if (NODE_LAUNCHER) {
  // the launcher finds ../dist/runts.js and ../addon/build/Release/runts.node
  const top = path.join(area, 'rt');
  fs.mkdirSync(path.join(top, 'bin'), { recursive: true });
  fs.cpSync(path.join(TOP, 'dist'), path.join(top, 'dist'), { recursive: true, filter: (src) => src !== path.join(TOP, 'dist', 'runts') });
  fs.mkdirSync(path.join(top, 'addon', 'build', 'Release'), { recursive: true });
  fs.copyFileSync(path.join(TOP, 'addon', 'build', 'Release', 'runts.node'), path.join(top, 'addon', 'build', 'Release', 'runts.node'));
  fs.copyFileSync(RUNTS, path.join(top, 'bin', 'runts-node'));
  runtsCopy = path.join(top, 'bin', 'runts-node');
  sh('chmod', ['-R', 'a+rX', top]);
} else {
  const real = fs.realpathSync(RUNTS);
  fs.copyFileSync(real, path.join(bin, 'runts'));
  fs.copyFileSync(path.join(path.dirname(real), 'runts.node'), path.join(bin, 'runts.node'));
  runtsCopy = path.join(bin, 'runts');
}
sh('chmod', ['-R', 'a+rX', bin]);

const rootfs = path.join(area, 'rootfs');
fs.cpSync(ROOTFS, rootfs, { recursive: true, verbatimSymlinks: true });
const xdg = path.join(area, 'xdg');
fs.mkdirSync(xdg, { mode: 0o700 });
/** a directory the user may write (pid files) */
const scratch = path.join(area, 'scratch');
fs.mkdirSync(scratch);
for (const p of [rootfs, xdg, scratch]) sh('chown', ['-R', `${uid}:${gid}`, p]);

interface Res {
  code: number;
  stdout: string;
  stderr: string;
}

/** runs a runtime as the user; output through files (a container keeps the stdio it inherits) */
function asUser(cmd: string, args: string[], cwd = area): Res {
  const out = path.join(area, `out.${process.hrtime.bigint()}`);
  const fd = [fs.openSync(out + '.1', 'w'), fs.openSync(out + '.2', 'w')];
  const r = spawnSync('setpriv', ['--reuid', String(uid), '--regid', String(gid), '--clear-groups', '--', cmd, ...args], {
    cwd,
    stdio: ['ignore', fd[0], fd[1]],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', XDG_RUNTIME_DIR: xdg, HOME: area, USER: userName },
    timeout: 60000,
  });
  fd.forEach((f) => fs.closeSync(f));
  const res = { code: r.status ?? -1, stdout: fs.readFileSync(out + '.1', 'utf8'), stderr: fs.readFileSync(out + '.2', 'utf8') };
  fs.rmSync(out + '.1');
  fs.rmSync(out + '.2');
  return res;
}

const runtimes: [string, string, string][] = [['runts', runtsCopy, 'runts']];
if (RUNC) runtimes.push(['runc', RUNC, 'runc']);

let n = 0;
/** a bundle the user owns with `runtime spec --rootless`, edited; the rootfs shared (read-only root) */
/** delete as the user, trying again (50 ms apart, up to 30 s) until the runtime
 * has seen the container stop: a KILL just sent is reaped asynchronously, and
 * under load 50 immediate tries were not enough (both runtimes failed so) */
async function deleteAsUser(rt: string, id: string, force: boolean): Promise<Res> {
  let del = asUser(rt, ['delete', id]);
  for (let i = 0; del.code !== 0 && i < 600; i++) {
    await new Promise((r) => setTimeout(r, 50));
    del = asUser(rt, force ? ['delete', '--force', id] : ['delete', id]);
  }
  return del;
}

function bundle(runtime: string, edit: (c: Json) => void): string {
  const dir = path.join(area, `b${n++}`);
  fs.mkdirSync(dir);
  sh('chown', [`${uid}:${gid}`, dir]);
  const r = asUser(runtime, ['spec', '--rootless'], dir);
  if (r.code !== 0) throw new Error(`spec --rootless: ${r.stderr}`);
  const c = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Json;
  c.root.path = rootfs;
  c.process.terminal = false;
  edit(c);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(c));
  return dir;
}

const hostUid = (pid: number): number => Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

t.test('spec --rootless: the same config as runc writes for this user', { skip: !RUNC }, async (t) => {
  const dirs = ['runts', 'runc'].map((name) => {
    const d = path.join(area, `spec-${name}`);
    fs.mkdirSync(d);
    sh('chown', [`${uid}:${gid}`, d]);
    const r = asUser(name === 'runts' ? runtsCopy : RUNC!, ['spec', '--rootless'], d);
    t.equal(r.code, 0, `${name} spec --rootless: ${r.stderr}`);
    return JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8')) as Json;
  });
  delete dirs[0].ociVersion;
  delete dirs[1].ociVersion;
  t.same(dirs[0], dirs[1], 'same content, but ociVersion');
  t.same(dirs[0].linux.uidMappings, [{ containerID: 0, hostID: uid, size: 1 }], "the caller's uid as root");
  t.same(dirs[0].linux.gidMappings, [{ containerID: 0, hostID: gid, size: 1 }]);
});

for (const [name, rt, stateDir] of runtimes) {
  t.test(`${name}: run and exec as the user: root inside, the user outside, nothing left in XDG_RUNTIME_DIR`, async (t) => {
    const b = bundle(rt, (c) => (c.process.args = ['sh', '-c', 'id -u; cat /proc/self/uid_map']));
    const run = asUser(rt, ['run', '-b', b, `${name}-run`]);
    t.equal(run.code, 0, run.stderr);
    t.equal(run.stdout.split('\n')[0], '0', 'uid 0 inside');
    t.match(run.stdout, new RegExp(`^\\s*0\\s+${uid}\\s+1$`, 'm'), "the user's uid mapped to root");

    const b2 = bundle(rt, (c) => (c.process.args = ['sleep', '1000']));
    const id = `${name}-c`;
    const cr = asUser(rt, ['create', '-b', b2, id]);
    t.equal(cr.code, 0, cr.stderr);
    t.equal(asUser(rt, ['start', id]).code, 0);
    const st = JSON.parse(asUser(rt, ['state', id]).stdout) as Json;
    t.equal(st.status, 'running');
    t.equal(hostUid(st.pid), uid, "outside, the container's root is the user (/proc/<pid>/status Uid)");
    const ex = asUser(rt, ['exec', id, 'sh', '-c', 'id -u; echo exec-ok']);
    t.equal(ex.code, 0, ex.stderr);
    t.equal(ex.stdout, '0\nexec-ok\n');
    const list = asUser(rt, ['list', '-q']);
    t.equal(list.stdout.trim(), id, 'listed under the XDG root');
    t.match(asUser(rt, ['list']).stdout, new RegExp(`\\s${userName}\\n$`), 'the OWNER column names the user');
    if (name === 'runts') {
      // no cgroup to ask: the container's pid namespace says what it holds (runc 1.1.5: "lstat : no such file or directory")
      const ps = asUser(rt, ['ps', '-f', 'json', id]);
      t.equal(ps.code, 0, ps.stderr);
      t.same(JSON.parse(ps.stdout), [st.pid], 'ps lists the init');
      const pause = asUser(rt, ['pause', id]);
      t.equal(pause.code, 1);
      t.match(errorMessage(pause.stderr), /^cannot toggle freezer: cgroups not configured for container \(a rootless container gets none when cgroups are not delegated to its user\)$/);
    }
    // a second process, then kill --all: with no cgroup runts finds them by the pid namespace
    const pidFile = path.join(scratch, `${name}-exec.pid`);
    const bg = asUser(rt, ['exec', '-d', '--pid-file', pidFile, id, 'sleep', '1000']);
    t.equal(bg.code, 0, bg.stderr);
    const second = Number(fs.readFileSync(pidFile, 'utf8'));
    t.equal(hostUid(second), uid, 'the exec\'d process is the user outside too');
    // TERM: the init (pid 1 of its namespace, no handler) ignores it, the exec'd sleep dies of it
    const ka = asUser(rt, ['kill', '--all', id, 'TERM']);
    if (name === 'runts') {
      t.equal(ka.code, 0, ka.stderr);
      let gone = false;
      for (let i = 0; i < 200 && !gone; i++) {
        try {
          gone = /^State:\s+Z/m.test(fs.readFileSync(`/proc/${second}/status`, 'utf8'));
        } catch {
          gone = true;
        }
        if (!gone) await new Promise((r) => setTimeout(r, 25));
      }
      t.ok(gone, "kill --all reached the exec'd process");
    } else {
      // runc 1.1.5 asks the cgroup it does not have
      t.equal(ka.code, 1);
      t.match(errorMessage(ka.stderr.split('\n').filter((l) => l.includes('level=error')).join('\n')), /^lstat : no such file or directory$/);
    }
    t.equal(asUser(rt, ['kill', id, 'KILL']).code, 0);
    const del = await deleteAsUser(rt, id, false);
    t.equal(del.code, 0, del.stderr);
    t.same(fs.readdirSync(path.join(xdg, stateDir)), [], `delete leaves nothing in $XDG_RUNTIME_DIR/${stateDir}`);
    t.equal((fs.statSync(path.join(xdg, stateDir)).mode & 0o7777).toString(8), '1700', 'the state root is 0700 and sticky');
  });

  t.test(`${name}: two id ranges through newuidmap/newgidmap`, async (t) => {
    const b = bundle(rt, (c) => {
      c.linux.uidMappings.push({ containerID: 1, hostID: sub!.start, size: 65536 });
      c.linux.gidMappings.push({ containerID: 1, hostID: subg.start, size: 65536 });
      c.process.user = { uid: 1000, gid: 1000 };
      c.process.args = ['sh', '-c', 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; sleep 1000'];
    });
    const id = `${name}-map`;
    const cr = asUser(rt, ['create', '-b', b, id]);
    t.equal(cr.code, 0, cr.stderr);
    const st = JSON.parse(asUser(rt, ['state', id]).stdout) as Json;
    t.equal(hostUid(st.pid), sub!.start + 999, 'uid 1000 inside is the subordinate id 999 places in');
    t.equal(asUser(rt, ['kill', id, 'KILL']).code, 0);
    const del = await deleteAsUser(rt, id, true);
    t.equal(del.code, 0, del.stderr);

    const b2 = bundle(rt, (c) => {
      c.linux.uidMappings.push({ containerID: 1, hostID: sub!.start, size: 65536 });
      c.linux.gidMappings.push({ containerID: 1, hostID: subg.start, size: 65536 });
      c.process.args = ['cat', '/proc/self/uid_map', '/proc/self/gid_map'];
    });
    const run = asUser(rt, ['run', '-b', b2, `${name}-map2`]);
    t.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    t.same(lines, [`0 ${uid} 1`, `1 ${sub!.start} 65536`, `0 ${gid} 1`, `1 ${subg.start} 65536`]);
  });

  t.test(`${name}: a memory limit cannot be set without delegated cgroups: a clear error, nothing left`, async (t) => {
    const b = bundle(rt, (c) => {
      c.linux.resources = { memory: { limit: 33554432 } };
      c.process.args = ['true'];
    });
    const id = `${name}-limit`;
    const r = asUser(rt, ['run', '-b', b, id]);
    t.equal(r.code, 1);
    const msg = errorMessage(r.stderr.split('\n').filter((l) => l.includes('level=error')).join('\n'));
    if (name === 'runts')
      t.match(msg, /^runts run failed: \/linux\/resources\/memory\/limit: cannot set a limit: rootless container could not join or create cgroup \(\/sys\/fs\/cgroup\/memory is not writable by uid \d+: cgroups are not delegated to this user\)$/);
    else t.match(msg, /cannot set memory limit: container could not join or create cgroup$/);
    t.same(fs.readdirSync(path.join(xdg, stateDir)), [], 'no state left');
    t.notOk(fs.existsSync(`/sys/fs/cgroup/memory/${id}`), 'no cgroup made');
  });

  t.test(`${name}: prestart hook as the user, seccomp filter applied`, async (t) => {
    const out = path.join(rootfs, 'tmp', `${name}-hook.out`); // a place the user may write
    const b = bundle(rt, (c) => {
      c.hooks = { prestart: [{ path: '/bin/sh', args: ['sh', '-c', `id -u > ${out}`] }] };
      c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
      c.process.args = ['sh', '-c', 'mkdir /dev/shm/x 2>&1; echo done'];
    });
    const r = asUser(rt, ['run', '-b', b, `${name}-hook`]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /Permission denied/, 'mkdir got the errno of the filter');
    t.equal(fs.readFileSync(out, 'utf8').trim(), String(uid), 'the hook ran as the user');
  });
}

for (const [name, rt, stateDir] of runtimes) {
  t.test(`${name}: a terminal through --console-socket`, async (t) => {
    const sockDir = path.join(area, `${name}-sock`);
    fs.mkdirSync(sockDir);
    sh('chown', [`${uid}:${gid}`, sockDir]);
    const sock = path.join(sockDir, 'console.sock');
    const recv = spawn('setpriv', ['--reuid', String(uid), '--regid', String(gid), '--clear-groups', '--', fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', path.join(TOP, 'spec', 'lib', 'recvtty.py'), sock, 'tty; id -u; exit\n', '8']);
    let out = '';
    recv.stdout.on('data', (d) => (out += d));
    const done = new Promise((r) => recv.on('close', r));
    for (let i = 0; i < 200 && !out.includes('listening'); i++) await new Promise((r) => setTimeout(r, 50));
    const b = bundle(rt, (c) => {
      c.process.terminal = true;
      c.process.args = ['sh'];
    });
    const id = `${name}-tty`;
    const cr = asUser(rt, ['create', '--console-socket', sock, '-b', b, id]);
    t.equal(cr.code, 0, cr.stderr);
    t.equal(asUser(rt, ['start', id]).code, 0);
    await done;
    t.match(out, /\/dev\/pts\/\d+/);
    t.match(out, /^0\r?$/m, 'root inside, on the terminal');
    const del = await deleteAsUser(rt, id, true);
    t.equal(del.code, 0, del.stderr);
    // the seccomp filter cache of an earlier test is the root's, not a container's
    t.same(fs.readdirSync(path.join(xdg, stateDir)).filter((f) => f !== 'seccomp@cache'), [], 'no container state left');
  });
}

// a host mount with nosuid,nodev,noexec: in the user's mount namespace those
// flags are locked, so a bind of it remounted `ro` must keep them
const locked = path.join(area, 'locked');
fs.mkdirSync(locked);
const mounted = sh('mount', ['-t', 'tmpfs', '-o', 'nosuid,nodev,noexec,size=64k', 'tmpfs', locked]);
if (mounted.status !== 0) throw new Error(`mount: ${mounted.stderr}`);
t.teardown(() => void sh('umount', [locked]));

for (const [name, rt] of runtimes) {
  t.test(`${name}: a bind of a nosuid,nodev,noexec mount made ro keeps the flags the kernel locks`, async (t) => {
    const b = bundle(rt, (c) => {
      c.mounts.push({ destination: '/mnt', type: 'bind', source: locked, options: ['bind', 'ro'] });
      c.process.args = ['grep', ' /mnt ', '/proc/self/mounts'];
    });
    const r = asUser(rt, ['run', '-b', b, `${name}-locked`]);
    if (name === 'runts') {
      // before: "remount bind mount /mnt: operation not permitted"
      t.equal(r.code, 0, r.stderr);
      t.match(r.stdout, /^tmpfs \/mnt tmpfs ro,nosuid,nodev,noexec[, ]/);
    } else {
      // runc 1.1.5 remounts with the asked flags only and the kernel refuses
      t.equal(r.code, 1);
      t.match(errorMessage(r.stderr.split('\n').filter((l) => l.includes('level=error')).join('\n')), /operation not permitted$/);
    }
  });
}

t.test('runts features and --help say what rootless supports', async (t) => {
  const f = JSON.parse(asUser(runtsCopy, ['features']).stdout) as Json;
  t.equal(f.annotations['org.runts.rootless'], 'true');
  const help = asUser(runtsCopy, ['--help']).stdout;
  t.match(help, /rootless/i);
  t.match(help, /XDG_RUNTIME_DIR/);
});
