import * as fs from '../sys/fs';
import { bool, str } from './args';
import { RuntsError } from '../errors';
import type { Command } from './command';
import { statusOfId } from '../container/status';
import { creatingState, ociState, Store } from '../container/store';
import { writeStderr, writeStdout } from './stdio';
import { words } from './words';

/**
 * runc's OWNER: the name of the state directory's owner (`#<uid>` without a
 * passwd entry); under $XDG_RUNTIME_DIR that is the rootless user.
 */
function ownerOf(dir: string): string {
  let uid: number;
  try {
    uid = fs.statSync(dir).uid;
  } catch {
    return '';
  }
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && Number(f[2]) === uid && f[2] !== '') return f[0];
    }
  } catch {
    // no passwd: the number
  }
  return `#${uid}`;
}

export const command: Command = {
  name: 'list',
  summary: 'lists containers started by runts with the given root',
  argsUsage: '',
  flags: [
    { name: 'format', aliases: ['f'], kind: 'string', usage: 'select one of: table or json', default: 'table' },
    { name: 'quiet', aliases: ['q'], kind: 'bool', usage: 'display only container IDs' },
  ],
  minArgs: 0,
  maxArgs: 0,
  async run(g, flags) {
    const store = new Store(g.root);
    const format = str(flags, 'format');
    if (format !== 'table' && format !== 'json') throw new RuntsError(`invalid format option`);
    // a create under way is listed as creating; a damaged record is named on
    // stderr and skipped, as runc does ("load container ID: ...")
    const states: Record<string, unknown>[] = [];
    for (const id of store.list()) {
      try {
        const found = statusOfId(store, id);
        if (found) states.push({ ...(found.rec ? ociState(found.rec, found.status) : creatingState(id)), owner: ownerOf(store.dir(id)) });
      } catch (e) {
        if (!(e instanceof RuntsError)) throw e;
        writeStderr(`load container ${id}: ${words(e)}\n`);
      }
    }
    if (bool(flags, 'quiet')) {
      for (const s of states) writeStdout(`${s.id}\n`);
    } else if (format === 'json') {
      // runc prints null for no containers
      writeStdout(JSON.stringify(states.length ? states : null) + '\n');
    } else {
      const rows = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER']];
      for (const s of states) rows.push([s.id, s.pid, s.status, s.bundle, s.created, s.owner].map(String));
      // text/tabwriter with minwidth 12, padding 1, as runc
      const widths = rows[0].map((_, c) => Math.max(11, ...rows.map((r) => r[c].length)) + 1);
      for (const r of rows) writeStdout(r.map((v, c) => (c < r.length - 1 ? v.padEnd(widths[c]) : v)).join('') + '\n');
    }
    return 0;
  },
};
