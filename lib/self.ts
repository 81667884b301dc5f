// What this process is: the compiled executable (Bun's compiler, `make build`
// writes dist/runts) or the same code under node (bin/runts-node, tests).
//
// Inside a compiled executable the bundle has a virtual path
// (process.argv[1] is "/$bunfs/root/runts") and __dirname is the build tree's
// directory frozen at build time, so neither says where the program is
// installed: process.execPath (the kernel's /proc/self/exe, symlinks
// resolved) does.
import * as fs from './sys/fs';

const BUNFS = '/$bunfs/';

/** true inside the executable built by `bun build --compile` */
export function isCompiledExecutable(): boolean {
  return (process.argv[1] ?? '').startsWith(BUNFS);
}

/**
 * The program's name as it was invoked, for messages that runc words with
 * os.Args[0] ("/usr/bin/runts: \"start\" requires exactly 1 argument(s)").
 * Compiled: argv[0] as exec'd, from /proc/self/cmdline (process.argv[0] is
 * "bun"). Under node: the launcher script's path.
 */
export function programName(): string {
  if (isCompiledExecutable()) {
    try {
      const cmdline = fs.readFileSync('/proc/self/cmdline', 'latin1');
      const first = cmdline.slice(0, cmdline.indexOf('\0'));
      if (first) return first;
    } catch {
      // no /proc: the installed path is the next best name
    }
    return process.execPath;
  }
  return process.argv[1] ?? 'runts';
}
