// Signal names and numbers as `runc kill` accepts them.
//
// runc 1.1.5 (kill.go parseSignal), checked by experiment against
// /usr/sbin/runc:
//   - the argument is first tried as a Go strconv.Atoi decimal integer
//     (optional sign, leading zeros allowed: "+28", "028"; no spaces, no hex);
//   - otherwise it is upper-cased (strings.ToUpper), "SIG" is prefixed when
//     missing, and looked up in x/sys/unix's signal list (the 31 classic
//     signals; no aliases such as SIGIOT/SIGPOLL/SIGCLD, no real-time names);
//   - an unknown name fails with `unknown signal "<raw argument>"` (Go %q).
//   - numbers are not range-checked by runc: kill(2) fails later with
//     `unable to signal init: invalid argument` (and values above 2^32 are
//     truncated by the syscall, so 4294967297 delivers SIGHUP, a runc bug that
//     runts does not copy).
// runts additionally accepts the real-time names glibc/bash use
// (SIGRTMIN, SIGRTMIN+n, SIGRTMAX-n, SIGRTMAX, with or without SIG, any case),
// which map to the Linux numbers 34..64.
import { RuntsError } from './errors';

/** Signal numbers for Linux x86_64 and arm64 (identical on both). */
export const SIGNALS: Readonly<Record<string, number>> = Object.freeze({
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
});

/** First and last real-time signal as glibc exposes them (32, 33 are reserved). */
export const SIGRTMIN = 34;
export const SIGRTMAX = 64;
/** Highest valid signal number; 0 is valid too (existence check). */
export const MAX_SIGNAL = SIGRTMAX;

const NAMES_BY_NUMBER: ReadonlyMap<number, string> = new Map(
  Object.entries(SIGNALS).map(([name, num]) => [num, name] as [number, string]),
);

export type SignalErrorKind = 'unknown' | 'range';

/**
 * kind 'unknown': the name is not a signal (runc: `unknown signal "X"`).
 * kind 'range': a well-formed number outside 0..64; `signal` holds it. runc
 * only notices this when kill(2) fails, i.e. after its "container not
 * running" check, so a kill command wanting runc's exact ordering can catch
 * this kind and report it at that point.
 */
export class SignalError extends RuntsError {
  constructor(
    message: string,
    readonly kind: SignalErrorKind,
    readonly input: string,
    readonly signal?: number,
  ) {
    super(message);
    this.name = 'SignalError';
  }
}

/** Go's strconv.Atoi grammar: [+-]?[0-9]+ within int64. */
function goAtoi(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return n;
}

/**
 * Go's strings.ToUpper uses simple (one rune to one rune) case mapping;
 * JS toUpperCase uses full mapping ("ß" -> "SS"). Keep runes whose JS upper
 * case is not a single code point.
 */
function goToUpper(s: string): string {
  let out = '';
  for (const ch of s) {
    const up = ch.toUpperCase();
    out += [...up].length === 1 ? up : ch;
  }
  return out;
}

/** Go's %q / strconv.Quote, as runc formats the bad argument. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp === 0x07) out += '\\a';
    else if (cp === 0x08) out += '\\b';
    else if (cp === 0x0c) out += '\\f';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 0x09) out += '\\t';
    else if (cp === 0x0b) out += '\\v';
    else if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (/^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

function parseRealtime(name: string): number | undefined {
  // name is upper-case and SIG-prefixed
  const m = /^SIGRT(MIN|MAX)(?:([+-])([0-9]+))?$/.exec(name);
  if (!m) return undefined;
  const [, base, sign, digits] = m;
  if (sign === undefined) return base === 'MIN' ? SIGRTMIN : SIGRTMAX;
  // RTMIN counts up, RTMAX counts down (bash/glibc forms); "RTMIN-0",
  // "RTMAX+0" are accepted as the base itself.
  const off = Number(digits);
  let n: number;
  if (base === 'MIN') {
    if (sign === '-' && off !== 0) return undefined;
    n = SIGRTMIN + off;
  } else {
    if (sign === '+' && off !== 0) return undefined;
    n = SIGRTMAX - off;
  }
  return n >= SIGRTMIN && n <= SIGRTMAX ? n : undefined;
}

/**
 * Parses a signal as `runc kill` does: "9", "KILL", "SIGKILL", "sigkill",
 * plus real-time names ("SIGRTMIN+3", "RTMAX-2"). Returns 0..64.
 * Throws SignalError: `unknown signal "FOO"` for unknown names (also for
 * integers too large for int64, as in runc), and
 * `unable to signal init: invalid argument` (runc's kill(2) failure text)
 * for numbers outside 0..64.
 */
export function parseSignal(s: string): number {
  const num = goAtoi(s);
  if (num !== undefined) {
    if (num < 0n || num > BigInt(MAX_SIGNAL)) {
      throw new SignalError('unable to signal init: invalid argument', 'range', s, Number(num));
    }
    return Number(num);
  }
  let name = goToUpper(s);
  if (!name.startsWith('SIG')) name = 'SIG' + name;
  const n = Object.prototype.hasOwnProperty.call(SIGNALS, name) ? SIGNALS[name] : parseRealtime(name);
  if (n === undefined) throw new SignalError(`unknown signal ${goQuote(s)}`, 'unknown', s);
  return n;
}

/**
 * The canonical name of a signal number: "SIGKILL", "SIGRTMIN", "SIGRTMIN+1"
 * .. "SIGRTMIN+15", "SIGRTMAX-14" .. "SIGRTMAX-1", "SIGRTMAX" (the split bash
 * `kill -l` uses); anything else "signal N", as Go's Signal.String().
 */
export function signalName(n: number): string {
  const name = NAMES_BY_NUMBER.get(n);
  if (name) return name;
  if (Number.isInteger(n) && n >= SIGRTMIN && n <= SIGRTMAX) {
    if (n === SIGRTMIN) return 'SIGRTMIN';
    if (n === SIGRTMAX) return 'SIGRTMAX';
    const mid = SIGRTMIN + Math.floor((SIGRTMAX - SIGRTMIN) / 2); // 49
    return n <= mid ? `SIGRTMIN+${n - SIGRTMIN}` : `SIGRTMAX-${SIGRTMAX - n}`;
  }
  return `signal ${n}`;
}
