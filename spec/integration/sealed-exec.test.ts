// CVE-2019-5736: no process the container can see or become has a host
// binary as its exe. The container's process is started through a sealed
// memfd helper (addon/src/sealed_exec.c, addon/helper/exec-helper.c), so an
// entrypoint `#!/proc/self/exe` finds that helper, which refuses to run as an
// interpreter, and never the runtime's binary.
//
// The attack needs the runtime's binary to be able to run in the container:
// the rootfs gets its shared libraries (bound read-only at the paths ldd
// names), and the entrypoint is JavaScript. That binary is the compiled
// executable (bin/runts; BUN_BE_BUN=1 in the container's environment makes it
// run the script as bun would), or node for a launcher script (RUNTS_BIN=
// bin/runts-node). The runtime runs from a throwaway copy of it, so a
// successful attack corrupts only that copy.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { spawnSync, execFileSync } from 'node:child_process';
import { Sandbox, RUNTS, TOP, Json, eventually, readState } from '../lib/harness';

const NODE = fs.realpathSync(execFileSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).trim());
/** the compiled executable (an ELF file), or a script run by node */
const COMPILED = fs.readFileSync(fs.realpathSync(RUNTS)).subarray(0, 4).equals(Buffer.from('\x7fELF', 'latin1'));
/** the binary every runts process (and so the init before the fix) runs */
const RUNTIME_BINARY = COMPILED ? fs.realpathSync(RUNTS) : NODE;
/** a Bun executable runs a script given to it only with this set */
const RUN_AS_JS = 'BUN_BE_BUN=1';

/** what a JS file run by the host binary prints: the proof that it ran */
const RAN = 'host binary ran as';

/** the JavaScript entrypoint: prints its exe and tries to open it for writing;
 * with `later` it leaves a shell behind that writes the binary once free */
const ENTRY = `#!/proc/self/exe
const fs = require('fs');
const exe = fs.readlinkSync('/proc/self/exe');
let open = 'not tried';
try {
  fs.writeSync(fs.openSync('/proc/self/exe', fs.constants.O_WRONLY), 'x');
  open = 'wrote it';
} catch (e) {
  open = e.code;
}
console.log('${RAN} ' + exe + ' (open O_WRONLY: ' + open + ')');
if (process.argv[2] === 'later') {
  // holds the binary through /proc/<node's pid>/exe, and writes it when no
  // process runs it any more (after this one and the runtime have exited)
  const script = 'exec 3</proc/$PPID/exe || { echo no-open > /tmp/result; exit; }; i=0; ' +
    'while [ $i -lt 300 ]; do if (printf x 1<>/proc/self/fd/3) 2>/dev/null; then echo wrote > /tmp/result; exit; fi; ' +
    'i=$((i+1)); usleep 100000; done; echo busy > /tmp/result';
  require('child_process').spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}
`;

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** read-only binds of the libraries the runtime's binary needs, at ldd's paths */
function libraryMounts(): Json[] {
  const ldd = execFileSync('ldd', [RUNTIME_BINARY], { encoding: 'utf8' });
  const libs = [...ldd.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]);
  return libs.map((lib) => ({ destination: lib, type: 'bind', source: fs.realpathSync(lib), options: ['bind', 'ro'] }));
}

/** a copy of the runtime's binary and how to run runts with it */
function runtimeCopy(s: Sandbox): { binary: string; launcher: string; sum: string } {
  const dir = path.join(s.dir, 'copy');
  fs.mkdirSync(dir);
  const binary = path.join(dir, COMPILED ? 'runts' : 'node');
  fs.copyFileSync(RUNTIME_BINARY, binary);
  fs.chmodSync(binary, 0o755);
  if (COMPILED) {
    // the executable loads the addon from beside itself
    fs.copyFileSync(path.join(path.dirname(RUNTIME_BINARY), 'runts.node'), path.join(dir, 'runts.node'));
    return { binary, launcher: binary, sum: sha256(binary) };
  }
  const launcher = path.join(dir, 'runts');
  fs.writeFileSync(launcher, `#!/bin/sh\nexec ${binary} ${RUNTS} "$@"\n`, { mode: 0o755 });
  return { binary, launcher, sum: sha256(binary) };
}

/** runts through `launcher`; output through files, as a detached container keeps its stdio */
function runWith(launcher: string, s: Sandbox, args: string[]) {
  const out = path.join(s.dir, 'copy.out');
  const err = path.join(s.dir, 'copy.err');
  const fds = [fs.openSync(out, 'w'), fs.openSync(err, 'w')];
  const r = spawnSync(launcher, ['--root', s.root, ...args], { stdio: ['ignore', fds[0], fds[1]], timeout: 30000 });
  fds.forEach((fd) => fs.closeSync(fd));
  return { code: r.status ?? 128, stdout: fs.readFileSync(out, 'utf8'), stderr: fs.readFileSync(err, 'utf8') };
}

function attackBundle(s: Sandbox, args: string[]): string {
  const b = s.bundle(
    (c) => {
      c.root.readonly = false;
      c.mounts.push(...libraryMounts());
      c.process.args = args;
      c.process.env.push(RUN_AS_JS);
    },
    { copyRootfs: true },
  );
  fs.writeFileSync(path.join(b, 'rootfs', 'entry'), ENTRY, { mode: 0o755 });
  return b;
}

t.test('the runtime\'s binary can run JavaScript in the test container (the attack is possible)', async (t) => {
  // without this, the tests below would pass for the wrong reason
  const s = new Sandbox(t);
  const b = attackBundle(s, ['/runtime', '-e', 'console.log("JavaScript runs here")']);
  fs.copyFileSync(RUNTIME_BINARY, path.join(b, 'rootfs', 'runtime'));
  const r = s.run(['run', '-b', b, 'jsruns']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'JavaScript runs here\n');
});

t.test('run: a #!/proc/self/exe entrypoint never runs the host binary, which stays intact', async (t) => {
  const s = new Sandbox(t);
  const copy = runtimeCopy(s);
  const b = attackBundle(s, ['/entry']);
  try {
    const r = runWith(copy.launcher, s, ['run', '-b', b, 'selfexe']);
    t.notMatch(r.stdout, RAN, 'the host binary did not run');
    t.equal(r.code, 127, 'the helper refuses to be the interpreter');
    t.match(r.stderr, 'refuses to run as an interpreter');
    t.equal(sha256(copy.binary), copy.sum, 'the runtime binary is byte-identical');
  } finally {
    s.run(['delete', '--force', 'selfexe']);
  }
});

t.test('exec: a #!/proc/self/exe program never runs the host binary, which no process can write later', async (t) => {
  const s = new Sandbox(t);
  const copy = runtimeCopy(s);
  const b = attackBundle(s, ['sleep', '300']);
  try {
    const c = runWith(copy.launcher, s, ['run', '-d', '-b', b, 'victim']);
    t.equal(c.code, 0, c.stderr);
    const r = runWith(copy.launcher, s, ['exec', '-e', RUN_AS_JS, 'victim', '/entry', 'later']);
    t.notMatch(r.stdout, RAN, 'the host binary did not run');
    t.equal(r.code, 127, 'the helper refuses to be the interpreter');
    t.match(r.stderr, 'refuses to run as an interpreter');
    const result = path.join(b, 'rootfs', 'tmp', 'result');
    if (r.stdout.includes(RAN)) {
      // the attack ran: give its writer the chance it waits for
      await eventually(() => fs.existsSync(result), 40000);
      t.comment(`writer in the container: ${fs.existsSync(result) ? fs.readFileSync(result, 'utf8').trim() : 'no result'}`);
    }
    t.equal(sha256(copy.binary), copy.sum, 'the runtime binary is byte-identical');
  } finally {
    s.run(['delete', '--force', 'victim']);
  }
});

t.test('the container process and an exec process have their own exe, and no runtime fd', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['sleep', '300']));
  try {
    t.equal(s.run(['run', '-d', '-b', b, 'own'], { detached: true }).code, 0);
    const pid = readState(s, 'own').pid as number;
    t.equal(fs.readlinkSync(`/proc/${pid}/exe`), '/bin/busybox', 'the init: the image\'s binary (seen from outside its root)');
    const r = s.run(['exec', 'own', 'sh', '-c', 'readlink /proc/self/exe; ls /proc/self/fd | tr "\\n" " "']);
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stdout, '/bin/busybox\n0 1 2 3 ', 'the exec process: the image\'s binary, only stdio (and ls\'s directory)');
  } finally {
    s.run(['delete', '--force', 'own']);
  }
});

t.test('a program that passes the create-time check but cannot be executed: 127 and the reason in runc\'s words', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['/garbage']), { copyRootfs: true });
  fs.writeFileSync(path.join(b, 'rootfs', 'garbage'), 'neither ELF nor #!\n', { mode: 0o755 });
  const r = s.run(['run', '-b', b, 'garbage']);
  t.equal(r.code, 127);
  t.equal(r.stderr, 'runts: exec /garbage: exec format error\n');
});

// A created container waits for `start` in the sealed helper, not in a fork
// of the runtime (issue 21: runc's waiting init is its own small re-exec):
// its exe is the memfd and no page of the runtime's binary or addon is mapped.
t.test('a created container\'s init is the sealed helper, with none of the runtime mapped', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['sh', '-c', 'echo started-marker-arg']));
  try {
    t.equal(s.run(['create', '--bundle', b, 'waiting'], { detached: true }).code, 0);
    const pid = readState(s, 'waiting').pid as number;
    t.match(fs.readlinkSync(`/proc/${pid}/exe`), /^\/memfd:runts-exec/, 'the exe is the sealed memfd');
    const maps = fs.readFileSync(`/proc/${pid}/maps`, 'utf8');
    const mapped = [...new Set([...maps.matchAll(/ (\/\S.*)$/gm)].map((m) => m[1]))];
    const runtimeFiles = [RUNTIME_BINARY, fs.realpathSync(RUNTS), path.join(TOP, 'dist', 'runts.node')];
    t.same(mapped.filter((f) => runtimeFiles.includes(f) || /node|bun|runts\.node/.test(f)), [], `no runtime file mapped (maps name: ${mapped.join(', ')})`);
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    t.notMatch(cmdline, /started-marker-arg|echo/, 'the world-readable cmdline shows none of the program\'s arguments');
    t.equal(s.run(['start', 'waiting']).code, 0);
    await eventually(() => readState(s, 'waiting').status === 'stopped');
    t.equal(fs.readFileSync(path.join(s.dir, 'detached.out'), 'utf8'), 'started-marker-arg\n', 'start runs the program with its arguments');
  } finally {
    s.run(['delete', '--force', 'waiting']);
  }
});

// CVE-2016-9962's lesson: the waiting init holds a host file (the exec fifo's
// read end); a process in the container with the same uid must not reach it
// through /proc/1/fd. The exec into the helper made it dumpable again, so the
// helper makes itself non-dumpable before it waits, as the runtime's fork was.
t.test('the waiting init is non-dumpable: a container process of its uid cannot open /proc/1/fd', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.user = { uid: 1000, gid: 1000 };
    c.process.args = ['true'];
    // the same (no) capabilities for both: else the kernel refuses for that
    c.process.capabilities = {};
  });
  try {
    t.equal(s.run(['create', '--bundle', b, 'dumpable'], { detached: true }).code, 0);
    const pid = readState(s, 'dumpable').pid as number;
    t.equal(fs.statSync(`/proc/${pid}/fd`).uid, 0, '/proc/<init>/fd belongs to root, as for a non-dumpable process of uid 1000');
    const r = s.run(['exec', 'dumpable', 'sh', '-c', 'id -u; ls -l /proc/1/fd']);
    t.match(r.stdout, /^1000\n/, 'the exec process runs as the same uid');
    t.notMatch(r.stdout, /exec\.fifo/, 'no path of the fifo is seen');
    t.match(r.stderr, /Permission denied/, 'the init\'s fds are refused');
    t.equal(s.run(['start', 'dumpable']).code, 0);
  } finally {
    s.run(['delete', '--force', 'dumpable']);
  }
});
