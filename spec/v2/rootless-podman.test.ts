// Rootless podman through runts, side by side with runc (make test-v2 runs
// this as root in ../shared/v2vm; each podman call is made as the user
// `tester`, with XDG_RUNTIME_DIR and the session bus as a login gives them).
// podman runs its runtime as uid 0 inside the user namespace it made for
// tester, passes no --root and, with its default systemd cgroup manager,
// `--systemd-cgroup` and cgroupsPath "user.slice:libpod:<id>": runts must
// keep its state in $XDG_RUNTIME_DIR/runts, bind the devices (no mknod
// there) and ask tester's own systemd over the session bus for the scope,
// so that --memory lands in memory.max. Checked per runtime: run/exec/stop/
// rm with --network none and with the default network (slirp4netns), the
// limit in the container, in the scope's cgroup and in the unit, nothing
// left after rm; --cgroup-manager cgroupfs (no cgroupsPath); features'
// systemdUser. Skipped where there is no systemd, podman or tester.
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { TOP, RUNC, type Json } from '../lib/harness';
import { Table, type Runtime } from '../lib/clients/columns';

const CG = '/sys/fs/cgroup';
const USER = 'tester';
const pureV2 = fs.existsSync(`${CG}/cgroup.controllers`) && !fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(' - cgroup ');
const uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim());
const ready = pureV2 && fs.existsSync('/run/systemd/system') && fs.existsSync('/usr/bin/podman') && Number.isInteger(uid) && uid > 0 && process.getuid?.() === 0;
// the guest is emulated, 25-35x slower than a host: room for that, never timing
const SLOW = 300_000;

if (!ready) t.plan(0, 'needs root on a pure cgroup v2 host with systemd, podman and the user tester (../shared/v2vm)');
else main();

function main(): void {
  const xdg = `/run/user/${uid}`;
  const env = { XDG_RUNTIME_DIR: xdg, DBUS_SESSION_BUS_ADDRESS: `unix:path=${xdg}/bus` };
  const userSlice = `${CG}/user.slice/user-${uid}.slice/user@${uid}.service/user.slice`;
  const IMAGE = 'localhost/runts-test-busybox:rootless';

  // tester must read and run both files of runts: a directory of its own mode
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-podman-'));
  fs.chmodSync(bin, 0o755);
  for (const f of ['runts', 'runts.node']) fs.copyFileSync(path.join(TOP, 'dist', f), path.join(bin, f));
  for (const f of ['runts', 'runts.node']) fs.chmodSync(path.join(bin, f), 0o755);
  const BIN: Record<Runtime, string> = { runts: path.join(bin, 'runts'), runc: RUNC ?? '/usr/sbin/runc' };
  const STATE: Record<Runtime, string> = { runts: `${xdg}/runts`, runc: `${xdg}/runc` };
  const runtimes: Runtime[] = RUNC ? ['runc', 'runts'] : ['runts'];

  const as = (argv: string[]): { code: number; out: string; err: string } => {
    const r = spawnSync('runuser', ['-u', USER, '--', 'env', '-C', '/tmp', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv], { encoding: 'utf8', timeout: SLOW });
    return { code: r.status ?? -1, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() + (r.error ? ` (${r.error.message})` : '') };
  };
  const podman = (rt: Runtime | undefined, args: string[]): ReturnType<typeof as> => as(['podman', ...(rt ? ['--runtime', BIN[rt]] : []), ...args]);

  // what was there before (a session may have left a state root): only ours goes
  const hadState = Object.fromEntries(runtimes.map((rt) => [rt, fs.existsSync(STATE[rt])])) as Record<Runtime, boolean>;
  const made: string[] = [];
  t.teardown(() => {
    for (const c of made) podman(undefined, ['rm', '-f', '-t', '0', c]);
    podman(undefined, ['rmi', '-f', IMAGE]);
    for (const rt of runtimes) if (!hadState[rt]) fs.rmSync(STATE[rt], { recursive: true, force: true });
    fs.rmSync(bin, { recursive: true, force: true });
  });

  // the session bus of tester's lingering systemd --user comes up after boot
  for (let i = 0; i < 120 && !fs.existsSync(`${xdg}/bus`); i++) spawnSync('sleep', ['1']);
  const imp = podman(undefined, ['import', '-q', '/opt/v2vm/busybox.tar', IMAGE]);
  if (imp.code !== 0) throw new Error(`podman import: ${imp.err}`);

  const table = new Table();
  let n = 0;
  const name = (rt: Runtime): string => {
    const c = `runts-test-${rt}-${++n}`;
    made.push(c);
    return c;
  };

  /** one scenario, a subtest per runtime; the table shows them side by side */
  const scenario = (title: string, body: (t: Tap, rt: Runtime) => void): void => {
    t.test(title, async (t) => {
      for (const rt of runtimes)
        await t.test(rt, async (t) => {
          body(t, rt);
          table.set(title, rt, t.passing() ? 'ok' : 'FAIL');
        });
    });
  };

  scenario('features: systemdUser only where it works', (t, rt) => {
    if (rt === 'runc') return void t.pass('runc 1.1.5 always says true');
    const inside = podman(undefined, ['unshare', BIN.runts, 'features']);
    t.equal(inside.code, 0, inside.err);
    t.equal((JSON.parse(inside.out) as Json).linux.cgroup.systemdUser, true, "in podman's user namespace, with XDG_RUNTIME_DIR");
    const r = spawnSync(BIN.runts, ['features'], { encoding: 'utf8', timeout: SLOW, env: { PATH: process.env.PATH } });
    t.equal((JSON.parse(r.stdout) as Json).linux.cgroup.systemdUser, false, 'root without a session bus');
  });

  scenario('--network none --memory 32m: run exec stop rm', (t, rt) => {
    const c = name(rt);
    // TERM ends it (a pid 1 without a handler would ignore it): stop needs no KILL
    const r = podman(rt, ['run', '-d', '--name', c, '--network', 'none', '--memory', '32m', IMAGE, 'sh', '-c', 'trap "exit 7" TERM; sleep 1000 & wait']);
    t.equal(r.code, 0, r.err);
    const id = podman(undefined, ['inspect', c, '--format', '{{.Id}}']).out;
    const ex = podman(undefined, ['exec', c, 'sh', '-c', 'id -u; head -n1 /proc/self/uid_map; cat /sys/fs/cgroup/memory.max']);
    t.equal(ex.code, 0, ex.err);
    const [uidIn, map, max] = ex.out.split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    t.same([uidIn, map, max], ['0', `0 ${uid} 1`, String(32 << 20)], "uid 0 of podman's namespace; memory.max in the container");
    const scope = `${userSlice}/libpod-${id}.scope`;
    t.equal(fs.readFileSync(`${scope}/memory.max`, 'utf8').trim(), String(32 << 20), "the scope of tester's systemd has the limit");
    const unit = as(['systemctl', '--user', 'show', '-p', 'MemoryMax', '-p', 'ActiveState', `libpod-${id}.scope`]);
    t.equal(unit.out, `MemoryMax=${32 << 20}\nActiveState=active`, "and the user's systemd knows it");
    t.ok(fs.existsSync(path.join(STATE[rt], id)), `state in ${STATE[rt]} (podman passes no --root)`);
    const st = podman(undefined, ['stop', '-t', '60', c]);
    t.same([st.code, st.err], [0, ''], 'stop by SIGTERM');
    t.equal(podman(undefined, ['inspect', c, '--format', '{{.State.Status}} {{.State.ExitCode}}']).out, 'exited 7');
    const rm = podman(undefined, ['rm', c]);
    t.equal(rm.code, 0, rm.err);
    t.notOk(fs.existsSync(scope), 'no scope left');
    t.notOk(fs.existsSync(path.join(STATE[rt], id)), 'no state left');
  });

  scenario('default network (slirp4netns): run exec stop rm', (t, rt) => {
    const c = name(rt);
    const r = podman(rt, ['run', '-d', '--name', c, IMAGE, 'sh', '-c', 'trap "exit 7" TERM; sleep 1000 & wait']);
    t.equal(r.code, 0, r.err);
    const ex = podman(undefined, ['exec', c, 'ip', '-4', '-o', 'addr', 'show', 'tap0']);
    t.equal(ex.code, 0, ex.err);
    t.match(ex.out, /inet 10\.0\.2\.100\//, "slirp4netns's tap in the container");
    const st = podman(undefined, ['stop', '-t', '60', c]);
    t.same([st.code, st.err], [0, ''], 'stop by SIGTERM');
    t.equal(podman(undefined, ['rm', c]).code, 0);
  });

  scenario('--cgroup-manager cgroupfs, --memory 32m', (t, rt) => {
    const c = name(rt);
    const r = podman(rt, ['--cgroup-manager', 'cgroupfs', 'run', '-d', '--name', c, '--network', 'none', '--memory', '32m', IMAGE, 'sleep', '1000']);
    t.equal(r.code, 0, r.err);
    const id = podman(undefined, ['inspect', c, '--format', '{{.Id}}']).out;
    t.equal(podman(undefined, ['exec', c, 'cat', '/sys/fs/cgroup/memory.max']).out, String(32 << 20), 'memory.max in the container');
    t.equal(fs.readFileSync(`${userSlice}/${id}/memory.max`, 'utf8').trim(), String(32 << 20), `at ${userSlice}/<id>`);
    t.equal(podman(undefined, ['--cgroup-manager', 'cgroupfs', 'rm', '-f', '-t', '1', c]).code, 0);
    t.notOk(fs.existsSync(`${userSlice}/${id}`), 'its cgroup removed');
  });

  t.test('side by side', async (t) => {
    t.comment('\n' + table.render('rootless podman (tester)'));
  });
}

interface Tap {
  equal(a: unknown, b: unknown, m?: string): void;
  same(a: unknown, b: unknown, m?: string): void;
  match(a: unknown, b: unknown, m?: string): void;
  ok(a: unknown, m?: string): void;
  notOk(a: unknown, m?: string): void;
  pass(m?: string): void;
  passing(): boolean;
}
