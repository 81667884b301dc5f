// The file system calls lib/ makes, from one place: node:fs under node, the
// addon's syscall wrappers (lib/sys/fs-addon.ts) inside the compiled
// executable. Why: Bun evaluates node:fs on first require, 1-2 ms of every
// runts call (a `state` does its work in less); the addon is loaded anyway
// and a syscall through it costs what one through node:fs does. Under node
// (bin/runts-node, the tests, the unit tier that builds no addon) node:fs is
// there already, costs nothing more, and needs no addon: so that is what
// runs there. Which one is decided once, on the first call.
import type * as NodeFs from 'node:fs';
import { isCompiledExecutable } from '../self';
import * as viaAddon from './fs-addon';

export type { Encoding, MkdirOptions, OpenFlags, RmOptions, StatFs } from './fs-addon';

/** what lib/ reads of a stat result: node's fs.Stats and fs-addon's Stats both are one */
export type Stats = Pick<
  viaAddon.Stats,
  | 'dev' | 'ino' | 'mode' | 'nlink' | 'uid' | 'gid' | 'rdev' | 'size' | 'blksize' | 'blocks'
  | 'atimeMs' | 'mtimeMs' | 'ctimeMs' | 'isFile' | 'isDirectory' | 'isSymbolicLink' | 'isFIFO' | 'isSocket'
  | 'isCharacterDevice' | 'isBlockDevice'
>;

/** what lib/ reads of a directory entry */
export type Dirent = Pick<viaAddon.Dirent, 'name' | 'isFile' | 'isDirectory' | 'isSymbolicLink'>;

/** the calls, as lib/ makes them; node:fs must fit this too (checked by tsc below) */
interface Impl {
  readFileSync(file: string | number): Buffer;
  readFileSync(file: string | number, encoding: viaAddon.Encoding): string;
  writeFileSync(file: string | number, data: string | Uint8Array, options?: { mode?: number }): void;
  appendFileSync(file: string | number, data: string | Uint8Array): void;
  existsSync(p: string): boolean;
  accessSync(p: string, mode?: number): void;
  openSync(p: string, flags: viaAddon.OpenFlags | number, mode?: number): number;
  closeSync(fd: number): void;
  writeSync(fd: number, data: string): number;
  writeSync(fd: number, data: Uint8Array, offset: number, length: number): number;
  readSync(fd: number, buf: Uint8Array, offset: number, length: number, position: null): number;
  statSync(p: string): Stats;
  lstatSync(p: string): Stats;
  fstatSync(fd: number): Stats;
  statfsSync(p: string): viaAddon.StatFs;
  mkdirSync(p: string, options?: viaAddon.MkdirOptions): string | undefined;
  rmSync(p: string, options?: viaAddon.RmOptions): void;
  rmdirSync(p: string): void;
  unlinkSync(p: string): void;
  renameSync(from: string, to: string): void;
  chmodSync(p: string, mode: number): void;
  readlinkSync(p: string): string;
  realpathSync(p: string): string;
  readdirSync(p: string): string[];
  readdirSync(p: string, options: { withFileTypes: true }): Dirent[];
}

function fromNode(): Impl {
  const fs: Impl = require('node:fs') as typeof NodeFs;
  return fs;
}

let chosen: Impl | undefined;
const impl = (): Impl => (chosen ??= isCompiledExecutable() ? viaAddon : fromNode());

/** node's fs.constants as lib/ uses them (the same numbers under node and in the executable) */
export const constants = viaAddon.constants;

export function readFileSync(file: string | number): Buffer;
export function readFileSync(file: string | number, encoding: viaAddon.Encoding): string;
export function readFileSync(file: string | number, encoding?: viaAddon.Encoding): Buffer | string {
  return encoding === undefined ? impl().readFileSync(file) : impl().readFileSync(file, encoding);
}
export const writeFileSync: Impl['writeFileSync'] = (file, data, options) => impl().writeFileSync(file, data, options);
export const appendFileSync: Impl['appendFileSync'] = (file, data) => impl().appendFileSync(file, data);
export const existsSync: Impl['existsSync'] = (p) => impl().existsSync(p);
export const accessSync: Impl['accessSync'] = (p, mode) => impl().accessSync(p, mode);
export const openSync: Impl['openSync'] = (p, flags, mode) => impl().openSync(p, flags, mode);
export const closeSync: Impl['closeSync'] = (fd) => impl().closeSync(fd);
/** one write(2). A string is written whole, no offset: node reads a number after a string as a file position */
export function writeSync(fd: number, data: string | Uint8Array, offset?: number, length?: number): number {
  if (typeof data === 'string') return impl().writeSync(fd, data);
  return impl().writeSync(fd, data, offset ?? 0, length ?? data.length - (offset ?? 0));
}
export const readSync: Impl['readSync'] = (fd, buf, offset, length, position) => impl().readSync(fd, buf, offset, length, position);
export const statSync: Impl['statSync'] = (p) => impl().statSync(p);
export const lstatSync: Impl['lstatSync'] = (p) => impl().lstatSync(p);
export const fstatSync: Impl['fstatSync'] = (fd) => impl().fstatSync(fd);
export const statfsSync: Impl['statfsSync'] = (p) => impl().statfsSync(p);
export const mkdirSync: Impl['mkdirSync'] = (p, options) => impl().mkdirSync(p, options);
export const rmSync: Impl['rmSync'] = (p, options) => impl().rmSync(p, options);
export const rmdirSync: Impl['rmdirSync'] = (p) => impl().rmdirSync(p);
export const unlinkSync: Impl['unlinkSync'] = (p) => impl().unlinkSync(p);
export const renameSync: Impl['renameSync'] = (from, to) => impl().renameSync(from, to);
export const chmodSync: Impl['chmodSync'] = (p, mode) => impl().chmodSync(p, mode);
export const readlinkSync: Impl['readlinkSync'] = (p) => impl().readlinkSync(p);
export const realpathSync: Impl['realpathSync'] = (p) => impl().realpathSync(p);
export function readdirSync(p: string): string[];
export function readdirSync(p: string, options: { withFileTypes: true }): Dirent[];
export function readdirSync(p: string, options?: { withFileTypes: true }): string[] | Dirent[] {
  return options ? impl().readdirSync(p, options) : impl().readdirSync(p);
}
