// ENOSYS for syscalls newer than the profile, in real containers: a
// deny-by-default profile that names only old syscalls must answer ENOSYS
// to clone3, close_range, faccessat2 (so glibc and programs fall back to the
// old calls), while a named, denied syscall keeps its errno and an older
// unnamed one gets the default errno. On x86_64 the i386 entry (int $0x80)
// and the x32 numbers are filtered by their own tables.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNC, Sandbox, TOP, type Json } from '../lib/harness';

const SOURCE = path.join(TOP, 'spec', 'fixtures', 'programs', 'raw-syscalls.c');
const x86_64 = process.arch === 'x64';

// x86_64 numbers; i386 ones carry their prefix
const NR = { getpriority: 140, setpriority: 141, clone3: 435, close_range: 436, faccessat2: 439, process_madvise: 440 };
const I386 = { getpriority: 96, setpriority: 97, clone3: 435 };
const EPERM = -1;
const EXDEV = -18;
const ENOSYS = -38;

/**
 * what the raw-syscalls program, runts' init and its sealed exec helper need
 * (prctl: the helper's non-dumpable), nothing newer than rseq (334)
 */
const ALLOW = ['execve', 'execveat', 'prctl', 'brk', 'arch_prctl', 'set_tid_address', 'set_robust_list', 'rseq', 'prlimit64', 'mprotect', 'mmap',
  'munmap', 'uname', 'newfstatat', 'fstat', 'readlink', 'getrandom', 'write', 'writev', 'exit', 'exit_group', 'read', 'close',
  'poll', 'sendto', 'sendmsg', 'ioctl', 'fcntl', 'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn'];

/**
 * runc's Go init does much more under the filter before its execve: every
 * x86_64 syscall up to rseq (334) but the two the tests look at, from the
 * kernel headers (linux-libc-dev, which cc needs anyway)
 */
function oldSyscalls(): string[] {
  const header = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';
  const names = [...fs.readFileSync(header, 'utf8').matchAll(/^#define __NR_(\w+) (\d+)$/gm)]
    .filter((m) => Number(m[2]) <= 334 && m[1] !== 'getpriority' && m[1] !== 'setpriority')
    .map((m) => m[1]);
  if (names.length < 300) throw new Error(`${header}: only ${names.length} syscalls`);
  return names;
}

function profile(extra: Json[] = [], defaultAction = 'SCMP_ACT_ERRNO', allow = ALLOW): Json {
  return {
    defaultAction,
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [
      { names: allow, action: 'SCMP_ACT_ALLOW' },
      { names: ['getpriority'], action: 'SCMP_ACT_ERRNO', errnoRet: 18 },
      ...extra,
    ],
  };
}

/** a bundle whose rootfs has /raw-syscalls, running it on `calls` under `seccomp` */
function bundle(s: Sandbox, seccomp: Json, calls: string[]): string {
  const b = s.bundle(
    (c) => {
      c.process.args = ['/raw-syscalls', ...calls];
      c.process.noNewPrivileges = true;
      c.linux.seccomp = seccomp;
    },
    { copyRootfs: true },
  );
  const cc = spawnSync('cc', ['-static', '-O2', '-o', path.join(b, 'rootfs', 'raw-syscalls'), SOURCE], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`cc: ${cc.stderr}`);
  return b;
}

/** "arg=value" lines -> {arg: value} */
function results(out: string): Record<string, number> {
  return Object.fromEntries(out.trim().split('\n').filter(Boolean).map((l) => [l.split('=')[0], Number(l.split('=')[1])]));
}

// the i386 entry needs IA32 emulation in the kernel: getpid through it on the host
const i386Works = ((): boolean => {
  if (!x86_64) return false;
  const dir = spawnSync('mktemp', ['-d', '/tmp/runts-test-i386.XXXXXX'], { encoding: 'utf8' }).stdout.trim();
  const bin = path.join(dir, 'raw');
  spawnSync('cc', ['-static', '-O2', '-o', bin, SOURCE]);
  const r = spawnSync(bin, ['i386:20'], { encoding: 'utf8' });
  spawnSync('rm', ['-rf', dir]);
  return /^i386:20=[1-9]/.test(r.stdout);
})();

t.test('deny by default: newer syscalls ENOSYS, a named one its errno, an older unnamed one the default', { skip: !x86_64 && 'x86_64 numbers' }, async (t) => {
  const s = new Sandbox(t);
  const calls = [NR.getpriority, NR.setpriority, NR.clone3, NR.close_range, NR.faccessat2, 1000].map(String);
  const i386 = i386Works ? [`i386:${I386.getpriority}`, `i386:${I386.setpriority}`, `i386:${I386.clone3}`, 'i386:1000'] : [];
  const x32 = [`x32:${NR.getpriority}`, `x32:${NR.setpriority}`, 'x32:1000'];
  const r = s.run(['run', '-b', bundle(s, profile(), [...calls, ...i386, ...x32]), 'enosys']);
  t.equal(r.code, 0, r.stderr);
  const got = results(r.stdout);
  t.equal(got[NR.getpriority], EXDEV, 'getpriority, named with errnoRet 18: EXDEV');
  t.equal(got[NR.setpriority], EPERM, 'setpriority, unnamed and older than the newest named (rseq): the default EPERM');
  // before: all EPERM, so glibc's clone3 -> clone and close_range fallbacks never ran
  t.equal(got[NR.clone3], ENOSYS, 'clone3, newer than the profile: ENOSYS');
  t.equal(got[NR.close_range], ENOSYS, 'close_range: ENOSYS');
  t.equal(got[NR.faccessat2], ENOSYS, 'faccessat2: ENOSYS');
  t.equal(got[1000], ENOSYS, 'a number no kernel has yet: ENOSYS');
  if (i386Works) {
    t.equal(got[`i386:${I386.getpriority}`], EXDEV, 'i386 getpriority (96): the rule holds on the i386 table');
    t.equal(got[`i386:${I386.setpriority}`], EPERM, 'i386 setpriority: the default');
    t.equal(got[`i386:${I386.clone3}`], ENOSYS, 'i386 clone3: ENOSYS');
    t.equal(got['i386:1000'], ENOSYS);
  } else t.comment('no IA32 emulation in this kernel: i386 not checked');
  // x32 syscalls reach seccomp as x86_64 with the x32 bit, whether or not the
  // kernel runs x32 programs; x32's execve is 520, so its limit is 520
  t.equal(got[`x32:${NR.getpriority}`], EXDEV, 'x32 getpriority: the rule');
  t.equal(got[`x32:${NR.setpriority}`], EPERM, 'x32 setpriority: the default');
  t.equal(got['x32:1000'], ENOSYS, 'x32 1000: ENOSYS');
});

t.test('a syscall named with the default action is known: it and those under it keep the errno', { skip: !x86_64 && 'x86_64 numbers' }, async (t) => {
  const s = new Sandbox(t);
  const seccomp = profile([{ names: ['process_madvise'], action: 'SCMP_ACT_ERRNO' }]);
  const r = s.run(['run', '-b', bundle(s, seccomp, [NR.clone3, NR.process_madvise, NR.process_madvise + 1].map(String)), 'known']);
  t.equal(r.code, 0, r.stderr);
  const got = results(r.stdout);
  t.equal(got[NR.process_madvise], EPERM, 'process_madvise (440), named: EPERM');
  t.equal(got[NR.clone3], EPERM, 'clone3 (435), older than process_madvise: EPERM');
  t.equal(got[NR.process_madvise + 1], ENOSYS, '441, newer than everything named: ENOSYS');
});

t.test('kill by default: a newer syscall gets ENOSYS and the process lives; an older one kills', { skip: !x86_64 && 'x86_64 numbers' }, async (t) => {
  const s = new Sandbox(t);
  const seccomp = profile([], 'SCMP_ACT_KILL_PROCESS');
  const r = s.run(['run', '-b', bundle(s, seccomp, [String(NR.clone3), String(NR.faccessat2)]), 'kill-new']);
  t.equal(r.code, 0, r.stderr);
  t.same(results(r.stdout), { [NR.clone3]: ENOSYS, [NR.faccessat2]: ENOSYS });
  const old = s.run(['run', '-b', bundle(s, seccomp, [String(NR.setpriority)]), 'kill-old']);
  t.equal(old.code, 128 + 31, 'setpriority, unnamed and old: SIGSYS');
});

t.test('an exec\'d process gets the same filter, stub included', { skip: !x86_64 && 'x86_64 numbers' }, async (t) => {
  const s = new Sandbox(t);
  const b = bundle(s, profile([{ names: ['pause'], action: 'SCMP_ACT_ALLOW' }]), ['pause']);
  const r = s.run(['run', '-d', '-b', b, 'exec-enosys'], { detached: true });
  t.equal(r.code, 0, r.stderr);
  const e = s.run(['exec', 'exec-enosys', '/raw-syscalls', String(NR.getpriority), String(NR.setpriority), String(NR.clone3)]);
  t.equal(e.code, 0, e.stderr);
  t.same(results(e.stdout), { [NR.getpriority]: EXDEV, [NR.setpriority]: EPERM, [NR.clone3]: ENOSYS });
  t.equal(s.run(['delete', '--force', 'exec-enosys']).code, 0);
});

t.test('runts answers as runc 1.1.5 does, under the long allow list runc needs', { skip: (!RUNC && 'no runc') || (!x86_64 && 'x86_64 numbers') }, async (t) => {
  const calls = [NR.getpriority, NR.setpriority, NR.clone3, NR.close_range, 1000].map(String).concat(['x32:1000', `x32:${NR.setpriority}`]);
  const want = {
    [NR.getpriority]: EXDEV,
    [NR.setpriority]: EPERM,
    [NR.clone3]: ENOSYS,
    [NR.close_range]: ENOSYS,
    1000: ENOSYS,
    'x32:1000': ENOSYS,
    [`x32:${NR.setpriority}`]: EPERM,
  };
  for (const runtime of [RUNC as string, undefined]) {
    const s = new Sandbox(t, runtime);
    const r = s.run(['run', '-b', bundle(s, profile([], 'SCMP_ACT_ERRNO', oldSyscalls()), calls), 'long-list']);
    t.equal(r.code, 0, r.stderr);
    t.same(results(r.stdout), want, runtime ?? 'runts');
  }
});
