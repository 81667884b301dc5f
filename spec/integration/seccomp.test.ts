// seccomp without containers: the tables against the schema, the config ->
// SeccompPlan conversion (pure), and the BPF the addon builds from a plan.
import t from 'tap';
import * as fs from 'node:fs';
import { SECCOMP_ACTIONS, SECCOMP_ARCHES, SECCOMP_FLAGS, SECCOMP_OPERATORS } from '../../lib/config/schema';
import type { Seccomp } from '../../lib/config/types';
import * as native from '../../lib/native';
import { planSeccomp, SeccompError, type SeccompInput, type SeccompPlan } from '../../lib/seccomp/plan';
import {
  SECCOMP_ACTION_VALUES,
  SECCOMP_ARCH_TOKENS,
  SECCOMP_FLAG_BITS,
  SECCOMP_FLAG_NEW_LISTENER,
  SECCOMP_FLAG_TSYNC_ESRCH,
  SECCOMP_OPERATOR_VALUES,
  seccompFeatures,
} from '../../lib/seccomp/tables';
import { PODMAN_PROFILE, podmanSeccomp } from '../fixtures/seccomp/podman';
import { buildFilter } from '../../lib/seccomp/cache';
import { RET_ERRNO_ENOSYS, X32_SYSCALL_BIT } from '../../lib/seccomp/enosys';
import { decodeBpf, runBpf } from '../lib/cbpf';

const SYS_ADMIN = 1n << 21n;
const ERRNO = 0x00050000;

function input(over: Partial<SeccompInput> = {}): SeccompInput & { warnings: string[] } {
  const warnings: string[] = [];
  return { id: 'c1', bundle: '/b', noNewPrivileges: true, capEffective: 0n, warn: (m) => warnings.push(m), warnings, ...over };
}

function plan(s: Seccomp, over: Partial<SeccompInput> = {}): SeccompPlan {
  const p = planSeccomp(s, input(over));
  if (!p) throw new Error('no plan');
  return p;
}

t.test('tables cover exactly the names the schema accepts', async (t) => {
  t.same(Object.keys(SECCOMP_ACTION_VALUES).sort(), [...SECCOMP_ACTIONS].sort());
  t.same(Object.keys(SECCOMP_OPERATOR_VALUES).sort(), [...SECCOMP_OPERATORS].sort());
  t.same(Object.keys(SECCOMP_ARCH_TOKENS).sort(), [...SECCOMP_ARCHES].sort());
  t.same(Object.keys(SECCOMP_FLAG_BITS).sort(), [...SECCOMP_FLAGS].sort());
  // libseccomp's own numbers (seccomp.h), the ones that matter most
  t.equal(SECCOMP_ACTION_VALUES.SCMP_ACT_KILL, 0);
  t.equal(SECCOMP_ACTION_VALUES.SCMP_ACT_KILL_PROCESS, 0x80000000);
  t.equal(SECCOMP_ACTION_VALUES.SCMP_ACT_NOTIFY, 0x7fc00000);
  t.equal(SECCOMP_OPERATOR_VALUES.SCMP_CMP_MASKED_EQ, 7);
  t.equal(SECCOMP_ARCH_TOKENS.SCMP_ARCH_X86_64, 0xc000003e);
});

t.test('features come from the same tables', async (t) => {
  const f = seccompFeatures();
  t.equal(f.enabled, true);
  t.same(f.actions, [...SECCOMP_ACTIONS].sort());
  t.same(f.operators, [...SECCOMP_OPERATORS].sort());
  t.same(f.knownFlags, [...SECCOMP_FLAGS]);
  // on this machine, probed through the addon
  const real = seccompFeatures(native.seccompFlagSupported, native.seccompArchSupported);
  t.ok(real.archs.includes('SCMP_ARCH_X86_64'));
  t.ok(real.archs.includes('SCMP_ARCH_X86'));
  t.ok(real.supportedFlags.includes('SECCOMP_FILTER_FLAG_LOG'), `kernel flags: ${real.supportedFlags.join(' ')}`);
  t.notOk(native.seccompFlagSupported(1 << 30), 'an unknown flag bit is not supported');
});

t.test('no seccomp section, no plan', async (t) => {
  t.equal(planSeccomp(undefined, input()), null);
});

t.test('actions, errno and the default errno', async (t) => {
  const p = plan({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 38,
    syscalls: [
      { names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 28 },
      { names: ['rmdir'], action: 'SCMP_ACT_ERRNO' },
      { names: ['ptrace'], action: 'SCMP_ACT_TRACE' },
      { names: ['getpid', 'getppid'], action: 'SCMP_ACT_ALLOW' },
      { names: ['reboot'], action: 'SCMP_ACT_KILL_PROCESS' },
    ],
  });
  t.equal(p.defaultAction, ERRNO | 38);
  t.same(
    p.rules.map((r) => [r.syscall, r.action, r.field]),
    [
      ['mkdir', ERRNO | 28, '/linux/seccomp/syscalls/0'],
      ['rmdir', ERRNO | 1, '/linux/seccomp/syscalls/1'],
      ['ptrace', 0x7ff00000 | 1, '/linux/seccomp/syscalls/2'],
      ['getpid', 0x7fff0000, '/linux/seccomp/syscalls/3'],
      ['getppid', 0x7fff0000, '/linux/seccomp/syscalls/3'],
      ['reboot', 0x80000000, '/linux/seccomp/syscalls/4'],
    ],
  );
  // default ERRNO without defaultErrnoRet is EPERM
  t.equal(plan({ defaultAction: 'SCMP_ACT_ERRNO' }).defaultAction, ERRNO | 1);
});

t.test('a rule with the default action is dropped (libseccomp refuses it; runc skips it)', async (t) => {
  const p = plan({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }, { names: ['b'], action: 'SCMP_ACT_ERRNO', errnoRet: 2 }] });
  t.same(p.rules.map((r) => r.syscall), ['b']);
});

t.test('arguments: values as 64-bit, all operators, one rule per condition on a repeated index', async (t) => {
  const p = plan({
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [
      {
        names: ['personality'],
        action: 'SCMP_ACT_ERRNO',
        args: [
          { index: 0, value: 0xffffffff, valueTwo: 8, op: 'SCMP_CMP_MASKED_EQ' },
          { index: 1, value: 2 ** 40, op: 'SCMP_CMP_GT' },
        ],
      },
      {
        names: ['clone'],
        action: 'SCMP_ACT_ERRNO',
        args: [
          { index: 0, value: 1, op: 'SCMP_CMP_EQ' },
          { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
        ],
      },
    ],
  });
  t.same(p.rules[0].args, [
    { index: 0, op: 7, value: 0xffffffffn, valueTwo: 8n },
    { index: 1, op: 6, value: 1n << 40n, valueTwo: 0n },
  ]);
  t.equal(p.rules.length, 3, 'clone: two rules, OR-ed, as runc does');
  t.same(p.rules.slice(1).map((r) => r.args.map((a) => a.value)), [[1n], [2n]]);
  for (const op of SECCOMP_OPERATORS) {
    const q = plan({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['x'], action: 'SCMP_ACT_LOG', args: [{ index: 5, value: 3, op }] }] });
    t.equal(q.rules[0].args[0].op, SECCOMP_OPERATOR_VALUES[op], op);
  }
});

t.test('when the filter goes in: no_new_privs, else CAP_SYS_ADMIN, else early', async (t) => {
  const s: Seccomp = { defaultAction: 'SCMP_ACT_ALLOW' };
  t.equal(plan(s, { noNewPrivileges: true }).early, false, 'no_new_privs: last, before exec');
  t.equal(plan(s, { noNewPrivileges: false, capEffective: SYS_ADMIN }).early, false, 'the container keeps CAP_SYS_ADMIN: last');
  t.equal(plan(s, { noNewPrivileges: false, capEffective: 1n << 5n }).early, true, 'neither: before capabilities are dropped');
});

t.test('flags', async (t) => {
  const p = plan({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC'] });
  t.equal(p.flags, 2 | 4 | 1);
  const warnings: string[] = [];
  const q = planSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] }, { ...input(), warn: (m) => warnings.push(m) });
  t.equal(q?.flags, 0, 'WAIT_KILLABLE_RECV without a listener is dropped (the kernel would refuse it)');
  t.match(warnings[0], /WAIT_KILLABLE_RECV ignored/);
  const n = plan({
    defaultAction: 'SCMP_ACT_ALLOW',
    flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],
    listenerPath: '/run/agent.sock',
    syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }],
  });
  t.equal(n.flags, 1 | 32 | SECCOMP_FLAG_NEW_LISTENER | SECCOMP_FLAG_TSYNC_ESRCH, 'TSYNC with a listener needs TSYNC_ESRCH');
});

t.test('notify: the listener gets the container process state', async (t) => {
  const p = plan(
    {
      defaultAction: 'SCMP_ACT_ALLOW',
      listenerPath: '/run/agent.sock',
      listenerMetadata: 'MKNOD=/dev/null "quoted"',
      syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }],
    },
    { id: 'ctr', bundle: '/bundles/x', annotations: { k: 'v' } },
  );
  t.equal(p.listenerPath, '/run/agent.sock');
  t.equal(p.listenerState.length, 3);
  const state = JSON.parse(p.listenerState.join('4422'));
  t.same(state, {
    ociVersion: '1.3.0',
    fds: ['seccompFd'],
    pid: 4422,
    metadata: 'MKNOD=/dev/null "quoted"',
    state: { ociVersion: '1.3.0', id: 'ctr', status: 'creating', pid: 4422, bundle: '/bundles/x', annotations: { k: 'v' } },
  });
  const q = plan({ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/l', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] });
  t.notOk('metadata' in JSON.parse(q.listenerState.join('1')), 'no metadata unless given');
  const none = plan({ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/l', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] });
  t.equal(none.listenerPath, '', 'no notify rule: the listener is ignored (config-linux.md)');
  t.equal(none.flags & SECCOMP_FLAG_NEW_LISTENER, 0);
});

t.test('bad input: one error naming the field', async (t) => {
  const cases: [string, Seccomp, RegExp][] = [
    ['unknown action', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_FOO' as never }] }, /^\/linux\/seccomp\/syscalls\/0\/action: unknown action "SCMP_ACT_FOO"$/],
    ['unknown default action', { defaultAction: 'SCMP_ACT_FOO' as never }, /^\/linux\/seccomp\/defaultAction: unknown action "SCMP_ACT_FOO"$/],
    ['unknown arch', { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_VAX' as never] }, /^\/linux\/seccomp\/architectures\/1: unknown architecture "SCMP_ARCH_VAX"$/],
    ['unknown operator', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_LOG', args: [{ index: 0, value: 0, op: 'SCMP_CMP_FOO' as never }] }] }, /^\/linux\/seccomp\/syscalls\/0\/args\/0\/op: unknown operator/],
    ['unknown flag', { defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_FOO' as never] }, /^\/linux\/seccomp\/flags\/0: unknown flag/],
    ['errnoRet on ALLOW', { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW', errnoRet: 1 }] }, /^\/linux\/seccomp\/syscalls\/0\/errnoRet: SCMP_ACT_ALLOW does not take an errno/],
    ['defaultErrnoRet on KILL', { defaultAction: 'SCMP_ACT_KILL', defaultErrnoRet: 1 }, /^\/linux\/seccomp\/defaultErrnoRet: SCMP_ACT_KILL does not take an errno/],
    ['errno beyond 16 bits', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ERRNO', errnoRet: 70000 }] }, /^\/linux\/seccomp\/syscalls\/0\/errnoRet: 70000 does not fit/],
    ['argument 6', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['a'], action: 'SCMP_ACT_LOG', args: [{ index: 6, value: 0, op: 'SCMP_CMP_EQ' }] }] }, /^\/linux\/seccomp\/syscalls\/0\/args\/0\/index: 6 is not an argument number/],
    ['notify as default', { defaultAction: 'SCMP_ACT_NOTIFY', listenerPath: '/l' }, /^\/linux\/seccomp\/defaultAction: SCMP_ACT_NOTIFY cannot be the default action/],
    ['notify without listener', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] }, /^\/linux\/seccomp\/listenerPath: required/],
    ['notify on the handover syscall', { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/l', syscalls: [{ names: ['mkdir', 'sendmsg'], action: 'SCMP_ACT_NOTIFY' }] }, /^\/linux\/seccomp\/syscalls\/0\/names\/1: SCMP_ACT_NOTIFY cannot be used for "sendmsg"/],
    ['notify on write, refused as runc refuses it', { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/l', syscalls: [{ names: ['write'], action: 'SCMP_ACT_NOTIFY' }] }, /^\/linux\/seccomp\/syscalls\/0\/names\/0: SCMP_ACT_NOTIFY cannot be used for the write syscall$/],
    ['empty name', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [''], action: 'SCMP_ACT_LOG' }] }, /^\/linux\/seccomp\/syscalls\/0\/names: an empty syscall name/],
  ];
  for (const [name, s, re] of cases) t.throws(() => planSeccomp(s, input()), { constructor: SeccompError, message: re }, name);
});

t.test('the addon builds BPF from a plan', async (t) => {
  const p = plan({
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [
      { names: ['mkdir', 'no_such_syscall_at_all'], action: 'SCMP_ACT_ERRNO', errnoRet: 28 },
      { names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 0xff, valueTwo: 8, op: 'SCMP_CMP_MASKED_EQ' }] },
    ],
  });
  const r = native.seccompCompile(p);
  if ('error' in r) throw new Error(r.error.message);
  t.ok(r.bpf.length > 0 && r.bpf.length % 8 === 0, `BPF: ${r.bpf.length / 8} instructions`);
  t.equal(r.skipped, 1, 'an unknown syscall name is skipped, as runc does');
  // the errno is in the program: SECCOMP_RET_ERRNO|28 as a BPF_RET k
  const ks = [];
  for (let i = 0; i < r.bpf.length; i += 8) ks.push(r.bpf.readUInt32LE(i + 4));
  t.ok(ks.includes((ERRNO | 28) >>> 0), 'returns ERRNO(28)');
});

t.test('an architecture this libseccomp lacks is an error naming the field', async (t) => {
  const p = plan({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_M68K'] });
  const r = native.seccompCompile(p);
  if (native.seccompArchSupported(SECCOMP_ARCH_TOKENS.SCMP_ARCH_M68K)) {
    t.notOk('error' in r, 'this libseccomp knows m68k');
    return;
  }
  t.ok('error' in r);
  if ('error' in r) t.match(r.error.message, /^\/linux\/seccomp\/architectures\/1: this libseccomp cannot build filters for the architecture: /);
});

t.test("podman's default profile builds", { skip: !fs.existsSync(PODMAN_PROFILE) && `no ${PODMAN_PROFILE}` }, async (t) => {
  const caps = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT'];
  const profile = podmanSeccomp(caps) as Seccomp;
  t.ok((profile.syscalls ?? []).length > 10);
  const p = plan(profile);
  t.equal(p.binaryTree, (profile.syscalls ?? []).length > 32);
  const r = native.seccompCompile(p);
  if ('error' in r) throw new Error(r.error.message);
  t.ok(r.bpf.length / 8 <= 4096, `${r.bpf.length / 8} instructions, ${p.rules.length} rules, ${r.skipped} names unknown to libseccomp`);
});

// ENOSYS for syscalls newer than the profile: the stub (lib/seccomp/enosys.ts)
// with libseccomp's numbers, in front of libseccomp's filter, run through a
// BPF interpreter (spec/lib/cbpf.ts) as the kernel would run it
const X86_64 = SECCOMP_ARCH_TOKENS.SCMP_ARCH_X86_64;
const X86 = SECCOMP_ARCH_TOKENS.SCMP_ARCH_X86;
const EXDEV = 18;

t.test('libseccomp numbers the names per arch (x32 with its bit), negative when there is none', async (t) => {
  const names = ['read', 'clone3', 'socket', 'no_such_syscall_at_all', 'x'.repeat(200)];
  t.same(native.seccompSyscallNumbers(names, X86_64), [0, 435, 41, -1, -1]);
  t.same(native.seccompSyscallNumbers(names, SECCOMP_ARCH_TOKENS.SCMP_ARCH_X32).slice(0, 2), [X32_SYSCALL_BIT, (435 | X32_SYSCALL_BIT) >>> 0]);
  const i386 = native.seccompSyscallNumbers(names, X86);
  t.equal(i386[0], 3);
  t.ok(i386[2] < 0, 'i386 socket: a socketcall pseudo number, not counted');
  t.throws(() => native.seccompSyscallNumbers([1 as never], X86_64), /names must be strings/);
  t.throws(() => native.seccompSyscallNumbers('read' as never, X86_64), TypeError);
});

t.test('the stub in front of the filter: newer syscalls ENOSYS, named ones their action, older unnamed ones the default', async (t) => {
  const p = plan({
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [
      { names: ['read', 'write', 'exit_group', 'unshare'], action: 'SCMP_ACT_ALLOW' },
      { names: ['getpriority'], action: 'SCMP_ACT_ERRNO', errnoRet: EXDEV },
      { names: ['no_such_syscall_at_all'], action: 'SCMP_ACT_ALLOW' },
    ],
  });
  const r = buildFilter(p);
  if ('error' in r) throw new Error(r.error.message);
  const stub = p.enosysStub;
  t.ok(stub && stub.length > 0, 'the plan carries the stub');
  t.same(r.bpf.subarray(0, stub?.length), stub, 'the stub comes first');
  const plain = native.seccompCompile({ ...p, enosysStub: undefined });
  if ('error' in plain) throw new Error(plain.error.message);
  t.same(r.bpf.subarray(stub?.length), plain.bpf, "libseccomp's filter follows, unchanged");
  const EPERM_RET = ERRNO | 1;
  const x32 = (n: number): number => (n | X32_SYSCALL_BIT) >>> 0;
  // max named: unshare, x86_64 272, i386 310
  const cases: [string, number, number, number][] = [
    ['x86_64 read: allowed', 0, X86_64, 0x7fff0000],
    ['x86_64 getpriority: its errno', 140, X86_64, ERRNO | EXDEV],
    ['x86_64 setpriority, unnamed, older: the default', 141, X86_64, EPERM_RET],
    ['x86_64 clone3, newer: ENOSYS', 435, X86_64, RET_ERRNO_ENOSYS],
    ['x86_64 1000: ENOSYS', 1000, X86_64, RET_ERRNO_ENOSYS],
    ['x32 getpriority', x32(140), X86_64, ERRNO | EXDEV],
    ['x32 setpriority', x32(141), X86_64, EPERM_RET],
    ['x32 clone3', x32(435), X86_64, RET_ERRNO_ENOSYS],
    ['i386 getpriority (96)', 96, X86, ERRNO | EXDEV],
    ['i386 setpriority (97)', 97, X86, EPERM_RET],
    ['i386 unshare at the limit (310)', 310, X86, 0x7fff0000],
    ['i386 clone3', 435, X86, RET_ERRNO_ENOSYS],
  ];
  for (const [what, nr, arch, want] of cases) t.equal(runBpf(r.bpf, { nr, arch }), want >>> 0, what);
  // without the stub the same filter says EPERM to the new ones (the bug this fixes)
  t.equal(runBpf(plain.bpf, { nr: 435, arch: X86_64 }), EPERM_RET);
});

t.test('a name with the default action counts as known: no ENOSYS up to it', async (t) => {
  const p = plan({
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['process_madvise'], action: 'SCMP_ACT_ERRNO' },
    ],
  });
  const r = buildFilter(p);
  if ('error' in r) throw new Error(r.error.message);
  t.equal(runBpf(r.bpf, { nr: 440, arch: X86_64 }), (ERRNO | 1) >>> 0, 'process_madvise (440): its EPERM');
  t.equal(runBpf(r.bpf, { nr: 435, arch: X86_64 }), (ERRNO | 1) >>> 0, 'clone3 (435) is older than the newest named: EPERM');
  t.equal(runBpf(r.bpf, { nr: 441, arch: X86_64 }), RET_ERRNO_ENOSYS, 'newer than all: ENOSYS');
});

t.test('kill by default: newer syscalls get ENOSYS rather than a dead process', async (t) => {
  const p = plan({ defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls: [{ names: ['read', 'unshare'], action: 'SCMP_ACT_ALLOW' }] });
  const r = buildFilter(p);
  if ('error' in r) throw new Error(r.error.message);
  t.equal(runBpf(r.bpf, { nr: 435, arch: X86_64 }), RET_ERRNO_ENOSYS);
  t.equal(runBpf(r.bpf, { nr: 141, arch: X86_64 }), SECCOMP_ACTION_VALUES.SCMP_ACT_KILL_PROCESS >>> 0);
});

t.test('no stub where the default already passes or says ENOSYS', async (t) => {
  for (const s of [
    { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] },
    { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] },
  ] as Seccomp[]) {
    const p = plan(s);
    const r = buildFilter(p);
    if ('error' in r) throw new Error(r.error.message);
    t.equal(p.enosysStub, undefined, s.defaultAction);
    const plain = native.seccompCompile(p);
    t.same('bpf' in plain && plain.bpf, r.bpf);
  }
});

t.test('the addon checks the stub: jumps inside it, and the whole within BPF_MAXINSNS', async (t) => {
  const p = plan({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] });
  const far = Buffer.alloc(16);
  far.writeUInt16LE(0x05, 0); // ja 2: one past the stub's end, into libseccomp's code
  far.writeUInt32LE(2, 4);
  t.throws(() => native.seccompCompile({ ...p, enosysStub: far }), { name: 'TypeError', message: /enosysStub jumps beyond its own end/ });
  const cond = Buffer.alloc(8);
  cond.writeUInt16LE(0x15, 0); // jeq #0, 0, 1
  cond.writeUInt8(1, 3);
  t.throws(() => native.seccompCompile({ ...p, enosysStub: cond }), /enosysStub jumps beyond its own end/);
  t.throws(() => native.seccompCompile({ ...p, enosysStub: Buffer.alloc(12) }), /enosysStub must be BPF instructions/);
  // 4090 loads and libseccomp's few instructions: over 4096
  const long = Buffer.alloc(4090 * 8);
  for (let i = 0; i < 4090; i++) {
    long.writeUInt16LE(0x20, i * 8);
    long.writeUInt32LE(4, i * 8 + 4);
  }
  const r = native.seccompCompile({ ...p, enosysStub: long });
  t.ok('error' in r && r.error.errno === 7 && /ENOSYS stub/.test(r.error.message), `E2BIG: ${'error' in r ? r.error.message : 'built'}`);
  const ok = native.seccompCompile({ ...p, enosysStub: long.subarray(0, 8) });
  t.ok('bpf' in ok && decodeBpf(ok.bpf)[0].k === 4, 'a one-instruction stub goes in front');
});
