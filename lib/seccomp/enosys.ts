// ENOSYS, not the default errno, for system calls newer than the profile.
//
// A deny-by-default profile written before clone3, close_range or faccessat2
// existed would give them EPERM, and glibc (and most programs) only fall back
// to the older call on ENOSYS: "the kernel does not have it". runc prepends a
// stub to the filter (libcontainer/seccomp/patchbpf) that answers ENOSYS for
// every syscall number above the highest one the profile names, per
// architecture; runts does the same, in three pure steps:
//   planEnosys    whether a stub is wanted, and over which names and arches
//   enosysLimits  the highest number per architecture (the names resolved by
//                 a function given in: the addon asks libseccomp)
//   enosysStub    the stub as classic BPF, which the addon puts in front of
//                 libseccomp's filter
import { SECCOMP_ACTION_VALUES, SECCOMP_ARCH_TOKENS } from './tables';

export interface EnosysPlan {
  /**
   * Every syscall name the profile lists, whatever its action: a name is
   * "known" to the profile even when its rule is dropped for having the
   * default action (runc counts those too).
   */
  names: string[];
  /** SCMP_ARCH_* tokens to cover: the native one first, then the profile's */
  arches: number[];
}

/** One architecture as the kernel reports it in seccomp_data.arch. */
export interface EnosysLimit {
  /** AUDIT_ARCH_* (x32 syscalls come as x86_64 with __X32_SYSCALL_BIT set) */
  auditArch: number;
  /** the highest syscall number the profile names (on x86_64: without the x32 bit); null: none */
  max: number | null;
  /** x86_64 only: the highest x32 number, __X32_SYSCALL_BIT included; null: x32 not covered */
  x32Max: number | null;
  /**
   * s390/s390x: a number the kernel does not know reaches seccomp as 0 (the
   * old setup(2) slot that multiplexes large numbers), which gets ENOSYS too.
   */
  multiplexZero: boolean;
}

/** name -> number for one SCMP_ARCH_* token, negative when the arch has no such syscall */
export type SyscallResolver = (names: string[], archToken: number) => number[];

export const X32_SYSCALL_BIT = 0x40000000;
const ENOSYS = 38;
const ACTION_MASK = 0xffff0000;
export const RET_ERRNO_ENOSYS = (SECCOMP_ACTION_VALUES.SCMP_ACT_ERRNO | ENOSYS) >>> 0;

/** Actions that let a syscall through: the kernel answers ENOSYS itself (a tracer handles it). */
const PASSING_ACTIONS = [SECCOMP_ACTION_VALUES.SCMP_ACT_ALLOW, SECCOMP_ACTION_VALUES.SCMP_ACT_LOG, SECCOMP_ACTION_VALUES.SCMP_ACT_TRACE];

/**
 * The stub's inputs, or null when it would change nothing: the default action
 * lets syscalls through, or already answers ENOSYS (podman's profile).
 * `defaultAction` is the full SECCOMP_RET_* value, `nativeToken` the
 * SCMP_ARCH_* of this machine (libseccomp always filters it, listed or not).
 */
export function planEnosys(defaultAction: number, names: Iterable<string>, arches: number[], nativeToken: number | undefined): EnosysPlan | null {
  if (PASSING_ACTIONS.includes((defaultAction & ACTION_MASK) >>> 0)) return null;
  if (defaultAction >>> 0 === RET_ERRNO_ENOSYS) return null;
  const tokens = [...new Set([...(nativeToken === undefined ? [] : [nativeToken]), ...arches])];
  return { names: [...new Set(names)], arches: tokens };
}

/**
 * The highest syscall number per architecture. Architectures none of the
 * names exist on get no limit (runc warns and skips them too): a stub for
 * them would answer ENOSYS to everything.
 */
export function enosysLimits(plan: EnosysPlan, resolve: SyscallResolver): EnosysLimit[] {
  const limits = new Map<number, EnosysLimit>();
  for (const token of plan.arches) {
    const numbers = resolve(plan.names, token);
    if (numbers.length !== plan.names.length) throw new Error(`seccomp: the resolver gave ${numbers.length} numbers for ${plan.names.length} names`);
    const known = numbers.filter((n) => Number.isInteger(n) && n >= 0);
    if (!known.length) continue;
    const max = Math.max(...known);
    const x32 = token === SECCOMP_ARCH_TOKENS.SCMP_ARCH_X32;
    const auditArch = x32 ? SECCOMP_ARCH_TOKENS.SCMP_ARCH_X86_64 : token;
    const limit = limits.get(auditArch) ?? {
      auditArch,
      max: null,
      x32Max: null,
      multiplexZero: auditArch === SECCOMP_ARCH_TOKENS.SCMP_ARCH_S390 || auditArch === SECCOMP_ARCH_TOKENS.SCMP_ARCH_S390X,
    };
    if (x32) limit.x32Max = max;
    else limit.max = max;
    limits.set(auditArch, limit);
  }
  return [...limits.values()];
}

// ---------- classic BPF ----------

/** struct sock_filter */
export interface BpfInsn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export const BPF = {
  LD_W_ABS: 0x20,
  JA: 0x05,
  JEQ_K: 0x15,
  JGT_K: 0x25,
  JSET_K: 0x45,
  RET_K: 0x06,
} as const;

/** offsetof(struct seccomp_data, nr / arch) */
const DATA_NR = 0;
const DATA_ARCH = 4;

/** marks the jumps to the end of the stub (the filter's first instruction), resolved last */
const TO_FILTER = -1;

const insn = (code: number, k: number, jt = 0, jf = 0): BpfInsn => ({ code, jt, jf, k });
const loadNr = (): BpfInsn => insn(BPF.LD_W_ABS, DATA_NR);

/** ENOSYS above max, on to the filter otherwise: three instructions */
function above(max: number): BpfInsn[] {
  return [insn(BPF.JGT_K, max >>> 0, 0, 1), insn(BPF.RET_K, RET_ERRNO_ENOSYS), insn(BPF.JA, TO_FILTER)];
}

/** what runs once seccomp_data.arch matched: the syscall number against the limit */
function archBody(l: EnosysLimit): BpfInsn[] {
  if (l.auditArch === SECCOMP_ARCH_TOKENS.SCMP_ARCH_X86_64) {
    // one arch value, two syscall tables: the x32 bit says which
    if (l.max !== null && l.x32Max !== null)
      return [loadNr(), insn(BPF.JSET_K, X32_SYSCALL_BIT, 3, 0), ...above(l.max), ...above(l.x32Max)];
    if (l.max !== null) return [loadNr(), insn(BPF.JSET_K, X32_SYSCALL_BIT, 2, 0), ...above(l.max)];
    if (l.x32Max !== null) return [loadNr(), insn(BPF.JSET_K, X32_SYSCALL_BIT, 0, 2), ...above(l.x32Max)];
    return [];
  }
  if (l.max === null) return [];
  // jeq 0 jumps over the jgt, onto the ENOSYS return
  return [loadNr(), ...(l.multiplexZero ? [insn(BPF.JEQ_K, 0, 1, 0)] : []), ...above(l.max)];
}

/**
 * The stub: for each architecture, "jeq arch" into its body, which either
 * returns ENOSYS or jumps to the end; no match falls through to the end. The
 * end is the first instruction of libseccomp's filter, which loads what it
 * needs itself. Every conditional jump is short (within one body, under 16),
 * the jumps to the filter are `ja` (32-bit offsets). Empty: no stub.
 */
export function enosysStub(limits: EnosysLimit[]): BpfInsn[] {
  const prog: BpfInsn[] = [];
  for (const l of limits) {
    const body = archBody(l);
    if (!body.length) continue;
    prog.push(insn(BPF.JEQ_K, l.auditArch >>> 0, 0, body.length), ...body);
  }
  if (!prog.length) return [];
  // seccomp_data.arch first; the bodies load the number over it, and only
  // an unmatched arch (still in A) falls through from one jeq to the next
  prog.unshift(insn(BPF.LD_W_ABS, DATA_ARCH));
  return prog.map((p, i) => (p.code === BPF.JA && p.k === TO_FILTER ? { ...p, k: prog.length - (i + 1) } : p));
}

/** struct sock_filter[] in host byte order, as seccomp(2) and the addon take it */
export function encodeBpf(prog: BpfInsn[], littleEndian = true): Buffer {
  const b = Buffer.alloc(prog.length * 8);
  prog.forEach((p, i) => {
    const o = i * 8;
    if (littleEndian) {
      b.writeUInt16LE(p.code, o);
      b.writeUInt32LE(p.k >>> 0, o + 4);
    } else {
      b.writeUInt16BE(p.code, o);
      b.writeUInt32BE(p.k >>> 0, o + 4);
    }
    b.writeUInt8(p.jt, o + 2);
    b.writeUInt8(p.jf, o + 3);
  });
  return b;
}
