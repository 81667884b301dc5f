// seccomp in real containers: podman's default profile, errno rules, argument
// filters with every operator, kill actions, when the filter is in place, and
// a notify agent that receives the fd with the state and answers a syscall.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNC, Sandbox, errorMessage, eventually, mountsMention, readState, type Json } from '../lib/harness';
import { PODMAN_PROFILE, podmanSeccomp } from '../fixtures/seccomp/podman';

const AGENT = path.join(__dirname, '..', 'fixtures', 'seccomp', 'agent.py');
const SIGSYS = 31;

/** the sample bundle running `args`, with linux.seccomp = seccomp */
function bundle(s: Sandbox, seccomp: Json, args: string[], edit: (c: Json) => void = () => {}): string {
  return s.bundle((c) => {
    c.process.args = args;
    c.linux.seccomp = seccomp;
    edit(c);
  });
}

function nothingLeft(t: Test, s: Sandbox, id: string, b: string): void {
  t.notOk(fs.existsSync(path.join(s.root, id)), 'no state directory');
  t.notOk(fs.existsSync(`/sys/fs/cgroup/pids${s.cgroupParent}/${path.basename(b)}`), 'no cgroup');
  t.same(mountsMention(b), [], 'no mount');
}

const noNewPrivs = [true, false];

t.test("podman's default profile: a busybox container runs under it", { skip: !fs.existsSync(PODMAN_PROFILE) && `no ${PODMAN_PROFILE}` }, async (t) => {
  const s = new Sandbox(t);
  for (const nnp of noNewPrivs) {
    // without no_new_privs the filter goes in before capabilities drop and
    // also covers the rest of the set-up: that must pass under podman's profile
    const b = s.bundle((c) => {
      c.process.noNewPrivileges = nnp;
      c.linux.seccomp = podmanSeccomp(c.process.capabilities.bounding);
      // a syscall podman's profile denies (module loading needs CAP_SYS_MODULE)
      c.process.args = ['sh', '-c', 'grep ^Seccomp: /proc/self/status; ls / >/dev/null && echo ls-ok; echo x > /dev/null; rmmod nothing_at_all; echo rmmod=$?'];
    });
    const r = s.run(['run', '-b', b, `podman-${nnp}`]);
    t.equal(r.code, 0, `noNewPrivileges=${nnp}: exit 0 (${r.stderr.trim()})`);
    t.match(r.stdout, /^Seccomp:\s+2$/m, 'in filter mode');
    t.match(r.stdout, /ls-ok/);
    t.match(r.stdout, /rmmod=1/, 'delete_module is refused');
    t.match(r.stderr, /Operation not permitted|not permitted/i, 'with EPERM');
  }
});

t.test('an errno rule: mkdir fails with the errnoRet given, mkdirat too', async (t) => {
  const s = new Sandbox(t);
  const seccomp = {
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 28 }],
  };
  const b = bundle(s, seccomp, ['sh', '-c', 'mkdir /tmp/x; echo rc=$?; rmdir /nonexistent 2>/dev/null; echo rmdir=$?']);
  const r = s.run(['run', '-b', b, 'errno']);
  t.equal(r.code, 0);
  t.match(r.stdout, /rc=1/);
  t.match(r.stderr, /can't create directory '\/tmp\/x': No space left on device/, 'ENOSPC (28), not the EROFS the read-only root would give');
  t.match(r.stdout, /rmdir=1/, 'other syscalls unaffected');

  // without errnoRet: EPERM; and through the default action with defaultErrnoRet
  const b2 = bundle(s, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }, ['mkdir', '/tmp/y']);
  const r2 = s.run(['run', '-b', b2, 'eperm']);
  t.equal(r2.code, 1);
  t.match(r2.stderr, /Operation not permitted/);
});

// noNewPrivileges (the sample's): the sealed exec helper loads the filter
// right before the program's execve, so this runs under make test-asan too
// (the instrumented init makes no syscall under it)
t.test('the default action with defaultErrnoRet', async (t) => {
  const s = new Sandbox(t);
  // everything errs with EXDEV but what sh and mkdir need to start and report
  const allow = ['execve', 'brk', 'arch_prctl', 'set_tid_address', 'getuid', 'geteuid', 'getpid', 'getppid', 'rt_sigaction',
    'rt_sigprocmask', 'rt_sigreturn', 'write', 'writev', 'exit', 'exit_group', 'mmap', 'munmap', 'mprotect', 'read', 'close',
    'ioctl', 'fcntl', 'sendmsg', 'poll', 'sendto', 'prctl', 'capget', 'capset', 'setgroups', 'setresuid', 'setresgid', 'umask', 'chdir', 'getcwd', 'newfstatat', 'stat', 'access', 'faccessat', 'faccessat2', 'statx', 'uname', 'set_robust_list', 'rseq', 'prlimit64'];
  const b = bundle(s, { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 18, syscalls: [{ names: allow, action: 'SCMP_ACT_ALLOW' }] }, ['mkdir', '/tmp/z']);
  const r = s.run(['run', '-b', b, 'deferrno']);
  t.equal(r.code, 1);
  t.match(r.stderr, /Invalid cross-device link/, 'EXDEV (18) from the default action');
});

t.test('argument filters: every operator on personality(2)', async (t) => {
  const s = new Sandbox(t);
  // linux32 calls personality(PER_LINUX32 = 8), linux64 personality(PER_LINUX = 0)
  const cases: [string, Json, boolean, boolean][] = [
    ['SCMP_CMP_EQ', { value: 8 }, true, false],
    ['SCMP_CMP_NE', { value: 8 }, false, true],
    ['SCMP_CMP_GT', { value: 4 }, true, false],
    ['SCMP_CMP_GE', { value: 8 }, true, false],
    ['SCMP_CMP_LT', { value: 8 }, false, true],
    ['SCMP_CMP_LE', { value: 0 }, false, true],
    ['SCMP_CMP_MASKED_EQ', { value: 0xff, valueTwo: 8 }, true, false],
    ['SCMP_CMP_MASKED_EQ', { value: 0x0f00, valueTwo: 0 }, true, true],
  ];
  for (const [op, vals, denies32, denies64] of cases) {
    const seccomp = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 0, op, ...vals }] }],
    };
    const b = bundle(s, seccomp, ['sh', '-c', 'linux32 true; echo l32=$?; linux64 true; echo l64=$?']);
    const r = s.run(['run', '-b', b, `arg-${op.toLowerCase()}-${vals.value}`]);
    t.equal(r.code, 0, `${op} ${JSON.stringify(vals)}: runs`);
    t.match(r.stdout, denies32 ? /l32=1/ : /l32=0/, `${op}: personality(8) ${denies32 ? 'denied' : 'allowed'}`);
    t.match(r.stdout, denies64 ? /l64=1/ : /l64=0/, `${op}: personality(0) ${denies64 ? 'denied' : 'allowed'}`);
  }
});

t.test('kill actions end the process with SIGSYS; trap raises SIGSYS', async (t) => {
  const s = new Sandbox(t);
  for (const action of ['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP']) {
    const b = bundle(s, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action }] }, ['mkdir', '/tmp/k']);
    const r = s.run(['run', '-b', b, action.toLowerCase().replace(/_/g, '-')]);
    t.equal(r.code, 128 + SIGSYS, `${action}: killed by SIGSYS (exit ${r.code})`);
  }
  if (RUNC) {
    // runc 1.1.5 ends the same way
    const rs = new Sandbox(t, RUNC);
    const b = bundle(rs, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_KILL' }] }, ['mkdir', '/tmp/k']);
    const rr = rs.run(['run', '-b', b, 'runc-kill']);
    t.equal(rr.code, 128 + SIGSYS, `runc: the same exit ${rr.stderr}`);
  }
});

t.test('SCMP_ACT_LOG and flags load', async (t) => {
  const s = new Sandbox(t);
  const b = bundle(
    s,
    {
      defaultAction: 'SCMP_ACT_ALLOW',
      flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_LOG' }, { names: ['not_a_syscall_anywhere'], action: 'SCMP_ACT_ERRNO' }],
    },
    ['sh', '-c', 'mkdir /tmp/l; echo rc=$?; grep ^Seccomp: /proc/self/status'],
  );
  const r = s.run(['run', '-b', b, 'log']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /Read-only file system/, 'LOG lets the syscall run (the root is read-only)');
  t.match(r.stdout, /Seccomp:\s+2/);
});

// An early filter (no noNewPrivileges) is loaded by the init before its
// capabilities drop, so the waiting init is filtered; a late one is loaded by
// the sealed exec helper after start, right before the program's execve
// (seccomp-late.test.ts): the waiting helper is not, the program is.
t.test('when the filter is in place: at create without noNewPrivileges, at the execve with it', async (t) => {
  const s = new Sandbox(t);
  for (const nnp of noNewPrivs) {
    const id = `created-${nnp}`;
    const b = bundle(s, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] }, ['grep', '^Seccomp:', '/proc/self/status'], (c) => {
      c.process.noNewPrivileges = nnp;
    });
    const r = s.run(['create', '-b', b, id], { detached: true });
    t.equal(r.code, 0, r.stderr);
    const pid = readState(s, id).pid as number;
    t.match(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), nnp ? /^Seccomp:\s+0$/m : /^Seccomp:\s+2$/m, `noNewPrivileges=${nnp}: the waiting init is ${nnp ? 'not yet filtered' : 'filtered'}`);
    t.equal(s.run(['start', id]).code, 0, 'start works (under an early filter: poll/read/execve allowed)');
    await eventually(() => readState(s, id).status === 'stopped');
    t.match(fs.readFileSync(path.join(s.dir, 'detached.out'), 'utf8'), /^Seccomp:\s+2$/m, 'the program is filtered');
    t.equal(s.run(['delete', '--force', id]).code, 0);
  }
});

t.test('bad seccomp input: one error naming the field, nothing left behind', async (t) => {
  const s = new Sandbox(t);
  const cases: [string, Json, RegExp][] = [
    ['unknown action', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_FOO' }] }, /\/linux\/seccomp\/syscalls\/0\/action: /],
    ['unknown arch', { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_VAX'] }, /\/linux\/seccomp\/architectures\/0: /],
    ['errnoRet on ALLOW', { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', errnoRet: 1 }] }, /\/linux\/seccomp\/syscalls\/0\/errnoRet: SCMP_ACT_ALLOW does not take an errno/],
    ['notify without a listener', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] }, /\/linux\/seccomp\/listenerPath: required/],
    ['an arch libseccomp 2.5 lacks', { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_M68K'] }, /\/linux\/seccomp\/architectures\/0: this libseccomp cannot build filters for the architecture/],
    ['a listener nobody listens on', { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/nonexistent/agent.sock', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] }, /failed to connect with seccomp agent \/nonexistent\/agent.sock: no such file or directory/],
  ];
  for (const [name, seccomp, re] of cases) {
    const b = bundle(s, seccomp, ['true']);
    const id = name.replace(/\W+/g, '-');
    const r = s.run(['create', '-b', b, id]);
    t.equal(r.code, 1, `${name}: exit 1`);
    t.match(errorMessage(r.stderr), re, `${name}: ${errorMessage(r.stderr)}`);
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    nothingLeft(t, s, id, b);
  }
});

/** starts the agent; resolves when it listens */
function startAgent(t: Test, sock: string, out: string, answer: number): Promise<void> {
  const agent = spawn('python3', [AGENT, sock, out, String(answer)], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    if (agent.exitCode === null) agent.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    agent.stdout.once('data', () => resolve());
    agent.once('exit', (code) => reject(new Error(`agent exited ${code}`)));
  });
}

t.test('SCMP_ACT_NOTIFY: the agent gets the fd and the state, and answers mkdir', async (t) => {
  const s = new Sandbox(t);
  for (const nnp of noNewPrivs) {
    const sock = path.join(s.dir, `agent-${nnp}.sock`);
    const out = path.join(s.dir, `agent-${nnp}.json`);
    const ENOMEDIUM = 123;
    await startAgent(t, sock, out, ENOMEDIUM);
    const id = `notify-${nnp}`;
    const b = bundle(
      s,
      {
        defaultAction: 'SCMP_ACT_ALLOW',
        listenerPath: sock,
        listenerMetadata: 'MKNOD=/dev/null;answer=ENOMEDIUM',
        // TSYNC with a listener needs TSYNC_ESRCH, which the plan adds
        flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV', 'SECCOMP_FILTER_FLAG_TSYNC'],
        syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_NOTIFY' }],
      },
      ['sh', '-c', 'mkdir /tmp/n; echo rc=$?'],
      (c) => {
        c.process.noNewPrivileges = nnp;
        c.annotations = { 'org.example/k': 'v' };
      },
    );
    const r = s.run(['run', '-b', b, id]);
    t.equal(r.code, 0, `noNewPrivileges=${nnp}: ${r.stderr}`);
    t.match(r.stderr, /No medium found/, 'mkdir got the errno the agent answered');
    t.match(r.stdout, /rc=1/);
    const got = JSON.parse(fs.readFileSync(out, 'utf8')) as Json;
    t.equal(got.nfds, 1, 'one fd, by SCM_RIGHTS');
    t.same(got.state.fds, ['seccompFd']);
    t.equal(got.state.metadata, 'MKNOD=/dev/null;answer=ENOMEDIUM');
    t.equal(got.state.ociVersion, '1.3.0');
    t.type(got.state.pid, 'number');
    t.same(got.state.state, {
      ociVersion: '1.3.0',
      id,
      status: 'creating',
      pid: got.state.pid,
      bundle: b,
      annotations: { 'org.example/k': 'v' },
    });
    t.ok(got.syscalls.length >= 1, `the agent answered ${got.syscalls.length} syscall(s)`);
  }
});
