// `runts spec [--bundle DIR] [--rootless]`: writes a starter config.json, the
// same bytes runc 1.1.5 writes (bar ociVersion). Errors, as runc's:
//   chdir <bundle>: no such file or directory
//   File config.json exists. Remove it first
//   open config.json: permission denied
// all with exit code 1.

import * as fs from 'fs';
import * as path from 'path';
import type { FlagValues } from './args';
import { bool, str } from './args';
import type { Command, GlobalOptions } from './command';
import { RuntsError } from './command';
import { defaultSpec, formatSpec } from '../config/default-spec';

const SPEC_CONFIG = 'config.json';

// Go's syscall.Errno strings for the errors this command can meet.
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  ETXTBSY: 'text file busy',
  EEXIST: 'file exists',
  EBUSY: 'device or resource busy',
  EINVAL: 'invalid argument',
};

function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  // Node: "EACCES: permission denied, open '/x'" -> "permission denied"
  return ERRNO_TEXT[String(err.code)] ?? String(err.message).replace(/^[A-Z0-9]+: ([^,]*)[^]*$/, '$1');
}

/** What runc's os.Chdir(bundle) would report, without changing our cwd. */
function checkBundle(bundle: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(bundle);
  } catch (e) {
    throw new RuntsError(`chdir ${bundle}: ${errnoText(e)}`);
  }
  if (!st.isDirectory()) throw new RuntsError(`chdir ${bundle}: not a directory`);
  try {
    fs.accessSync(bundle, fs.constants.X_OK);
  } catch (e) {
    throw new RuntsError(`chdir ${bundle}: ${errnoText(e)}`);
  }
}

export const command: Command = {
  name: 'spec',
  summary: 'create a new specification file',
  argsUsage: '',
  flags: [
    { name: 'bundle', aliases: ['b'], kind: 'string', usage: 'path to the root of the bundle directory' },
    { name: 'rootless', kind: 'bool', usage: 'generate a configuration for a rootless container' },
  ],
  minArgs: 0,
  maxArgs: 0,
  async run(_global: GlobalOptions, flags: FlagValues, _args: string[]): Promise<number> {
    const bundle = str(flags, 'bundle');
    let dir = '.';
    if (bundle !== undefined && bundle !== '') {
      checkBundle(bundle);
      dir = bundle;
    }
    const file = path.join(dir, SPEC_CONFIG);
    // runc: os.Stat succeeding (file, directory, symlink to anything) means "exists";
    // any other stat failure is left for the write to report.
    let exists = false;
    try {
      fs.statSync(file);
      exists = true;
    } catch {
      exists = false;
    }
    if (exists) throw new RuntsError(`File ${SPEC_CONFIG} exists. Remove it first`);

    const data = formatSpec(defaultSpec({ rootless: bool(flags, 'rootless') }));
    try {
      fs.writeFileSync(file, data, { mode: 0o666 });
    } catch (e) {
      const op = (e as NodeJS.ErrnoException).syscall === 'write' ? 'write' : 'open';
      throw new RuntsError(`${op} ${SPEC_CONFIG}: ${errnoText(e)}`);
    }
    return 0;
  },
};
