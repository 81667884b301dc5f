// Linux capability names and numbers (include/uapi/linux/capability.h).
//
// Names are matched exactly, upper case with the CAP_ prefix, as runc does
// (its map is keyed "CAP_" + upper-cased name and looked up verbatim).
// Note: runc 1.1.5 *warns and ignores* unknown or kernel-unsupported names
// ("ignoring unknown or unavailable capabilities: [...]"); capMask throws
// instead, and unknownCaps()/unsupportedCaps() let a caller follow runc.

import { readFileSync } from './sys/fs';

export const CAPABILITIES: Readonly<Record<string, number>> = Object.freeze({
  CAP_CHOWN: 0,
  CAP_DAC_OVERRIDE: 1,
  CAP_DAC_READ_SEARCH: 2,
  CAP_FOWNER: 3,
  CAP_FSETID: 4,
  CAP_KILL: 5,
  CAP_SETGID: 6,
  CAP_SETUID: 7,
  CAP_SETPCAP: 8,
  CAP_LINUX_IMMUTABLE: 9,
  CAP_NET_BIND_SERVICE: 10,
  CAP_NET_BROADCAST: 11,
  CAP_NET_ADMIN: 12,
  CAP_NET_RAW: 13,
  CAP_IPC_LOCK: 14,
  CAP_IPC_OWNER: 15,
  CAP_SYS_MODULE: 16,
  CAP_SYS_RAWIO: 17,
  CAP_SYS_CHROOT: 18,
  CAP_SYS_PTRACE: 19,
  CAP_SYS_PACCT: 20,
  CAP_SYS_ADMIN: 21,
  CAP_SYS_BOOT: 22,
  CAP_SYS_NICE: 23,
  CAP_SYS_RESOURCE: 24,
  CAP_SYS_TIME: 25,
  CAP_SYS_TTY_CONFIG: 26,
  CAP_MKNOD: 27,
  CAP_LEASE: 28,
  CAP_AUDIT_WRITE: 29,
  CAP_AUDIT_CONTROL: 30,
  CAP_SETFCAP: 31,
  CAP_MAC_OVERRIDE: 32,
  CAP_MAC_ADMIN: 33,
  CAP_SYSLOG: 34,
  CAP_WAKE_ALARM: 35,
  CAP_BLOCK_SUSPEND: 36,
  CAP_AUDIT_READ: 37,
  CAP_PERFMON: 38,
  CAP_BPF: 39,
  CAP_CHECKPOINT_RESTORE: 40,
});

/** Highest capability number this table knows. */
export const MAX_KNOWN_CAP = 40;

const NAMES_BY_NUMBER: readonly string[] = (() => {
  const a: string[] = [];
  for (const [name, n] of Object.entries(CAPABILITIES)) a[n] = name;
  return a;
})();

function has(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(CAPABILITIES, name);
}

/** The number of a capability name, or undefined. */
export function capNumber(name: string): number | undefined {
  return has(name) ? CAPABILITIES[name] : undefined;
}

/** The name of a capability number, or undefined. */
export function capName(n: number): string | undefined {
  return NAMES_BY_NUMBER[n];
}

/**
 * Bit mask (bit n = capability n) of the named capabilities. Duplicates are
 * fine. Throws `unknown capability "CAP_FOO"` on the first unknown name.
 */
export function capMask(names: readonly string[]): bigint {
  let mask = 0n;
  for (const name of names) {
    if (!has(name)) throw new Error(`unknown capability ${JSON.stringify(name)}`);
    mask |= 1n << BigInt(CAPABILITIES[name]);
  }
  return mask;
}

/** The names in the list that are not capabilities at all, in order. */
export function unknownCaps(names: readonly string[]): string[] {
  return names.filter((n) => !has(n));
}

/** Known names whose number is above the running kernel's lastCap(). */
export function unsupportedCaps(names: readonly string[]): string[] {
  const last = lastCap();
  return names.filter((n) => has(n) && CAPABILITIES[n] > last);
}

let cachedLastCap: number | undefined;

/**
 * The highest capability the running kernel supports, from
 * /proc/sys/kernel/cap_last_cap; 40 (CAP_CHECKPOINT_RESTORE) when that file
 * cannot be read or parsed. Cached after the first call.
 */
export function lastCap(): number {
  if (cachedLastCap !== undefined) return cachedLastCap;
  let v = MAX_KNOWN_CAP;
  try {
    const s = readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim();
    if (/^[0-9]+$/.test(s)) v = Number(s);
  } catch {
    // keep the fallback
  }
  cachedLastCap = v;
  return v;
}

/** Every capability name in this table, in number order (0..40). */
export function allCapNames(): string[] {
  return NAMES_BY_NUMBER.slice();
}

/**
 * The names the running kernel supports (number <= min(lastCap(), 40)), in
 * number order: the set a privileged container gets.
 */
export function supportedCapNames(): string[] {
  return NAMES_BY_NUMBER.slice(0, Math.min(lastCap(), MAX_KNOWN_CAP) + 1);
}

/** The runtime's own bounding set (CapBnd of /proc/self/status). */
export function ownBoundingSet(): bigint {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? BigInt('0x' + m[1]) : 0n;
}
