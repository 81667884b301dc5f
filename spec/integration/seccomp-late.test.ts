// A late seccomp filter (process.noNewPrivileges: Kubernetes'
// allowPrivilegeEscalation=false with the runtime's default profile) is
// loaded by the sealed exec helper after its wait on the exec fifo, right
// before its execve of the program (docs/DESIGN.md, "seccomp"): the created
// container's init is the small helper, not a fork of the runtime, and the
// profile needs nothing of the runtime's own steps, only execve.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNC, Sandbox, eventually, readState, type Json } from '../lib/harness';
import { PODMAN_PROFILE, podmanSeccomp } from '../fixtures/seccomp/podman';
import { CACHE_DIR } from '../../lib/seccomp/cache';

const noPodman = !fs.existsSync(PODMAN_PROFILE) && `no ${PODMAN_PROFILE}`;
// These run under make test-asan too (seccomp-run.test.ts skips its
// deny-by-default test there): nothing of the init, which carries the ASAN
// runtime, runs under a filter the helper loads.

function status(pid: number): string {
  return fs.readFileSync(`/proc/${pid}/status`, 'utf8');
}

function kB(text: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (!m) throw new Error(`no ${field} in ${text}`);
  return Number(m[1]);
}

t.test("a created container with noNewPrivileges and podman's profile waits in the sealed helper, filtered from its execve on", { skip: noPodman }, async (t) => {
  const s = new Sandbox(t);
  const script = 'grep ^Seccomp: /proc/self/status; rmmod nothing_at_all; echo rmmod=$?';
  const plain = s.bundle((c) => (c.process.args = ['true']));
  const nnp = s.bundle((c) => {
    c.process.noNewPrivileges = true;
    c.linux.seccomp = podmanSeccomp(c.process.capabilities.bounding);
    c.process.args = ['sh', '-c', script];
  });
  try {
    t.equal(s.run(['create', '--bundle', plain, 'plain'], { detached: true }).code, 0);
    const plainAnon = kB(status(readState(s, 'plain').pid as number), 'RssAnon');
    const r = s.run(['create', '--bundle', nnp, 'late'], { detached: true });
    t.equal(r.code, 0, r.stderr);
    const pid = readState(s, 'late').pid as number;
    t.match(fs.readlinkSync(`/proc/${pid}/exe`), /^\/memfd:runts-exec/, 'the waiting init is the sealed helper');
    const st = status(pid);
    const anon = kB(st, 'RssAnon');
    t.ok(anon <= plainAnon + 16, `RssAnon ${anon} kB, as without a profile (${plainAnon} kB)`);
    t.ok(anon < 256, `RssAnon ${anon} kB: none of the runtime's heap (its fork: ~5 MB)`);
    t.match(st, /^Seccomp:\s+0$/m, 'the helper waits unfiltered: the filter comes with the program');
    t.equal(s.run(['start', 'late']).code, 0);
    await eventually(() => readState(s, 'late').status === 'stopped');
    const out = fs.readFileSync(path.join(s.dir, 'detached.out'), 'utf8');
    const err = fs.readFileSync(path.join(s.dir, 'detached.err'), 'utf8');
    t.match(out, /^Seccomp:\s+2$/m, 'the program runs in filter mode');
    t.match(out, /rmmod=1/, 'delete_module is refused');
    t.match(err, /not permitted/i, 'with EPERM, the profile\'s errno');
  } finally {
    s.run(['delete', '--force', 'plain']);
    s.run(['delete', '--force', 'late']);
  }
});

// busybox echo's own syscalls (strace), prctl only as PR_GET_NAME (16), which
// busybox makes: not the helper's PR_SET_DUMPABLE
const PROGRAM = ['brk', 'arch_prctl', 'set_tid_address', 'set_robust_list', 'rseq', 'prlimit64', 'readlink', 'getrandom', 'mprotect', 'getuid', 'write', 'exit_group'];
// what runc 1.1.5's init does under its late filter besides execve: closes its
// pipes, opens and writes the exec fifo, and closes its fds by listing
// /proc/self/fd (found here by removing one at a time), and whatever Go's
// runtime does meanwhile (without futex one run in ten failed)
const RUNC_NEEDS = ['close', 'openat', 'fstatfs', 'getdents64', 'fcntl',
  'futex', 'nanosleep', 'sched_yield', 'mmap', 'munmap', 'madvise', 'rt_sigprocmask', 'rt_sigaction', 'rt_sigreturn',
  'sigaltstack', 'gettid', 'tgkill', 'getpid', 'clone', 'epoll_pwait', 'epoll_ctl', 'exit'];

function allowOnly(names: string[]): Json {
  return {
    // EXDEV: an errno no step gives by itself
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 18,
    syscalls: [
      { names, action: 'SCMP_ACT_ALLOW' },
      { names: ['prctl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 16, op: 'SCMP_CMP_EQ' }] },
    ],
  };
}

function runWith(s: Sandbox, seccomp: Json, id: string) {
  const b = s.bundle((c) => {
    c.process.noNewPrivileges = true;
    c.process.args = ['echo', 'hi'];
    c.linux.seccomp = seccomp;
  });
  return s.run(['run', '-b', b, id]);
}

t.test('a profile of the program\'s syscalls plus execve: the container runs (no execveat, sendto, poll, read, close, prctl)', async (t) => {
  const s = new Sandbox(t);
  const r = runWith(s, allowOnly(['execve', ...PROGRAM]), 'only-execve');
  t.equal(r.code, 0, `exit 0 (${r.stderr.trim()})`);
  t.equal(r.stdout, 'hi\n');
  t.equal(r.stderr, '');
  if (RUNC) {
    // runc 1.1.5 needs more of the profile: it loads the filter before its
    // fifo wait (runts needs less: docs/DESIGN.md, "Where runts differs")
    const rs = new Sandbox(t, RUNC);
    const rr = runWith(rs, allowOnly(['execve', ...PROGRAM]), 'runc-only-execve');
    t.not(rr.code, 0, `runc 1.1.5 fails: ${rr.stderr.trim().split('\n')[0]}`);
  }
});

t.test('differential: a profile runc 1.1.5 runs under (its own steps allowed), runts runs under too', { skip: !RUNC && 'no runc' }, async (t) => {
  const profile = allowOnly(['execve', ...PROGRAM, ...RUNC_NEEDS]);
  const results = [];
  for (const runtime of [RUNC as string, undefined]) {
    const s = new Sandbox(t, runtime);
    const r = runWith(s, profile, 'runc-profile');
    results.push({ code: r.code, stdout: r.stdout });
    t.equal(r.code, 0, `${runtime ?? 'runts'}: exit 0 (${r.stderr.trim()})`);
  }
  t.same(results[1], results[0], 'runts as runc');
});

t.test('a filter the kernel refuses: start runs nothing unfiltered, the helper says why and exits 127', async (t) => {
  const s = new Sandbox(t);
  const seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] };
  const b = s.bundle(
    (c) => {
      c.root.readonly = false;
      c.process.noNewPrivileges = true;
      c.process.args = ['touch', '/ran'];
      c.linux.seccomp = seccomp;
    },
    { copyRootfs: true },
  );
  // the first create builds the filter into the state root's cache
  const built = s.run(['run', '-b', b, 'builds']);
  t.equal(built.code, 0, built.stderr);
  fs.rmSync(path.join(b, 'rootfs', 'ran'));
  const cache = path.join(s.root, CACHE_DIR);
  const [file] = fs.readdirSync(cache);
  // the cached filter, damaged as the kernel refuses it: a 32-bit load at an
  // offset that is not a multiple of 4 (EINVAL), then "return allow"
  const bad = Buffer.alloc(16);
  bad.writeUInt16LE(0x20, 0); // BPF_LD | BPF_W | BPF_ABS
  bad.writeUInt32LE(1, 4);
  bad.writeUInt16LE(0x06, 8); // BPF_RET | BPF_K
  bad.writeUInt32LE(0x7fff0000, 12); // SECCOMP_RET_ALLOW
  fs.writeFileSync(path.join(cache, file), bad);
  const c = s.run(['create', '-b', b, 'refused'], { detached: true });
  t.equal(c.code, 0, `create: the filter is loaded at start (${c.stderr.trim()})`);
  t.equal(s.run(['start', 'refused']).code, 0, 'start released the helper');
  await eventually(() => readState(s, 'refused').status === 'stopped');
  t.equal(fs.readFileSync(path.join(s.dir, 'detached.err'), 'utf8'), 'runts: load seccomp filter: invalid argument\n');
  t.notOk(fs.existsSync(path.join(b, 'rootfs', 'ran')), 'the program did not run');
  s.run(['delete', '--force', 'refused']);
});

/** the seccomp agent fixture; resolves when it listens */
function startAgent(t: Test, sock: string, out: string, answer: number): Promise<void> {
  const agent = spawn('python3', [path.join(__dirname, '..', 'fixtures', 'seccomp', 'agent.py'), sock, out, String(answer)], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    if (agent.exitCode === null) agent.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    agent.stdout.once('data', () => resolve());
    agent.once('exit', (code) => reject(new Error(`agent exited ${code}`)));
  });
}

// A notify filter cannot wait for start: its fd goes to the agent with the
// state while `create` still runs (nobody is there to send it at start). So
// the init loads it before READY and waits on the fifo itself, as before.
t.test('a notify filter with noNewPrivileges: the agent has the fd when create returns, and answers after start', async (t) => {
  const s = new Sandbox(t);
  const sock = path.join(s.dir, 'agent.sock');
  const out = path.join(s.dir, 'agent.json');
  const ENOMEDIUM = 123;
  await startAgent(t, sock, out, ENOMEDIUM);
  const b = s.bundle((c) => {
    c.process.noNewPrivileges = true;
    c.process.args = ['sh', '-c', 'mkdir /tmp/n; echo rc=$?'];
    c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: sock, syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_NOTIFY' }] };
  });
  try {
    const r = s.run(['create', '-b', b, 'notify'], { detached: true });
    t.equal(r.code, 0, r.stderr);
    t.ok(await eventually(() => fs.existsSync(out)), 'the agent got the fd and the state during create');
    t.equal((JSON.parse(fs.readFileSync(out, 'utf8')) as Json).state.state.status, 'creating');
    const pid = readState(s, 'notify').pid as number;
    t.match(status(pid), /^Seccomp:\s+2$/m, 'the waiting init is already filtered');
    t.equal(s.run(['start', 'notify']).code, 0);
    await eventually(() => readState(s, 'notify').status === 'stopped');
    t.match(fs.readFileSync(path.join(s.dir, 'detached.err'), 'utf8'), /No medium found/, 'mkdir got the agent\'s errno');
  } finally {
    s.run(['delete', '--force', 'notify']);
  }
});
