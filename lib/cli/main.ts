// Entry point: runc's global flags, then one subcommand, each in its own file
// and loaded only when called (start-up time is paid on every invocation).
// first: it notes when the bundle began to run (--debug's "start")
import { commandStarts, timingsLine } from '../timing';
import { parseFlags, reorderArgs, str, bool, UsageError, type FlagSpec } from './args';
import { RuntsError } from '../errors';
import { errnoText } from '../errno';
import type { Command, GlobalOptions } from './command';
import { words } from './words';
import { logDebug, logError } from './log';
import { writeStderr, writeStdout } from './stdio';
import { programName } from '../self';
import { defaultStateRoot, hostRootless, makeXdgStateRoot } from '../rootless';

const COMMANDS: Record<string, () => Command> = {
  create: () => require('./create').command,
  start: () => require('./start').command,
  state: () => require('./state').command,
  kill: () => require('./kill').command,
  delete: () => require('./delete').command,
  run: () => require('./run').command,
  list: () => require('./list').command,
  spec: () => require('./spec').command,
  features: () => require('./features').command,
  exec: () => require('./exec').command,
  pause: () => require('./pause').command,
  resume: () => require('./resume').command,
  update: () => require('./update').command,
  events: () => require('./events').command,
  ps: () => require('./ps').command,
  checkpoint: () => require('./checkpoint').checkpoint,
  restore: () => require('./checkpoint').restore,
};

const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'root', kind: 'string', usage: 'root directory for storage of container state (default /run/runts; $XDG_RUNTIME_DIR/runts when rootless)' },
  { name: 'log', kind: 'string', usage: 'set the log file to write runts logs to (default is stderr)' },
  { name: 'log-format', kind: 'string', usage: 'set the log format ("text" (default), or "json")', default: 'text' },
  { name: 'debug', kind: 'bool', usage: 'enable debug logging' },
  { name: 'systemd-cgroup', kind: 'bool', usage: 'use systemd-style cgroupsPath ("slice:prefix:name")' },
  { name: 'rootless', kind: 'string', usage: 'ignore cgroup permission errors (true, false, auto)', default: 'auto' },
  { name: 'criu', kind: 'string', usage: 'accepted for runc compatibility; checkpointing is not supported' },
  { name: 'help', aliases: ['h'], kind: 'bool', usage: 'show help' },
  { name: 'version', aliases: ['v'], kind: 'bool', usage: 'print the version' },
];

const ROOTLESS_HELP = `ROOTLESS:
   As a normal user (or as root in someone else's user namespace, e.g. under rootless podman),
   runts keeps its state in $XDG_RUNTIME_DIR/runts unless --root is given, makes the
   container's user namespace itself (\`runts spec --rootless\` maps the caller to root) and
   maps more ranges with newuidmap/newgidmap from /etc/subuid and /etc/subgid. Devices are
   bound from the host and sysfs is bound when there is no network namespace of its own.
   Cgroups are used only where they are delegated to the user (--systemd-cgroup: the user's
   systemd); without them a container gets none, and a limit fails naming its field.
`;

const VERSION = 'runts version 0.1.0\nspec: 1.3.0';

function usage(): string {
  const cmds = Object.keys(COMMANDS)
    .map((n) => `   ${n.padEnd(10)} ${COMMANDS[n]().summary}`)
    .join('\n');
  const flags = GLOBAL_FLAGS.map((f) => `   --${f.name.padEnd(16)} ${f.usage}`).join('\n');
  return `NAME:\n   runts - an OCI container runtime, a drop-in for runc\n\nUSAGE:\n   runts [global options] command [command options] [arguments...]\n\nCOMMANDS:\n${cmds}\n\nGLOBAL OPTIONS:\n${flags}\n\n${ROOTLESS_HELP}`;
}

function commandHelp(c: Command): string {
  const flags = c.flags.map((f) => `   --${[f.name, ...(f.aliases ?? [])].join(', -').padEnd(22)} ${f.usage}`).join('\n');
  return `NAME:\n   runts ${c.name} - ${c.summary}\n\nUSAGE:\n   runts ${c.name} [command options] ${c.argsUsage}\n\nOPTIONS:\n${flags}\n`;
}

/** runc names itself by os.Args[0]; so does the executable (node: the launcher's path) */
function argCountError(c: Command, n: number): string {
  const self = programName();
  if (c.minArgs === c.maxArgs) return `${self}: "${c.name}" requires exactly ${c.minArgs} argument(s)`;
  if (n < c.minArgs) return `${self}: "${c.name}" requires a minimum of ${c.minArgs} argument(s)`;
  return `${self}: "${c.name}" requires a maximum of ${c.maxArgs} argument(s)`;
}

/** runc's app.Before for an $XDG_RUNTIME_DIR root, with its two hints. */
function prepareXdgRoot(root: string): void {
  try {
    makeXdgStateRoot(root);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const hint = err.syscall === 'chmod' ? 'you should check permission of the path in $XDG_RUNTIME_DIR' : 'the path in $XDG_RUNTIME_DIR must be writable by the user';
    throw new RuntsError(`${hint}: ${err.syscall ?? 'mkdir'} ${root}: ${errnoText(e)}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  let g: GlobalOptions = { root: '/run/runts', logFormat: 'text', debug: false, systemdCgroup: false };
  try {
    const top = parseFlags(argv, GLOBAL_FLAGS);
    const logFormat = str(top.flags, 'log-format') ?? 'text';
    if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError(`invalid log-format: ${logFormat}`);
    const givenRoot = str(top.flags, 'root');
    const stateRoot = defaultStateRoot(process.env, hostRootless());
    g = {
      root: givenRoot ?? stateRoot.root,
      log: str(top.flags, 'log'),
      logFormat,
      debug: bool(top.flags, 'debug'),
      systemdCgroup: bool(top.flags, 'systemd-cgroup'),
      rootless: str(top.flags, 'rootless'),
    };
    if (bool(top.flags, 'version')) {
      writeStdout(VERSION + '\n');
      return 0;
    }
    const [name, ...rest] = top.args;
    if (!name || bool(top.flags, 'help')) {
      writeStdout(usage());
      return 0;
    }
    if (givenRoot === undefined && stateRoot.xdg) prepareXdgRoot(g.root);
    const factory = COMMANDS[name];
    // runc (urfave/cli) exits 3 for an unknown command
    if (!factory) throw new RuntsError(`No help topic for '${name}'`, 3);
    const cmd = factory();
    const cmdFlags: FlagSpec[] = [...cmd.flags, { name: 'help', aliases: ['h'], kind: 'bool', usage: 'show help' }];
    const parsed = parseFlags(cmd.skipArgReorder ? rest : reorderArgs(rest), cmdFlags);
    if (bool(parsed.flags, 'help')) {
      writeStdout(commandHelp(cmd));
      return 0;
    }
    if (parsed.args.length < cmd.minArgs || parsed.args.length > cmd.maxArgs) {
      writeStderr('Incorrect Usage.\n\n' + commandHelp(cmd));
      logError(g, argCountError(cmd, parsed.args.length));
      return 1;
    }
    logDebug(g, `${name} ${parsed.args.join(' ')} (root ${g.root})`);
    const started = Date.now();
    commandStarts();
    const code = await cmd.run(g, parsed.flags, parsed.args);
    logDebug(g, `${name} done in ${Date.now() - started} ms, exit ${code}`);
    if (g.debug) logDebug(g, `${name} timings: ${timingsLine()}`);
    return code;
  } catch (e) {
    if (e instanceof RuntsError) {
      logError(g, words(e));
      return e.exitCode;
    }
    if (e instanceof UsageError) {
      logError(g, e.message);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    // an unexpected failure still gets one line, never a stack trace
    logError(g, err && err.message ? err.message : String(e));
    if (g.debug && err && err.stack) writeStderr(err.stack + '\n');
    return 1;
  }
}

// started by the bundle's entry (scripts/build-bundle.mjs) or by bin/runts-node:
// inside the bundle a `require.main === module` here would be true as well
