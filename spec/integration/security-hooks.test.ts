// Issue 16 item 4: startContainer hooks run from the container's init, after
// `start` releases it and before the process's execve, with what the process
// has: its user, capabilities, no_new_privs, seccomp filter and cgroup
// (runc's standard_init_linux.go). Each test runs the hook in a real
// container and compares it with the container's process, or has the
// container's own restrictions stop the hook.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, errorMessage, eventually, readState, type Json } from '../lib/harness';

/** what a process says about itself; the hook and the process both write it */
const SELF =
  'grep -E "^(Uid|Gid|CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status; echo "cgroup $(cat /proc/self/cgroup | tr "\\n" " ")"; echo "fds $(ls /proc/self/fd | tr "\\n" " ")"';

/** a bundle with its own rootfs and a world-writable /out for what the hook and the process write */
function outBundle(s: Sandbox, edit: (c: Json) => void): { b: string; out: string } {
  const b = s.bundle(
    (c) => {
      c.root.readonly = false;
      edit(c);
    },
    { copyRootfs: true },
  );
  // other tests leave mount points in the shared rootfs, which the copy has
  const out = path.join(b, 'rootfs', 'out');
  fs.mkdirSync(out, { recursive: true });
  fs.chmodSync(out, 0o777);
  return { b, out };
}

const sh = (script: string, extra: Json = {}): Json => ({ path: '/bin/sh', args: ['sh', '-c', script], ...extra });

const profile = (action: string, extra: Json = {}): Json => ({
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: [{ names: ['mkdir', 'mkdirat'], action, ...extra }],
});

t.test("a startContainer hook has the process's uid, capabilities, no_new_privs, seccomp and cgroup", async (t) => {
  const s = new Sandbox(t);
  for (const nnp of [false, true]) {
    const id = `creds-${nnp}`;
    const { b, out } = outBundle(s, (c) => {
      c.process.user = { uid: 1000, gid: 1000 };
      c.process.noNewPrivileges = nnp;
      c.process.args = ['sh', '-c', `(${SELF}) > /out/process`];
      c.linux.seccomp = profile('SCMP_ACT_ERRNO', { errnoRet: 1 });
      c.hooks = { startContainer: [sh(`(${SELF}) > /out/hook; cat > /out/state`)] };
    });
    t.equal(s.run(['create', '-b', b, id], { detached: true }).code, 0, 'create');
    const pid = readState(s, id).pid as number;
    const r = s.run(['start', id]);
    t.equal(r.code, 0, `start (${r.stderr.trim()})`);
    t.equal(s.run(['delete', '--force', id]).code, 0);
    const hook = fs.readFileSync(path.join(out, 'hook'), 'utf8');
    const proc = fs.readFileSync(path.join(out, 'process'), 'utf8');
    t.equal(hook, proc, `noNewPrivileges=${nnp}: the hook says what the process says about itself`);
    t.match(hook, /^Uid:\s+1000\s+1000\s+1000\s+1000$/m, 'uid 1000, not the runtime root');
    t.match(hook, /^CapEff:\s+0000000000000000$/m, 'no effective capabilities');
    t.match(hook, /^Seccomp:\s+2$/m, 'under the seccomp filter');
    t.match(hook, new RegExp(`^NoNewPrivs:\\s+${nnp ? 1 : 0}$`, 'm'));
    t.match(hook, /^fds 0 1 2 3 $/m, 'stdio only (3 is ls reading the directory)');
    const state = JSON.parse(fs.readFileSync(path.join(out, 'state'), 'utf8')) as Json;
    t.match(state, { id, status: 'created', pid, bundle: b }, 'the state on stdin');
  }
});

t.test('a startContainer hook gets the errno the seccomp profile gives', async (t) => {
  const s = new Sandbox(t);
  const { b, out } = outBundle(s, (c) => {
    c.process.args = ['true'];
    c.linux.seccomp = profile('SCMP_ACT_ERRNO', { errnoRet: 1 });
    c.hooks = { startContainer: [sh('if mkdir /out/made; then echo made; else echo refused; fi > /out/hook')] };
  });
  const r = s.run(['run', '-b', b, 'errno']);
  t.equal(r.code, 0, `run (${r.stderr.trim()})`);
  t.equal(fs.readFileSync(path.join(out, 'hook'), 'utf8'), 'refused\n', 'mkdir is refused in the hook');
  t.notOk(fs.existsSync(path.join(out, 'made')));
});

t.test('a hook killed by the seccomp profile fails start, the process never runs (runc: seccomp.bats startContainer hook)', async (t) => {
  const s = new Sandbox(t);
  const { b, out } = outBundle(s, (c) => {
    c.process.args = ['sh', '-c', 'echo ran > /out/process'];
    c.linux.seccomp = profile('SCMP_ACT_KILL');
    c.hooks = { startContainer: [sh('echo before > /out/hook; mkdir /out/made')] };
  });
  t.equal(s.run(['create', '-b', b, 'killed'], { detached: true }).code, 0, 'create');
  const r = s.run(['start', 'killed']);
  t.equal(r.code, 1, 'start fails');
  t.match(errorMessage(r.stderr), /^error running startContainer hook #0: error running hook: signal: bad system call, stdout: , stderr: $/);
  t.equal(fs.readFileSync(path.join(out, 'hook'), 'utf8'), 'before\n', 'the hook ran up to the denied syscall');
  t.notOk(fs.existsSync(path.join(out, 'made')));
  t.notOk(fs.existsSync(path.join(out, 'process')), 'the process never ran');
  t.equal(errorMessage(s.run(['state', 'killed']).stderr), 'container does not exist', 'the container is destroyed (runtime.md lifecycle 7)');

  // runc run prints its words and exits non-zero
  const r2 = s.run(['run', '-b', b, 'killed-run']);
  t.not(r2.code, 0);
  t.match(r2.stderr, /error running hook/);
  t.match(r2.stderr, /bad system call/);
  t.notOk(fs.existsSync(path.join(out, 'process')), 'the process never ran');
});

/** host pids whose command line is exactly argv */
function processesRunning(argv: string[]): number[] {
  const want = argv.join('\0') + '\0';
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/cmdline`, 'utf8') === want;
      } catch {
        return false;
      }
    })
    .map(Number);
}

t.test('a startContainer hook past its timeout is killed and fails start', async (t) => {
  const s = new Sandbox(t);
  // a command line no other process has
  const marker = ['sleep', String(86400 + Math.floor(Math.random() * 100000))];
  t.teardown(() => processesRunning(marker).forEach((p) => process.kill(p, 'SIGKILL')));
  const { b, out } = outBundle(s, (c) => {
    c.process.args = ['sh', '-c', 'echo ran > /out/process'];
    // no pid namespace: nothing but the init can end the hook
    c.linux.namespaces = c.linux.namespaces.filter((n: Json) => n.type !== 'pid');
    c.hooks = { startContainer: [sh(`exec ${marker.join(' ')}`, { timeout: 1 })] };
  });
  t.equal(s.run(['create', '-b', b, 'slow'], { detached: true }).code, 0, 'create');
  const r = s.run(['start', 'slow']);
  t.equal(r.code, 1, 'start fails');
  t.equal(errorMessage(r.stderr), 'error running startContainer hook #0: timeout after 1 seconds');
  t.same(processesRunning(marker), [], 'the hook was killed, nothing of it is left');
  t.notOk(fs.existsSync(path.join(out, 'process')), 'the process never ran');
  t.equal(errorMessage(s.run(['state', 'slow']).stderr), 'container does not exist');
});

t.test('a startContainer hook never runs a host binary as /proc/self/exe (CVE-2019-5736)', async (t) => {
  const s = new Sandbox(t);
  const { b, out } = outBundle(s, (c) => {
    c.process.args = ['sh', '-c', 'echo ran > /out/process'];
    c.hooks = { startContainer: [{ path: '/evil' }] };
  });
  // as an interpreter, the host binary would run this; the sealed helper refuses
  fs.writeFileSync(path.join(b, 'rootfs', 'evil'), '#!/proc/self/exe\necho host binary ran > /out/evil\n', { mode: 0o755 });
  t.equal(s.run(['create', '-b', b, 'evil'], { detached: true }).code, 0, 'create');
  const r = s.run(['start', 'evil']);
  t.equal(r.code, 1, 'start fails');
  t.match(errorMessage(r.stderr), /^error running startContainer hook #0: error running hook: exit status 127, stdout: , stderr: runts: the sealed exec helper refuses to run as an interpreter/);
  t.notOk(fs.existsSync(path.join(out, 'evil')));
  t.notOk(fs.existsSync(path.join(out, 'process')));
});

t.test("a startContainer hook gets its args and env, or the process's env when it names none (runc's init)", async (t) => {
  const s = new Sandbox(t);
  const { b, out } = outBundle(s, (c) => {
    c.process.args = ['true'];
    c.process.env = [...c.process.env, 'FROM_PROCESS=yes'];
    c.hooks = {
      startContainer: [
        { path: '/bin/sh', args: ['sh', '-c', 'echo "$0 $1 FROM_PROCESS=${FROM_PROCESS-unset} OWN=${OWN-unset}" > /out/own', 'zero', 'first'], env: ['OWN=1'] },
        sh('echo "FROM_PROCESS=${FROM_PROCESS-unset} OWN=${OWN-unset}" > /out/inherited'),
      ],
    };
  });
  const r = s.run(['run', '-b', b, 'env']);
  t.equal(r.code, 0, `run (${r.stderr.trim()})`);
  t.equal(fs.readFileSync(path.join(out, 'own'), 'utf8'), 'zero first FROM_PROCESS=unset OWN=1\n', 'argv as given, its own env only');
  t.equal(fs.readFileSync(path.join(out, 'inherited'), 'utf8'), 'FROM_PROCESS=yes OWN=unset\n', "no env: the process's");
});

t.test('a cut state (start killed while it wrote) never reaches a hook: the init stops', async (t) => {
  const s = new Sandbox(t);
  const { b, out } = outBundle(s, (c) => {
    c.process.args = ['sh', '-c', 'echo ran > /out/process'];
    c.hooks = { startContainer: [sh('cat > /out/state')] };
  });
  t.equal(s.run(['create', '-b', b, 'cut'], { detached: true }).code, 0, 'create');
  // what a start SIGKILLed in the middle of its write leaves in the exec fifo
  const fd = fs.openSync(path.join(s.root, 'cut', 'exec.fifo'), fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  fs.writeSync(fd, '400\n{"ociVersion":"1.3.0","id":"cut"');
  fs.closeSync(fd);
  t.ok(await eventually(() => readState(s, 'cut').status === 'stopped'), 'the init ended');
  t.notOk(fs.existsSync(path.join(out, 'state')), 'no hook ran');
  t.notOk(fs.existsSync(path.join(out, 'process')), 'nor the process');
});
