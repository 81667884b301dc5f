// The seccomp names runts recognizes and the numbers they stand for. The
// names come from the config schema (lib/config/schema.ts, the single source
// of truth); the Record types make the compiler check that every name has a
// number, so these tables, the validator and the `features` command agree.
import { SECCOMP_ACTIONS, SECCOMP_ARCHES, SECCOMP_FLAGS, SECCOMP_OPERATORS } from '../config/schema';
import type { SeccompAction, SeccompArch, SeccompFlag, SeccompOperator } from '../config/types';

/** Actions whose low 16 bits carry data: the errno (ERRNO) or the ptrace message (TRACE). */
export const ACTIONS_WITH_ERRNO: readonly SeccompAction[] = ['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE'];

/** seccomp(2) return actions as libseccomp (seccomp.h) numbers them; ERRNO/TRACE without their data. */
export const SECCOMP_ACTION_VALUES: Readonly<Record<SeccompAction, number>> = {
  SCMP_ACT_KILL: 0x00000000, // = KILL_THREAD; the init is single-threaded, so the process dies
  SCMP_ACT_KILL_PROCESS: 0x80000000,
  SCMP_ACT_KILL_THREAD: 0x00000000,
  SCMP_ACT_TRAP: 0x00030000,
  SCMP_ACT_ERRNO: 0x00050000,
  SCMP_ACT_TRACE: 0x7ff00000,
  SCMP_ACT_ALLOW: 0x7fff0000,
  SCMP_ACT_LOG: 0x7ffc0000,
  SCMP_ACT_NOTIFY: 0x7fc00000,
};

/** enum scmp_compare */
export const SECCOMP_OPERATOR_VALUES: Readonly<Record<SeccompOperator, number>> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/**
 * Architecture tokens: the kernel's AUDIT_ARCH_* values, which libseccomp
 * uses as SCMP_ARCH_*. The libseccomp the addon links decides which it can
 * build filters for (2.5.4 lacks the last four); a missing one is an error
 * naming the field when a config asks for it.
 */
export const SECCOMP_ARCH_TOKENS: Readonly<Record<SeccompArch, number>> = {
  SCMP_ARCH_X86: 0x40000003,
  SCMP_ARCH_X86_64: 0xc000003e,
  SCMP_ARCH_X32: 0x4000003e,
  SCMP_ARCH_ARM: 0x40000028,
  SCMP_ARCH_AARCH64: 0xc00000b7,
  SCMP_ARCH_MIPS: 0x00000008,
  SCMP_ARCH_MIPS64: 0x80000008,
  SCMP_ARCH_MIPS64N32: 0xa0000008,
  SCMP_ARCH_MIPSEL: 0x40000008,
  SCMP_ARCH_MIPSEL64: 0xc0000008,
  SCMP_ARCH_MIPSEL64N32: 0xe0000008,
  SCMP_ARCH_PPC: 0x00000014,
  SCMP_ARCH_PPC64: 0x80000015,
  SCMP_ARCH_PPC64LE: 0xc0000015,
  SCMP_ARCH_S390: 0x00000016,
  SCMP_ARCH_S390X: 0x80000016,
  SCMP_ARCH_PARISC: 0x0000000f,
  SCMP_ARCH_PARISC64: 0x8000000f,
  SCMP_ARCH_RISCV64: 0xc00000f3,
  SCMP_ARCH_LOONGARCH64: 0xc0000102,
  SCMP_ARCH_M68K: 0x00000004,
  SCMP_ARCH_SH: 0x4000002a, // little-endian SuperH (AUDIT_ARCH_SHEL)
  SCMP_ARCH_SHEB: 0x0000002a,
};

/** This machine's architecture as libseccomp's native one (node's process.arch names). */
const NATIVE_ARCH: Readonly<Record<string, SeccompArch>> = {
  x64: 'SCMP_ARCH_X86_64',
  ia32: 'SCMP_ARCH_X86',
  arm: 'SCMP_ARCH_ARM',
  arm64: 'SCMP_ARCH_AARCH64',
  ppc64: 'SCMP_ARCH_PPC64LE', // node runs on little-endian ppc64 only
  s390x: 'SCMP_ARCH_S390X',
  riscv64: 'SCMP_ARCH_RISCV64',
  loong64: 'SCMP_ARCH_LOONGARCH64',
  mips64el: 'SCMP_ARCH_MIPSEL64',
  mipsel: 'SCMP_ARCH_MIPSEL',
};

export function nativeArchToken(arch: string = process.arch): number | undefined {
  const name = NATIVE_ARCH[arch];
  return name === undefined ? undefined : SECCOMP_ARCH_TOKENS[name];
}

/** SECCOMP_FILTER_FLAG_* bits for seccomp(SECCOMP_SET_MODE_FILTER) (linux/seccomp.h). */
export const SECCOMP_FLAG_BITS: Readonly<Record<SeccompFlag, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC: 1 << 0,
  SECCOMP_FILTER_FLAG_LOG: 1 << 1,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 1 << 2,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 1 << 5,
};

/** Flags the runtime adds itself, never read from a config. */
export const SECCOMP_FLAG_NEW_LISTENER = 1 << 3;
export const SECCOMP_FLAG_TSYNC_ESRCH = 1 << 4;

/** Linux system calls take at most six arguments. */
export const SECCOMP_MAX_ARGS = 6;

export interface SeccompFeatures {
  enabled: boolean;
  actions: string[];
  operators: string[];
  archs: string[];
  knownFlags: string[];
  supportedFlags: string[];
}

/**
 * The linux.seccomp object of the `features` output (features-linux.md).
 * `supported(bit)` says whether this kernel accepts a filter flag (the addon
 * can probe it); `archSupported` whether the linked libseccomp knows an arch.
 */
export function seccompFeatures(
  supported: (bit: number) => boolean = () => true,
  archSupported: (token: number) => boolean = () => true,
): SeccompFeatures {
  return {
    enabled: true,
    actions: [...SECCOMP_ACTIONS].sort(),
    operators: [...SECCOMP_OPERATORS].sort(),
    archs: SECCOMP_ARCHES.filter((a) => archSupported(SECCOMP_ARCH_TOKENS[a])).sort(),
    knownFlags: [...SECCOMP_FLAGS],
    supportedFlags: SECCOMP_FLAGS.filter((f) => supported(SECCOMP_FLAG_BITS[f])),
  };
}
