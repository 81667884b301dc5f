// The node:fs calls lib/ makes, on the addon's syscall wrappers
// (addon/src/fsops.c): what lib/sys/fs.ts uses inside the compiled
// executable, where requiring node:fs costs 1-2 ms on every runts call.
// Same arguments, results and errors as node:fs for the uses lib/ has
// (spec/integration/sys-fs.test.ts runs both on real files): an error is
// node's ErrnoException (code, errno, syscall, path, the same message).
import { fsAddon, type FsAddon } from '../native';
import { dirname, join } from './path';
import { errnoException } from './uv-errors';

const arm64 = process.arch === 'arm64';

/** node's fs.constants as lib/ uses them (Linux; arm64 numbers O_DIRECTORY and O_NOFOLLOW differently) */
export const constants = {
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_NOCTTY: 0o400,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_NONBLOCK: 0o4000,
  O_DIRECTORY: arm64 ? 0o40000 : 0o200000,
  O_NOFOLLOW: arm64 ? 0o100000 : 0o400000,
  F_OK: 0,
  R_OK: 4,
  W_OK: 2,
  X_OK: 1,
  S_IFMT: 0o170000,
  S_IFREG: 0o100000,
  S_IFDIR: 0o40000,
  S_IFCHR: 0o20000,
  S_IFBLK: 0o60000,
  S_IFIFO: 0o10000,
  S_IFLNK: 0o120000,
  S_IFSOCK: 0o140000,
} as const;

const ENOENT = 2;
const EEXIST = 17;

let addon: FsAddon | undefined;
const a = (): FsAddon => (addon ??= fsAddon());

/** rc as it is when not negative, else node's error */
function check(rc: number, syscall: string, path?: string, dest?: string): number {
  if (rc < 0) throw errnoException(rc, syscall, path, dest);
  return rc;
}

function isType(mode: number, type: number): boolean {
  return (mode & constants.S_IFMT) === type;
}

/** the fields node's Stats has that lib/ reads, in addon/src/fsops.c's fill_stat order */
export class Stats {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
  // indexed, not destructured: the first array destructuring sets up
  // iterators, ~0.2 ms in the executable's interpreter
  constructor(f: Float64Array) {
    this.dev = f[0];
    this.ino = f[1];
    this.mode = f[2];
    this.nlink = f[3];
    this.uid = f[4];
    this.gid = f[5];
    this.rdev = f[6];
    this.size = f[7];
    this.blksize = f[8];
    this.blocks = f[9];
    this.atimeMs = f[10];
    this.mtimeMs = f[11];
    this.ctimeMs = f[12];
    this.birthtimeMs = f[13];
  }
  isFile(): boolean {
    return isType(this.mode, constants.S_IFREG);
  }
  isDirectory(): boolean {
    return isType(this.mode, constants.S_IFDIR);
  }
  isSymbolicLink(): boolean {
    return isType(this.mode, constants.S_IFLNK);
  }
  isFIFO(): boolean {
    return isType(this.mode, constants.S_IFIFO);
  }
  isSocket(): boolean {
    return isType(this.mode, constants.S_IFSOCK);
  }
  isCharacterDevice(): boolean {
    return isType(this.mode, constants.S_IFCHR);
  }
  isBlockDevice(): boolean {
    return isType(this.mode, constants.S_IFBLK);
  }
}

const STAT_FIELDS = 14;

function statOf(p: string, follow: boolean, syscall: string): Stats {
  const out = new Float64Array(STAT_FIELDS);
  check(a().fsStat(p, follow, out), syscall, p);
  return new Stats(out);
}

export function statSync(p: string): Stats {
  return statOf(p, true, 'stat');
}

export function lstatSync(p: string): Stats {
  return statOf(p, false, 'lstat');
}

export function fstatSync(fd: number): Stats {
  const out = new Float64Array(STAT_FIELDS);
  check(a().fsFstat(fd, out), 'fstat');
  return new Stats(out);
}

export interface StatFs {
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

export function statfsSync(p: string): StatFs {
  const f = new Float64Array(7);
  check(a().fsStatfs(p, f), 'statfs', p);
  return { type: f[0], bsize: f[1], blocks: f[2], bfree: f[3], bavail: f[4], files: f[5], ffree: f[6] };
}

export type OpenFlags = 'r' | 'r+' | 'w' | 'w+' | 'wx' | 'a' | 'a+';

const STRING_FLAGS: Record<OpenFlags, number> = {
  r: constants.O_RDONLY,
  'r+': constants.O_RDWR,
  w: constants.O_TRUNC | constants.O_CREAT | constants.O_WRONLY,
  'w+': constants.O_TRUNC | constants.O_CREAT | constants.O_RDWR,
  wx: constants.O_TRUNC | constants.O_CREAT | constants.O_WRONLY | constants.O_EXCL,
  a: constants.O_APPEND | constants.O_CREAT | constants.O_WRONLY,
  'a+': constants.O_APPEND | constants.O_CREAT | constants.O_RDWR,
};

/** an fd, close-on-exec as libuv opens every file */
export function openSync(p: string, flags: OpenFlags | number = 'r', mode = 0o666): number {
  const f = typeof flags === 'number' ? flags : STRING_FLAGS[flags];
  if (f === undefined) throw new TypeError(`openSync: flags ${JSON.stringify(flags)} are not supported here`);
  return check(a().fsOpen(p, f, mode), 'open', p);
}

export function closeSync(fd: number): void {
  check(a().fsClose(fd), 'close');
}

function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data) : data;
}

/** one write(2), as node's writeSync: the bytes written (maybe fewer than asked) */
export function writeSync(fd: number, data: string): number;
export function writeSync(fd: number, data: Uint8Array, offset?: number, length?: number): number;
export function writeSync(fd: number, data: string | Uint8Array, offset?: number, length?: number): number {
  const buf = bytesOf(data);
  const off = typeof data === 'string' ? 0 : (offset ?? 0);
  const len = typeof data === 'string' ? buf.length : (length ?? buf.length - off);
  return check(a().fsWrite(fd, buf, off, len), 'write');
}

/** one read(2) at the file's offset (position null: lib/ reads no other way) */
export function readSync(fd: number, buf: Uint8Array, offset: number, length: number, position: null): number {
  if (position !== null) throw new TypeError('readSync: only position null is supported here');
  return check(a().fsRead(fd, buf, offset, length), 'read');
}

function writeAll(fd: number, buf: Uint8Array): void {
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}

export type Encoding = 'utf8' | 'latin1';

/** the whole file (or what an fd has left to read, which stays open) */
export function readFileSync(file: string | number): Buffer;
export function readFileSync(file: string | number, encoding: Encoding): string;
export function readFileSync(file: string | number, encoding?: Encoding): Buffer | string {
  const fd = typeof file === 'number' ? file : openSync(file, 'r');
  try {
    // /proc and /sys files say size 0: read those in chunks until the end
    const st = new Float64Array(STAT_FIELDS);
    check(a().fsFstat(fd, st), 'fstat');
    const size = isType(st[2], constants.S_IFREG) ? st[7] : 0;
    let buf = Buffer.allocUnsafe(size > 0 ? size : 8192);
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        if (size > 0 && total === size) break;
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, total);
        buf = bigger;
      }
      const n = check(a().fsRead(fd, buf, total, buf.length - total), 'read');
      if (n === 0) break;
      total += n;
    }
    const data = buf.subarray(0, total);
    return encoding === undefined ? data : data.toString(encoding);
  } finally {
    if (typeof file !== 'number') closeSync(fd);
  }
}

function writeWhole(file: string | number, data: string | Uint8Array, flags: number, mode: number): void {
  const fd = typeof file === 'number' ? file : check(a().fsOpen(file, flags, mode), 'open', file);
  try {
    writeAll(fd, bytesOf(data));
  } finally {
    if (typeof file !== 'number') closeSync(fd);
  }
}

export function writeFileSync(file: string | number, data: string | Uint8Array, options?: { mode?: number }): void {
  writeWhole(file, data, STRING_FLAGS.w, options?.mode ?? 0o666);
}

export function appendFileSync(file: string | number, data: string | Uint8Array): void {
  writeWhole(file, data, STRING_FLAGS.a, 0o666);
}

/** access(2) with F_OK: false on any error, as node's existsSync */
export function existsSync(p: string): boolean {
  try {
    return a().fsAccess(p, constants.F_OK) === 0;
  } catch {
    return false;
  }
}

export function accessSync(p: string, mode: number = constants.F_OK): void {
  check(a().fsAccess(p, mode), 'access', p);
}

export function chmodSync(p: string, mode: number): void {
  check(a().fsChmod(p, mode), 'chmod', p);
}

export function renameSync(from: string, to: string): void {
  check(a().fsRename(from, to), 'rename', from, to);
}

export function unlinkSync(p: string): void {
  check(a().fsUnlink(p), 'unlink', p);
}

export function rmdirSync(p: string): void {
  check(a().fsRmdir(p), 'rmdir', p);
}

export function readlinkSync(p: string): string {
  const r = a().fsReadlink(p);
  if (typeof r === 'number') throw errnoException(r, 'readlink', p);
  return r;
}

/** realpath(3); an error names the path asked for (node's JS realpathSync names the component lstat failed on) */
export function realpathSync(p: string): string {
  const r = a().fsRealpath(p);
  if (typeof r === 'number') throw errnoException(r, 'realpath', p);
  return r;
}

export interface MkdirOptions {
  mode?: number;
  recursive?: boolean;
}

/** recursive: the first directory made, or undefined when p was there already (as node) */
export function mkdirSync(p: string, options?: MkdirOptions): string | undefined {
  const mode = options?.mode ?? 0o777;
  if (!options?.recursive) {
    check(a().fsMkdir(p, mode), 'mkdir', p);
    return undefined;
  }
  return mkdirp(p, mode);
}

function isDirectory(p: string): boolean {
  const out = new Float64Array(STAT_FIELDS);
  return a().fsStat(p, true, out) === 0 && isType(out[2], constants.S_IFDIR);
}

function mkdirp(p: string, mode: number): string | undefined {
  let rc = a().fsMkdir(p, mode);
  if (rc === 0) return p;
  if (rc === -EEXIST && isDirectory(p)) return undefined;
  if (rc !== -ENOENT) throw errnoException(rc, 'mkdir', p);
  const parent = dirname(p);
  if (parent === p) throw errnoException(rc, 'mkdir', p);
  const first = mkdirp(parent, mode);
  rc = a().fsMkdir(p, mode);
  // made meanwhile by someone else: there is what was asked for
  if (rc === 0 || (rc === -EEXIST && isDirectory(p))) return first ?? (rc === 0 ? p : undefined);
  throw errnoException(rc, 'mkdir', p);
}

/** d_type values (dirent.h) */
const DT_UNKNOWN = 0;
const DT_TYPE_TO_MODE: Record<number, number> = {
  1: constants.S_IFIFO,
  2: constants.S_IFCHR,
  4: constants.S_IFDIR,
  6: constants.S_IFBLK,
  8: constants.S_IFREG,
  10: constants.S_IFLNK,
  12: constants.S_IFSOCK,
};

export class Dirent {
  constructor(
    readonly name: string,
    private readonly type: number,
  ) {}
  isFile(): boolean {
    return this.type === constants.S_IFREG;
  }
  isDirectory(): boolean {
    return this.type === constants.S_IFDIR;
  }
  isSymbolicLink(): boolean {
    return this.type === constants.S_IFLNK;
  }
}

function scandir(p: string): { names: string[]; types: number[] } {
  const names: string[] = [];
  const types: number[] = [];
  const n = a().fsReaddir(p, names, types);
  if (n < 0) throw errnoException(n, 'scandir', p);
  names.length = n;
  types.length = n;
  return { names, types };
}

/** the names sorted by byte value, as node's (libuv sorts with strcmp) */
export function readdirSync(p: string): string[];
export function readdirSync(p: string, options: { withFileTypes: true }): Dirent[];
export function readdirSync(p: string, options?: { withFileTypes: true }): string[] | Dirent[] {
  const { names, types } = scandir(p);
  if (!options?.withFileTypes) return names;
  return names.map((name, i) => {
    let type = DT_TYPE_TO_MODE[types[i]] ?? 0;
    // file systems that do not fill d_type: lstat, as node does
    if (types[i] === DT_UNKNOWN) {
      const out = new Float64Array(STAT_FIELDS);
      if (a().fsStat(join(p, name), false, out) === 0) type = out[2] & constants.S_IFMT;
    }
    return new Dirent(name, type);
  });
}

export interface RmOptions {
  recursive?: boolean;
  force?: boolean;
}

/**
 * rm -r[f]: a symlink is removed, never followed (lstat), so a link to a
 * directory outside the tree leaves that directory alone. force: a path that
 * is not there (before or while removing) is no error.
 */
export function rmSync(p: string, options?: RmOptions): void {
  const force = options?.force ?? false;
  const out = new Float64Array(STAT_FIELDS);
  const rc = a().fsStat(p, false, out);
  if (rc === -ENOENT && force) return;
  check(rc, 'lstat', p);
  if (isType(out[2], constants.S_IFDIR)) {
    if (!options?.recursive) {
      const err = new Error(`Path is a directory: rm returned EISDIR (is a directory) ${p}`) as NodeJS.ErrnoException;
      err.code = 'ERR_FS_EISDIR';
      throw err;
    }
    removeDir(p);
  } else removeEntry(p, 'unlink');
}

function removeEntry(p: string, how: 'unlink' | 'rmdir'): void {
  const rc = how === 'unlink' ? a().fsUnlink(p) : a().fsRmdir(p);
  // gone meanwhile: what rm wanted
  if (rc !== -ENOENT) check(rc, how, p);
}

function removeDir(dir: string): void {
  let entries: string[];
  try {
    entries = scandir(dir).names;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const out = new Float64Array(STAT_FIELDS);
  for (const name of entries) {
    const child = join(dir, name);
    const rc = a().fsStat(child, false, out);
    if (rc === -ENOENT) continue;
    check(rc, 'lstat', child);
    if (isType(out[2], constants.S_IFDIR)) removeDir(child);
    else removeEntry(child, 'unlink');
  }
  removeEntry(dir, 'rmdir');
}
