// `runts spec [--bundle DIR] [--rootless]`: writes a starter config.json, the
// same bytes runc 1.1.5 writes (bar ociVersion). Errors, as runc's:
//   chdir <bundle>: no such file or directory
//   File config.json exists. Remove it first
//   open config.json: permission denied
// all with exit code 1.

import * as fs from '../sys/fs';
import * as path from '../sys/path';
import type { FlagValues } from './args';
import { bool, str } from './args';
import type { Command, GlobalOptions } from './command';
import { RuntsError } from '../errors';
import { errnoText } from '../errno';
import { defaultSpec, formatSpec } from '../config/default-spec';

const SPEC_CONFIG = 'config.json';


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
