// ENOSYS for syscalls newer than the profile (lib/seccomp/enosys.ts), without
// the addon: when a stub is planned, the highest number per architecture
// from a given name -> number table, and what the stub returns, run through
// a BPF interpreter in front of a stand-in filter.
import t from 'tap';
import {
  BPF,
  RET_ERRNO_ENOSYS,
  X32_SYSCALL_BIT,
  encodeBpf,
  enosysLimits,
  enosysStub,
  planEnosys,
  type BpfInsn,
  type EnosysLimit,
  type SyscallResolver,
} from '../../lib/seccomp/enosys';
import { planSeccomp, type SeccompInput } from '../../lib/seccomp/plan';
import { SECCOMP_ACTION_VALUES as ACT, SECCOMP_ARCH_TOKENS as ARCH, nativeArchToken } from '../../lib/seccomp/tables';
import { decodeBpf, runBpf } from '../lib/cbpf';

const EPERM = 1;
const ERRNO_EPERM = (ACT.SCMP_ACT_ERRNO | EPERM) >>> 0;
const X86_64 = ARCH.SCMP_ARCH_X86_64;
const X86 = ARCH.SCMP_ARCH_X86;
const X32 = ARCH.SCMP_ARCH_X32;

// a few real numbers (x86_64 / i386 tables); x32 is x86_64's with the bit
const X86_64_NR: Record<string, number> = { read: 0, write: 1, getpriority: 140, unshare: 272, clone3: 435, close_range: 436 };
const I386_NR: Record<string, number> = { read: 3, write: 4, getpriority: 96, unshare: 310, clone3: 435 };
const resolver: SyscallResolver = (names, token) =>
  names.map((n) => {
    if (token === X86_64) return X86_64_NR[n] ?? -1;
    if (token === X32) return X86_64_NR[n] === undefined ? -1 : (X86_64_NR[n] | X32_SYSCALL_BIT) >>> 0;
    if (token === X86) return I386_NR[n] ?? -1;
    if (token === ARCH.SCMP_ARCH_S390X) return n === 'read' ? 3 : n === 'unshare' ? 303 : -1;
    return -1;
  });

/** what the filter behind the stub returns: anything not ENOSYS */
const FILTER: BpfInsn[] = [{ code: BPF.RET_K, jt: 0, jf: 0, k: ERRNO_EPERM }];
const run = (stub: BpfInsn[], nr: number, arch: number): number => runBpf([...stub, ...FILTER], { nr, arch });

function input(over: Partial<SeccompInput> = {}): SeccompInput {
  return { id: 'c', bundle: '/b', noNewPrivileges: true, capEffective: 0n, nativeArch: X86_64, warn: () => {}, ...over };
}

t.test('a stub only where the default action would hide ENOSYS', async (t) => {
  const names = ['read'];
  for (const [what, action] of [
    ['ERRNO(EPERM)', ERRNO_EPERM],
    ['ERRNO(ENXIO)', (ACT.SCMP_ACT_ERRNO | 6) >>> 0],
    ['KILL_THREAD', ACT.SCMP_ACT_KILL_THREAD],
    ['KILL_PROCESS', ACT.SCMP_ACT_KILL_PROCESS],
    ['TRAP', ACT.SCMP_ACT_TRAP],
  ] as const)
    t.ok(planEnosys(action, names, [], X86_64), `${what}: a stub`);
  for (const [what, action] of [
    ['ALLOW', ACT.SCMP_ACT_ALLOW],
    ['LOG', ACT.SCMP_ACT_LOG],
    ['TRACE', ACT.SCMP_ACT_TRACE],
    ['TRACE(5)', (ACT.SCMP_ACT_TRACE | 5) >>> 0],
    ['ERRNO(ENOSYS): the default already says it', RET_ERRNO_ENOSYS],
  ] as const)
    t.equal(planEnosys(action, names, [], X86_64), null, `${what}: none`);
});

t.test('the names: every name the profile lists, rules dropped as the default included; native arch first', async (t) => {
  const p = planSeccomp(
    {
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_X86'],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        // the default action: no rule, but "known" to the profile (runc counts it)
        { names: ['clone3'], action: 'SCMP_ACT_ERRNO' },
        { names: ['read'], action: 'SCMP_ACT_LOG' },
      ],
    },
    input(),
  );
  t.ok(p);
  t.same(
    p?.rules.map((r) => r.syscall),
    ['read', 'write', 'read'],
    'clone3 has no rule of its own',
  );
  t.same(p?.enosys, { names: ['read', 'write', 'clone3'], arches: [X86_64, X86, X32] });
  const none = planSeccomp({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO' }] }, input());
  t.equal(none?.enosys, null, 'allow by default: no stub');
  t.equal(nativeArchToken('x64'), X86_64);
  t.equal(nativeArchToken('arm64'), ARCH.SCMP_ARCH_AARCH64);
  t.equal(nativeArchToken('no-such-arch'), undefined);
});

t.test('the highest number per architecture; x32 shares x86_64 with its own limit', async (t) => {
  const limits = enosysLimits({ names: ['read', 'unshare', 'no_such_call', 'getpriority'], arches: [X86_64, X86, X32, ARCH.SCMP_ARCH_AARCH64, ARCH.SCMP_ARCH_S390X] }, resolver);
  t.same(limits, [
    { auditArch: X86_64, max: 272, x32Max: (272 | X32_SYSCALL_BIT) >>> 0, multiplexZero: false },
    { auditArch: X86, max: 310, x32Max: null, multiplexZero: false },
    // aarch64: none of the names exist there (this resolver): no limit, no ENOSYS for everything
    { auditArch: ARCH.SCMP_ARCH_S390X, max: 303, x32Max: null, multiplexZero: true },
  ]);
  t.same(enosysLimits({ names: ['no_such_call'], arches: [X86_64] }, resolver), [], 'a profile of unknown names: nothing to compare with');
  t.throws(() => enosysLimits({ names: ['read'], arches: [X86_64] }, () => []), /gave 0 numbers for 1 names/);
});

t.test('the stub: ENOSYS above the limit, the filter at and below it, per arch and x32 mode', async (t) => {
  const limits: EnosysLimit[] = [
    { auditArch: X86_64, max: 272, x32Max: (272 | X32_SYSCALL_BIT) >>> 0, multiplexZero: false },
    { auditArch: X86, max: 310, x32Max: null, multiplexZero: false },
  ];
  const stub = enosysStub(limits);
  const cases: [string, number, number, number][] = [
    ['x86_64 read', 0, X86_64, ERRNO_EPERM],
    ['x86_64 at the limit', 272, X86_64, ERRNO_EPERM],
    ['x86_64 clone3, above', 435, X86_64, RET_ERRNO_ENOSYS],
    ['x86_64 1000', 1000, X86_64, RET_ERRNO_ENOSYS],
    ['x32 at its limit', (272 | X32_SYSCALL_BIT) >>> 0, X86_64, ERRNO_EPERM],
    ['x32 clone3', (435 | X32_SYSCALL_BIT) >>> 0, X86_64, RET_ERRNO_ENOSYS],
    ['x32 read', X32_SYSCALL_BIT, X86_64, ERRNO_EPERM],
    ['i386 getpriority', 96, X86, ERRNO_EPERM],
    ['i386 at the limit', 310, X86, ERRNO_EPERM],
    ['i386 clone3', 435, X86, RET_ERRNO_ENOSYS],
    ['i386 with an x86_64-sized number is i386s own', 311, X86, RET_ERRNO_ENOSYS],
    ['an arch the profile lacks: the filter decides (bad arch)', 5000, ARCH.SCMP_ARCH_AARCH64, ERRNO_EPERM],
  ];
  for (const [what, nr, arch, want] of cases) t.equal(run(stub, nr, arch), want, what);
  // jumps: all short, all inside the stub, the last jumps land on the filter
  stub.forEach((p, i) => {
    if (p.code === BPF.JA) t.equal(i + 1 + p.k, stub.length, `ja at ${i} lands on the filter`);
    else t.ok(i + 1 + Math.max(p.jt, p.jf) <= stub.length, `jump at ${i} stays in the stub`);
  });
});

t.test('x86_64 without x32, x32 without x86_64, s390x setup(0), no limits', async (t) => {
  const only64 = enosysStub([{ auditArch: X86_64, max: 272, x32Max: null, multiplexZero: false }]);
  t.equal(run(only64, 1000, X86_64), RET_ERRNO_ENOSYS);
  t.equal(run(only64, (1000 | X32_SYSCALL_BIT) >>> 0, X86_64), ERRNO_EPERM, 'x32 not in the profile: left to the filter');
  const only32 = enosysStub([{ auditArch: X86_64, max: null, x32Max: (272 | X32_SYSCALL_BIT) >>> 0, multiplexZero: false }]);
  t.equal(run(only32, 1000, X86_64), ERRNO_EPERM, 'x86_64 not covered');
  t.equal(run(only32, (1000 | X32_SYSCALL_BIT) >>> 0, X86_64), RET_ERRNO_ENOSYS);
  const s390 = enosysStub([{ auditArch: ARCH.SCMP_ARCH_S390X, max: 303, x32Max: null, multiplexZero: true }]);
  t.equal(run(s390, 0, ARCH.SCMP_ARCH_S390X), RET_ERRNO_ENOSYS, 'a number the s390 kernel does not know arrives as 0');
  t.equal(run(s390, 3, ARCH.SCMP_ARCH_S390X), ERRNO_EPERM);
  t.equal(run(s390, 304, ARCH.SCMP_ARCH_S390X), RET_ERRNO_ENOSYS);
  t.same(enosysStub([]), [], 'nothing known: no stub');
  t.same(enosysStub([{ auditArch: X86, max: null, x32Max: null, multiplexZero: false }]), []);
});

t.test('every architecture at once: still short jumps, every one reaches its own limit', async (t) => {
  const tokens = Object.values(ARCH).filter((a) => a !== X32);
  const limits = tokens.map((auditArch, i) => ({ auditArch, max: 100 + i, x32Max: auditArch === X86_64 ? (50 | X32_SYSCALL_BIT) >>> 0 : null, multiplexZero: false }));
  const stub = enosysStub(limits);
  t.ok(stub.length < 256, `${stub.length} instructions`);
  limits.forEach((l) => {
    t.equal(run(stub, l.max as number, l.auditArch), ERRNO_EPERM);
    t.equal(run(stub, (l.max as number) + 1, l.auditArch), RET_ERRNO_ENOSYS);
  });
  t.equal(run(stub, (51 | X32_SYSCALL_BIT) >>> 0, X86_64), RET_ERRNO_ENOSYS);
});

t.test('encoding: struct sock_filter in host order', async (t) => {
  const stub = enosysStub([{ auditArch: X86_64, max: 272, x32Max: null, multiplexZero: false }]);
  const le = encodeBpf(stub);
  t.equal(le.length, stub.length * 8);
  t.same(decodeBpf(le), stub, 'round trip');
  const be = encodeBpf(stub, false);
  t.equal(be.readUInt32BE(4), 4, 'ld [4] big-endian: the arch offset');
  t.equal(be.readUInt16BE(0), BPF.LD_W_ABS);
});
