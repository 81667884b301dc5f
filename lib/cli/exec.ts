// `runts exec`: runc's flags; the process is the container's with the
// command-line changes, or a whole process.json given with --process.
import { bool, int, str, strs } from './args';
import { RuntsError } from '../errors';
import { withPrefix, type Command } from './command';
import { logDebug, logWarning } from './log';
import { SignalForwarder, waitForeground } from './run';
import { loadProcess } from '../config/load';
import type { Process } from '../config/types';
import { execInContainer } from '../container/exec';
import { ID_RANGE_WORDS, idInRange } from '../plan/ids';
import { statusOfId } from '../container/status';
import { Store } from '../container/store';

/** `--user uid[:gid]`, numeric as runc takes it */
function parseUser(v: string): { uid: number; gid?: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(v);
  if (!m) throw new RuntsError(`invalid --user "${v}": expected <uid>[:<gid>]`);
  const uid = Number(m[1]);
  const gid = m[2] === undefined ? undefined : Number(m[2]);
  // (uid_t)-1 would leave the exec'd process root: runc's range and words
  if (!idInRange(uid) || (gid !== undefined && !idInRange(gid))) throw new RuntsError(`--user ${v}: ${ID_RANGE_WORDS}`);
  return { uid, gid };
}

/** The process to run: --process FILE, or the container's process changed by the flags. */
function processFrom(base: Process | undefined, flags: Parameters<Command['run']>[1], args: string[]): Process {
  const file = str(flags, 'process');
  if (file) {
    return loadProcess(file);
  }
  if (!args.length) throw new RuntsError('process args cannot be empty');
  const p: Process = JSON.parse(JSON.stringify(base ?? { cwd: '/', args: ['sh'] })) as Process;
  p.args = args;
  p.terminal = bool(flags, 'tty');
  // runc: exec gets a fresh console; the container's size does not carry over
  delete p.consoleSize;
  const cwd = str(flags, 'cwd');
  if (cwd) p.cwd = cwd;
  const env = strs(flags, 'env');
  if (env.length) p.env = [...(p.env ?? []), ...env];
  const user = str(flags, 'user');
  if (user) {
    const u = parseUser(user);
    p.user = { ...(p.user ?? { uid: 0, gid: 0 }), uid: u.uid, gid: u.gid ?? p.user?.gid ?? 0 };
  }
  const gids = strs(flags, 'additional-gids');
  if (gids.length) {
    for (const g of gids) if (!/^\d+$/.test(g)) throw new RuntsError(`invalid --additional-gids "${g}"`);
    for (const g of gids) if (!idInRange(Number(g))) throw new RuntsError(`--additional-gids ${g}: ${ID_RANGE_WORDS}`);
    p.user = { ...(p.user ?? { uid: 0, gid: 0 }), additionalGids: [...(p.user?.additionalGids ?? []), ...gids.map(Number)] };
  }
  const caps = strs(flags, 'cap');
  if (caps.length) {
    const c = (p.capabilities ??= {});
    for (const set of ['bounding', 'effective', 'permitted', 'ambient'] as const) c[set] = [...(c[set] ?? []), ...(caps as never[])];
  }
  if (bool(flags, 'no-new-privs')) p.noNewPrivileges = true;
  const apparmor = str(flags, 'apparmor');
  if (apparmor) p.apparmorProfile = apparmor;
  const label = str(flags, 'process-label');
  if (label) p.selinuxLabel = label;
  return p;
}

export const command: Command = {
  name: 'exec',
  summary: 'execute new process inside the container',
  argsUsage: '<container-id> <command> [command options]  || -p process.json <container-id>',
  flags: [
    { name: 'console-socket', kind: 'string', usage: 'path to an AF_UNIX socket which will receive the pty master' },
    { name: 'cwd', kind: 'string', usage: 'current working directory in the container' },
    { name: 'env', aliases: ['e'], kind: 'strings', usage: 'set environment variables' },
    { name: 'tty', aliases: ['t'], kind: 'bool', usage: 'allocate a pseudo-TTY' },
    { name: 'user', aliases: ['u'], kind: 'string', usage: 'UID (format: <uid>[:<gid>])' },
    { name: 'additional-gids', aliases: ['g'], kind: 'strings', usage: 'additional gids' },
    { name: 'process', aliases: ['p'], kind: 'string', usage: 'path to the process.json' },
    { name: 'detach', aliases: ['d'], kind: 'bool', usage: 'detach from the container\'s process' },
    { name: 'pid-file', kind: 'string', usage: 'specify the file to write the process id to' },
    { name: 'process-label', kind: 'string', usage: 'set the asm process label for the process commonly used with selinux' },
    { name: 'apparmor', kind: 'string', usage: 'set the apparmor profile for the process' },
    { name: 'no-new-privs', kind: 'bool', usage: 'set the no new privileges value for the process' },
    { name: 'cap', aliases: ['c'], kind: 'strings', usage: 'add a capability to the bounding set for the process' },
    { name: 'preserve-fds', kind: 'int', usage: 'pass N additional file descriptors to the container', default: 0 },
    { name: 'cgroup', kind: 'strings', usage: 'run the process in an (existing) sub-cgroup(s): [<controller>:]<path>' },
    { name: 'ignore-paused', kind: 'bool', usage: 'allow exec in a paused container' },
  ],
  // the arguments after the id are the container's: never reordered (runc too)
  skipArgReorder: true,
  minArgs: 1,
  maxArgs: Infinity,
  async run(g, flags, args) {
    const store = new Store(g.root);
    const [id, ...command] = args;
    const detach = bool(flags, 'detach');
    const warn = (m: string): void => logWarning(g, m);
    // signals that come while the process starts wait for its pid (see SignalForwarder)
    const signals = detach ? undefined : new SignalForwarder();
    // runc: every exec failure is "exec failed: ..." with exit status 255
    // the lock until the process is registered (spawned, pid file written):
    // a delete that comes meanwhile waits, then kills it with the rest
    const register = (): ReturnType<typeof execInContainer> => {
      const rec = store.load(id);
      return execInContainer(store, {
        id,
        process: processFrom(rec.config.process, flags, command),
        consoleSocket: str(flags, 'console-socket'),
        foreground: !detach,
        pidFile: str(flags, 'pid-file'),
        preserveFds: int(flags, 'preserve-fds') ?? 0,
        subCgroups: strs(flags, 'cgroup'),
        ignorePaused: bool(flags, 'ignore-paused'),
        warn,
        debug: (m: string) => logDebug(g, m),
      });
    };
    // with --ignore-paused into a paused container the process waits, frozen
    // in the container's cgroup, until a resume: holding the lock meanwhile
    // would keep that resume out for good (runc's exec takes no lock here)
    const waitsForResume = bool(flags, 'ignore-paused') && statusOfId(store, id)?.status === 'paused';
    const started = await withPrefix('exec failed', () => (waitsForResume ? register() : store.locked(id, register)), 255).catch((e: unknown) => {
      signals?.stop();
      throw e;
    });
    if (!signals) return 0;
    const status = await waitForeground(started.pid, started.consoleFd, false, signals);
    return status.code >= 0 ? status.code : 128 + status.signal;
  },
};
