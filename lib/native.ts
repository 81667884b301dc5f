// The only file that loads the addon. Typed wrappers, nothing else.
import { isCompiledExecutable } from './self';
import { closeSync } from './sys/fs';
import * as path from './sys/path';
import { errnoName as uvErrnoName } from './sys/uv-errors';
import type { LaunchPlan, NativeFailure } from './plan/types';
import type { SeccompPlan } from './seccomp/plan';

/** addon/src/fsops.c: syscalls that return their result or a negative errno (lib/sys/fs-addon.ts) */
export interface FsAddon {
  fsOpen(path: string, flags: number, mode: number): number;
  fsClose(fd: number): number;
  fsRead(fd: number, buf: Uint8Array, offset: number, length: number): number;
  fsWrite(fd: number, buf: Uint8Array, offset: number, length: number): number;
  /** out: lib/sys/fs-addon.ts Stats' fields in order */
  fsStat(path: string, follow: boolean, out: Float64Array): number;
  fsFstat(fd: number, out: Float64Array): number;
  fsStatfs(path: string, out: Float64Array): number;
  fsMkdir(path: string, mode: number): number;
  fsRmdir(path: string): number;
  fsUnlink(path: string): number;
  fsRename(from: string, to: string): number;
  fsChmod(path: string, mode: number): number;
  fsAccess(path: string, mode: number): number;
  fsReadlink(path: string): string | number;
  fsRealpath(path: string): string | number;
  /** fills names and their d_type; the count or a negative errno */
  fsReaddir(path: string, names: string[], types: number[]): number;
}

interface Addon extends FsAddon {
  spawn(plan: LaunchPlan, onHooks?: (initPid: number) => void, onPlaced?: (initPid: number) => void, onGoing?: (initPid: number) => void): SpawnResult;
  pidfdOpen(pid: number): number;
  flock(fd: number, exclusive: boolean, wait: boolean): number;
  cloexecFrom(first: number): number;
  pidfdSendSignal(fd: number, sig: number): number;
  pidfdWait(fd: number, timeoutMs: number): boolean;
  waitReadable(fd: number, timeoutMs: number): boolean;
  fifoWrite(path: string, data: Buffer): number;
  waitExit(pid: number, cb: (code: number, signal: number) => void): number;
  mkfifo(path: string, mode: number): number;
  unmountDetached(path: string): number;
  setWinsize(fd: number, rows: number, cols: number): number;
  proxyPty(master: number, pid: number, copySize: boolean, cb: (err: number) => void): number;
  resizePty(master: number): number;
  attachDeviceFilter(dir: string, insns: Buffer, multi: boolean): number;
  connectUnix(path: string, timeoutMs: number): number;
  bpfVerifierLog(): string;
  readFileInRoot(rootPath: string, relPath: string, maxBytes: number): Buffer | number;
  seccompCompile(plan: SeccompPlan): SeccompCompiled;
  seccompFlagSupported(bit: number): boolean;
  seccompArchSupported(token: number): boolean;
  seccompSyscallNumbers(names: string[], token: number): number[];
}

let addon: Addon | undefined;

/**
 * Where the addon is. The compiled executable loads runts.node from its own
 * directory (installed side by side: never embedded, since Bun would write an
 * embedded .node to /tmp and dlopen it from there, as root). Under node,
 * dist/native.js, dist/runts.js and lib/native.ts all sit one level under the
 * repository top, beside addon/.
 */
export function addonPath(): string {
  // make test-asan: the same code built with -fsanitize=address,undefined
  const sanitized = process.env.RUNTS_TEST_ADDON;
  if (sanitized) return sanitized;
  if (isCompiledExecutable()) return path.join(path.dirname(process.execPath), 'runts.node');
  return path.join(__dirname, '..', 'addon', 'build', 'Release', 'runts.node');
}

function load(): Addon {
  if (!addon) addon = isCompiledExecutable() ? dlopen(addonPath()) : (require(addonPath()) as Addon);
  return addon;
}

/**
 * In the executable process.dlopen costs ~0.3 ms and Bun's require() of the
 * same file ~0.7 (its module loader's first use). Under node require() it
 * stays: tests may require the addon too, and node loads a file once per
 * process only through require's cache.
 */
function dlopen(file: string): Addon {
  const mod = { exports: {} as Addon };
  process.dlopen(mod, file);
  return mod.exports;
}

/** consoleFd: the pty master, when the plan asked for a terminal without a console socket */
export type SpawnResult = { pid: number; consoleFd?: number } | { error: NativeFailure };

/** What the runtime does at each step of a spawn; a throw in any kills the init and propagates. */
export interface SpawnCallbacks {
  /**
   * once the init's pid is known and it is in the plan's cgroups (or about
   * to be: the init joins its v1 ones itself, lib/cgroups/join.ts), before it
   * unshares its cgroup namespace or runs anything (the systemd driver makes
   * the unit here)
   */
  onPlaced?: (initPid: number) => void;
  /** right after the init was let go, while it sets up its root (~1.5 ms): work that needs only the pid */
  onGoing?: (initPid: number) => void;
  /** while the init waits, mounted but not yet pivoted (create's hooks) */
  onHooks?: (initPid: number) => void;
}

/** Starts the container init. */
export function spawn(plan: LaunchPlan, cb: SpawnCallbacks = {}): SpawnResult {
  const r = load().spawn(plan, cb.onHooks, cb.onPlaced, cb.onGoing);
  if ('error' in r) r.error.message = goStyle(r.error.message);
  return r;
}

/** strerror text as Go (and so runc) prints it: "No such file" -> "no such file" */
export function goStyle(msg: string): string {
  return msg.length ? msg[0].toLowerCase() + msg.slice(1) : msg;
}

/** A pidfd for pid, or a negative errno. */
export function pidfdOpen(pid: number): number {
  return load().pidfdOpen(pid);
}

/** 0, or a negative errno */
export function pidfdSendSignal(fd: number, sig: number): number {
  return load().pidfdSendSignal(fd, sig);
}

/** true once the process behind fd has exited */
export function pidfdWait(fd: number, timeoutMs: number): boolean {
  return load().pidfdWait(fd, timeoutMs);
}

/** true once fd is readable or has no writer left; -1 waits for ever */
export function waitReadable(fd: number, timeoutMs: number): boolean {
  return load().waitReadable(fd, timeoutMs);
}

/** data written to a fifo someone reads (blocking); 0, or a negative errno (-ENXIO: no reader) */
export function fifoWrite(file: string, data: Buffer): number {
  return load().fifoWrite(file, data);
}

export interface ExitStatus {
  /** exit code, or -1 when killed by a signal */
  code: number;
  signal: number;
}

/** Resolves when our child pid exits (reaped through a pidfd on the event loop). */
export function waitExit(pid: number): Promise<ExitStatus> {
  return new Promise((resolve, reject) => {
    const rc = load().waitExit(pid, (code, signal) => resolve({ code, signal }));
    if (rc < 0) reject(new Error(`wait for pid ${pid}: errno ${-rc}`));
  });
}

/** flock(2) (addon/src/lock.c): 0, or a negative errno (-EWOULDBLOCK when busy and not waiting) */
export function flock(fd: number, exclusive: boolean, wait: boolean): number {
  return load().flock(fd, exclusive, wait);
}

/**
 * Marks every descriptor from `first` up close-on-exec (addon/src/fdhygiene.c):
 * 0, or a negative errno
 */
export function cloexecFrom(first: number): number {
  return load().cloexecFrom(first);
}

/** 0, or a negative errno */
export function mkfifo(file: string, mode: number): number {
  return load().mkfifo(file, mode);
}

/** umount2(MNT_DETACH | UMOUNT_NOFOLLOW): 0, or a negative errno */
export function unmountDetached(target: string): number {
  return load().unmountDetached(target);
}

/** 0, or a negative errno */
export function setWinsize(fd: number, rows: number, cols: number): number {
  return load().setWinsize(fd, rows, cols);
}

/**
 * Copies the caller's stdio to and from a pty master (owned by the proxy from
 * now on) until the process pid has exited and its output is read; resolves
 * with 0 or a negative errno. copySize: give the pty the caller's size first.
 */
export function proxyPty(master: number, pid: number, copySize: boolean): Promise<number> {
  return new Promise((resolve) => {
    const rc = load().proxyPty(master, pid, copySize, resolve);
    if (rc < 0) {
      // not started: the master is still ours to close
      closeSync(master);
      resolve(rc);
    }
  });
}

/** the caller's terminal size onto the pty again (SIGWINCH): 0 or a negative errno */
export function resizePty(master: number): number {
  return load().resizePty(master);
}

/** Loads a cgroup device BPF program (8-byte instructions) and attaches it to dir: 0 or a negative errno. */
export function attachDeviceFilter(dir: string, insns: Buffer, multi = false): number {
  return load().attachDeviceFilter(dir, insns, multi);
}

/** A connected, blocking AF_UNIX stream socket (reads and writes time out with EAGAIN), or a negative errno. */
export function connectUnix(path: string, timeoutMs: number): number {
  return load().connectUnix(path, timeoutMs);
}

/**
 * A regular file of the rootfs, resolved inside it (openat2 RESOLVE_IN_ROOT,
 * no magic links), opened O_NONBLOCK, at most maxBytes: its contents, or a
 * negative errno (-ENOENT absent, -EINVAL not a regular file, -EFBIG too big).
 */
export function readFileInRoot(rootPath: string, relPath: string, maxBytes: number): Buffer | number {
  return load().readFileInRoot(rootPath, relPath, maxBytes);
}

/** The kernel verifier's log of the last failed program load. */
export function bpfVerifierLog(): string {
  return load().bpfVerifierLog();
}

export type SeccompCompiled =
  | { bpf: Buffer; flags: number; skipped: number }
  | { error: { errno: number; message: string } };

/**
 * Builds the BPF for a seccomp plan without loading it, as spawn does before
 * clone(): for tests and the bench. `skipped` counts unknown syscall names.
 */
export function seccompCompile(plan: SeccompPlan): SeccompCompiled {
  return load().seccompCompile(plan);
}

/** Whether this kernel takes a SECCOMP_FILTER_FLAG_* bit (for `features`). */
export function seccompFlagSupported(bit: number): boolean {
  return load().seccompFlagSupported(bit);
}

/** Whether the linked libseccomp builds filters for an SCMP_ARCH_* token (for `features`). */
export function seccompArchSupported(token: number): boolean {
  return load().seccompArchSupported(token);
}

/**
 * The number libseccomp gives each syscall name on an SCMP_ARCH_* token
 * (x32: with __X32_SYSCALL_BIT); negative for a name the arch does not have
 * or libseccomp does not know.
 */
export function seccompSyscallNumbers(names: string[], token: number): number[] {
  return load().seccompSyscallNumbers(names, token);
}

/** "EEXIST" for 17: node's name of an errno number, for errnoText (without loading node:os) */
export function errnoName(n: number): string {
  return uvErrnoName(n);
}

/** the file system calls, for lib/sys/fs-addon.ts */
export function fsAddon(): FsAddon {
  return load();
}
