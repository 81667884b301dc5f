// linux.seccomp -> SeccompPlan: the flat, C-friendly description of the filter
// the addon builds with libseccomp before clone() and the child loads. Pure:
// every decision (numbers, errno, which rules to drop or split, when to load)
// is made here; the C side only turns it into BPF and loads it.
import { ConfigRefusal } from '../errors';
import { CAPABILITIES } from '../capabilities';
import { OCI_VERSION } from '../config/default-spec';
import type { Seccomp } from '../config/types';
import {
  ACTIONS_WITH_ERRNO,
  SECCOMP_ACTION_VALUES,
  SECCOMP_ARCH_TOKENS,
  SECCOMP_FLAG_BITS,
  SECCOMP_FLAG_NEW_LISTENER,
  SECCOMP_FLAG_TSYNC_ESRCH,
  SECCOMP_MAX_ARGS,
  SECCOMP_OPERATOR_VALUES,
  nativeArchToken,
} from './tables';
import { planEnosys, type EnosysPlan } from './enosys';

export class SeccompError extends ConfigRefusal {}

export interface SeccompRuleArg {
  /** argument number, 0..5 */
  index: number;
  /** enum scmp_compare */
  op: number;
  /** datum_a: the value, or the mask for SCMP_CMP_MASKED_EQ */
  value: bigint;
  /** datum_b: the value compared after masking (SCMP_CMP_MASKED_EQ), else 0 */
  valueTwo: bigint;
}

export interface SeccompRule {
  /** one system call name; libseccomp resolves it, unknown names are skipped (as runc) */
  syscall: string;
  /** full SECCOMP_RET_* value, errno included */
  action: number;
  /** AND-ed together */
  args: SeccompRuleArg[];
  /** JSON pointer of the syscalls entry, for errors the addon reports */
  field: string;
}

export interface SeccompArchPlan {
  token: number;
  field: string;
}

export interface SeccompPlan {
  /** full SECCOMP_RET_* value for syscalls no rule matches */
  defaultAction: number;
  /** added to the native architecture, which is always there */
  arches: SeccompArchPlan[];
  /** SECCOMP_FILTER_FLAG_* for seccomp(2), NEW_LISTENER included when a rule notifies */
  flags: number;
  rules: SeccompRule[];
  /** libseccomp's binary-tree layout (runc turns it on above 32 syscall entries) */
  binaryTree: boolean;
  /**
   * Load before capabilities are dropped. The kernel accepts a filter only with
   * no_new_privs or CAP_SYS_ADMIN: without no_new_privs and without
   * CAP_SYS_ADMIN in the container's own sets, the filter must go in while the
   * init still has it, and then also covers the rest of the set-up.
   */
  early: boolean;
  /** AF_UNIX SOCK_STREAM socket the notify fd goes to; "" when no rule notifies */
  listenerPath: string;
  /**
   * The container process state (config-linux.md) as JSON, cut where the init's
   * pid goes: the pid is only known in the addon, which joins the pieces with it.
   */
  listenerState: string[];
  /**
   * ENOSYS for syscalls newer than the profile (lib/seccomp/enosys.ts): the
   * names and arches the stub is computed from; null when the default action
   * makes it pointless.
   */
  enosys: EnosysPlan | null;
  /** that stub as BPF, put in front of libseccomp's filter (derived from enosys by cache.ts) */
  enosysStub?: Buffer;
  /** the BPF of this very plan, built before and kept (lib/seccomp/cache.ts) */
  prebuilt?: Buffer;
}

export interface SeccompInput {
  id: string;
  bundle: string;
  annotations?: Record<string, string>;
  noNewPrivileges: boolean;
  /** effective (and permitted) capabilities the init ends with */
  capEffective: bigint;
  /** SCMP_ARCH_* of this machine (default: from process.arch) */
  nativeArch?: number;
  warn(message: string): void;
}

/** The init hands the listener fd to the runtime with sendmsg(2), after the filter is loaded. */
const HANDOVER_SYSCALLS = new Set(['sendmsg']);

const U64_MAX = (1n << 64n) - 1n;
const ERRNO_MAX = 0xffff;
const EPERM = 1;

function u64(v: number, field: string): bigint {
  if (!Number.isInteger(v) || v < 0) throw new SeccompError(`${field}: ${v} is not an unsigned 64-bit integer`);
  const b = BigInt(v);
  if (b > U64_MAX) throw new SeccompError(`${field}: ${v} does not fit in 64 bits`);
  return b;
}

function actionValue(name: string, errnoRet: number | undefined, field: string, errnoField: string): number {
  const base = (SECCOMP_ACTION_VALUES as Record<string, number | undefined>)[name];
  if (base === undefined) throw new SeccompError(`${field}: unknown action "${name}"`);
  if (!ACTIONS_WITH_ERRNO.includes(name as never)) {
    // config-linux.md: "When the action doesn't support an errno, the runtime MUST print and error and fail."
    if (errnoRet !== undefined)
      throw new SeccompError(`${errnoField}: ${name} does not take an errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)`);
    return base;
  }
  const e = errnoRet ?? EPERM;
  if (e > ERRNO_MAX) throw new SeccompError(`${errnoField}: ${e} does not fit in the 16 bits seccomp returns`);
  return (base | e) >>> 0;
}

function buildListenerState(input: SeccompInput, metadata: string | undefined): string[] {
  // JSON.stringify of each value: the pieces join into valid JSON whatever the strings hold
  const head = `{"ociVersion":${JSON.stringify(OCI_VERSION)},"fds":["seccompFd"],"pid":`;
  const middle =
    (metadata !== undefined ? `,"metadata":${JSON.stringify(metadata)}` : '') +
    `,"state":{"ociVersion":${JSON.stringify(OCI_VERSION)},"id":${JSON.stringify(input.id)},"status":"creating","pid":`;
  const annotations = input.annotations && Object.keys(input.annotations).length ? `,"annotations":${JSON.stringify(input.annotations)}` : '';
  const tail = `,"bundle":${JSON.stringify(input.bundle)}${annotations}}}`;
  return [head, middle, tail];
}

/** The plan for linux.seccomp, or null when the config has none. */
export function planSeccomp(seccomp: Seccomp | undefined, input: SeccompInput): SeccompPlan | null {
  if (!seccomp) return null;
  const base = '/linux/seccomp';
  const defaultAction = actionValue(seccomp.defaultAction, seccomp.defaultErrnoRet, `${base}/defaultAction`, `${base}/defaultErrnoRet`);
  if (seccomp.defaultAction === 'SCMP_ACT_NOTIFY')
    // every syscall would wait for an agent that cannot have the fd yet (runc refuses it too)
    throw new SeccompError(`${base}/defaultAction: SCMP_ACT_NOTIFY cannot be the default action`);

  const arches: SeccompArchPlan[] = [];
  (seccomp.architectures ?? []).forEach((a, i) => {
    const token = (SECCOMP_ARCH_TOKENS as Record<string, number | undefined>)[a];
    if (token === undefined) throw new SeccompError(`${base}/architectures/${i}: unknown architecture "${a}"`);
    if (!arches.some((x) => x.token === token)) arches.push({ token, field: `${base}/architectures/${i}` });
  });

  let flags = 0;
  (seccomp.flags ?? []).forEach((f, i) => {
    const bit = (SECCOMP_FLAG_BITS as Record<string, number | undefined>)[f];
    if (bit === undefined) throw new SeccompError(`${base}/flags/${i}: unknown flag "${f}"`);
    flags |= bit;
  });

  const rules: SeccompRule[] = [];
  const named: string[] = [];
  let notify = false;
  (seccomp.syscalls ?? []).forEach((sc, i) => {
    const field = `${base}/syscalls/${i}`;
    const action = actionValue(sc.action, sc.errnoRet, `${field}/action`, `${field}/errnoRet`);
    const args = (sc.args ?? []).map((a, j) => {
      const af = `${field}/args/${j}`;
      if (!Number.isInteger(a.index) || a.index < 0 || a.index >= SECCOMP_MAX_ARGS)
        throw new SeccompError(`${af}/index: ${a.index} is not an argument number (0 to ${SECCOMP_MAX_ARGS - 1})`);
      const op = (SECCOMP_OPERATOR_VALUES as Record<string, number | undefined>)[a.op];
      if (op === undefined) throw new SeccompError(`${af}/op: unknown operator "${a.op}"`);
      return { index: a.index, op, value: u64(a.value, `${af}/value`), valueTwo: a.valueTwo === undefined ? 0n : u64(a.valueTwo, `${af}/valueTwo`) };
    });
    if (sc.action === 'SCMP_ACT_NOTIFY') {
      notify = true;
      sc.names.forEach((n, j) => {
        if (HANDOVER_SYSCALLS.has(n))
          throw new SeccompError(`${field}/names/${j}: SCMP_ACT_NOTIFY cannot be used for "${n}": the init hands the listener fd over with it`);
        // runc refuses it too, in these words (its init writes to its sync pipe
        // under the filter); runts does not need to, but a profile that works
        // with runts should work with runc
        if (n === 'write') throw new SeccompError(`${field}/names/${j}: SCMP_ACT_NOTIFY cannot be used for the write syscall`);
      });
    }
    named.push(...sc.names);
    // libseccomp refuses a rule whose action is the default one; it would change nothing (runc skips it too)
    if (action === defaultAction) return;
    // two conditions on one argument cannot be AND-ed by libseccomp: as runc, each becomes a rule of its own (OR)
    const counts = new Array<number>(SECCOMP_MAX_ARGS).fill(0);
    for (const a of args) counts[a.index]++;
    const argSets = counts.some((c) => c > 1) ? args.map((a) => [a]) : [args];
    for (const name of sc.names) {
      if (name === '') throw new SeccompError(`${field}/names: an empty syscall name`);
      for (const set of argSets) rules.push({ syscall: name, action, args: set, field });
    }
  });

  if (notify && !seccomp.listenerPath)
    throw new SeccompError(`${base}/listenerPath: required when a rule uses SCMP_ACT_NOTIFY`);
  if (notify) {
    flags |= SECCOMP_FLAG_NEW_LISTENER;
    // the kernel refuses TSYNC with NEW_LISTENER unless TSYNC_ESRCH is set too
    if (flags & SECCOMP_FLAG_BITS.SECCOMP_FILTER_FLAG_TSYNC) flags |= SECCOMP_FLAG_TSYNC_ESRCH;
  } else if (flags & SECCOMP_FLAG_BITS.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) {
    // it only changes how notified syscalls wait; the kernel refuses it without a listener
    input.warn('seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored: no rule uses SCMP_ACT_NOTIFY');
    flags &= ~SECCOMP_FLAG_BITS.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  }

  const sysAdmin = 1n << BigInt(CAPABILITIES.CAP_SYS_ADMIN);
  return {
    defaultAction,
    arches,
    flags,
    rules,
    binaryTree: (seccomp.syscalls ?? []).length > 32,
    early: !input.noNewPrivileges && (input.capEffective & sysAdmin) === 0n,
    listenerPath: notify ? seccomp.listenerPath ?? '' : '',
    listenerState: notify ? buildListenerState(input, seccomp.listenerMetadata) : [],
    enosys: planEnosys(
      defaultAction,
      named.filter((n) => n !== ''),
      arches.map((a) => a.token),
      input.nativeArch ?? nativeArchToken(),
    ),
  };
}
