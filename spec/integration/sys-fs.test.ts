// lib/sys/fs-addon.ts (the file system calls the compiled executable makes
// through the addon) against node:fs, on real files: each case runs once
// with node:fs and once with ours, each on a fresh copy of the same tree, and
// the results or errors must be the same (message, code, errno, syscall,
// path, dest), since callers test err.code and users read the messages.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ours from '../../lib/sys/fs-addon';

type Fs = typeof ours;
const theirs = nodeFs as unknown as Fs;

/** a tree: a file, an empty file, a directory with files, links in and out, a fifo */
function fixture(root: string, outside: string): void {
  nodeFs.writeFileSync(path.join(root, 'file'), 'hello\n');
  nodeFs.writeFileSync(path.join(root, 'empty'), '');
  nodeFs.writeFileSync(path.join(root, 'big'), Buffer.alloc(100_000, 'x'));
  nodeFs.mkdirSync(path.join(root, 'dir', 'sub'), { recursive: true });
  nodeFs.writeFileSync(path.join(root, 'dir', 'a'), 'a');
  nodeFs.writeFileSync(path.join(root, 'dir', 'sub', 'b'), 'b');
  nodeFs.symlinkSync('file', path.join(root, 'link'));
  nodeFs.symlinkSync('nowhere', path.join(root, 'dangling'));
  nodeFs.symlinkSync(outside, path.join(root, 'dir', 'out'));
  spawnSync('mkfifo', [path.join(root, 'fifo')]);
}

interface Outcome {
  value?: unknown;
  error?: Record<string, unknown>;
}

function outcome(f: () => unknown, root: string): Outcome {
  const clean = (v: unknown): unknown => (typeof v === 'string' ? v.split(root).join('<root>') : v);
  try {
    const v = f();
    return { value: Buffer.isBuffer(v) ? { buffer: v.toString('latin1') } : v === undefined ? undefined : JSON.parse(JSON.stringify(v, (_k, x) => clean(x))) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { dest?: string };
    return {
      error: { type: err.constructor.name, message: clean(err.message), code: err.code, errno: err.errno, syscall: err.syscall, path: clean(err.path), dest: clean(err.dest) },
    };
  }
}

function tree(): { base: string; root: string } {
  const base = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-sysfs-'));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  nodeFs.mkdirSync(root);
  nodeFs.mkdirSync(outside);
  nodeFs.writeFileSync(path.join(outside, 'keep'), 'keep');
  fixture(root, outside);
  return { base, root };
}

/** op run with node:fs and with ours on two fresh trees: the same outcome, and the trees left alike */
function same(t: Tap.Test, label: string, op: (fs: Fs, root: string) => unknown): void {
  const got: Outcome[] = [];
  const left: Outcome[] = [];
  for (const fs of [theirs, ours]) {
    const { base, root } = tree();
    try {
      got.push(outcome(() => op(fs, root), base));
      left.push(outcome(() => listTree(base), base));
    } finally {
      nodeFs.rmSync(base, { recursive: true, force: true });
    }
  }
  t.same(got[1], got[0], label);
  t.same(left[1], left[0], `${label}: the same files left`);
}

/** a call that changes nothing, with both on the one tree (stat results: the same inodes and times) */
function sameLooking(t: Tap.Test, label: string, op: (fs: Fs, root: string) => unknown): void {
  const { base, root } = tree();
  try {
    t.same(outcome(() => op(ours, root), base), outcome(() => op(theirs, root), base), label);
  } finally {
    nodeFs.rmSync(base, { recursive: true, force: true });
  }
}

/** every path under root with its type and (files) content, sorted */
function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of nodeFs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      const st = nodeFs.lstatSync(p);
      if (st.isDirectory()) {
        out.push(`${p}/ ${(st.mode & 0o7777).toString(8)}`);
        walk(p);
      } else if (st.isFile()) out.push(`${p} ${(st.mode & 0o7777).toString(8)} ${nodeFs.readFileSync(p, 'latin1').slice(0, 40)}`);
      else out.push(`${p} ${st.isSymbolicLink() ? '-> ' + nodeFs.readlinkSync(p) : 'other'}`);
    }
  };
  walk(root);
  return out;
}

const statFields = (s: ours.Stats) => {
  const { dev, ino, mode, nlink, uid, gid, rdev, size, blksize, blocks, mtimeMs, ctimeMs } = s;
  return { dev, ino, mode, nlink, uid, gid, rdev, size, blksize, blocks, mtimeMs, ctimeMs, dir: s.isDirectory(), file: s.isFile(), link: s.isSymbolicLink(), fifo: s.isFIFO() };
};

t.test('readFileSync: files, /proc, an fd, and the errors', async (t) => {
  for (const [f, enc] of [['file', 'utf8'], ['empty', 'utf8'], ['big', 'latin1'], ['link', 'utf8'], ['file', undefined]] as const)
    same(t, `readFileSync ${f} ${enc}`, (fs, r) => (enc ? fs.readFileSync(path.join(r, f), enc) : fs.readFileSync(path.join(r, f))));
  same(t, 'readFileSync /proc/self/cmdline (size 0 in stat)', (fs) => fs.readFileSync('/proc/self/cmdline', 'latin1'));
  same(t, 'readFileSync /proc/self/mountinfo (more than one read)', (fs) => fs.readFileSync('/proc/self/mountinfo', 'utf8').length > 0);
  for (const f of ['missing', 'file/x', 'dir', 'dangling'])
    same(t, `readFileSync ${f}: the error`, (fs, r) => fs.readFileSync(path.join(r, f), 'utf8'));
  same(t, 'readFileSync of an fd reads what is left and leaves it open', (fs, r) => {
    const fd = nodeFs.openSync(path.join(r, 'file'), 'r');
    nodeFs.readSync(fd, Buffer.alloc(2), 0, 2, null);
    const text = fs.readFileSync(fd, 'utf8');
    nodeFs.closeSync(fd);
    return text;
  });
});

t.test('writeFileSync, appendFileSync, openSync, writeSync, readSync, closeSync', async (t) => {
  same(t, 'writeFileSync a new file with a mode', (fs, r) => fs.writeFileSync(path.join(r, 'new'), 'data', { mode: 0o600 }));
  same(t, 'writeFileSync over a file (truncates), a Buffer', (fs, r) => fs.writeFileSync(path.join(r, 'big'), Buffer.from('short')));
  same(t, 'writeFileSync through a symlink', (fs, r) => fs.writeFileSync(path.join(r, 'link'), 'via link'));
  same(t, 'writeFileSync into a missing directory', (fs, r) => fs.writeFileSync(path.join(r, 'no', 'x'), 'x'));
  same(t, 'writeFileSync onto a directory', (fs, r) => fs.writeFileSync(path.join(r, 'dir'), 'x'));
  same(t, 'appendFileSync twice', (fs, r) => {
    fs.appendFileSync(path.join(r, 'file'), 'one\n');
    fs.appendFileSync(path.join(r, 'log'), 'two\n');
  });
  same(t, "openSync 'w' then writeSync a string and a buffer range", (fs, r) => {
    const fd = fs.openSync(path.join(r, 'out'), 'w', 0o640);
    const n = [fs.writeSync(fd, 'héllo '), fs.writeSync(fd, Buffer.from('0123456789'), 2, 3), fs.writeSync(fd, Buffer.from('abc'), 1)];
    fs.closeSync(fd);
    return n;
  });
  same(t, 'openSync O_RDWR|O_CREAT, readSync at the offset', (fs, r) => {
    const fd = fs.openSync(path.join(r, 'file'), ours.constants.O_RDWR | ours.constants.O_CREAT, 0o600);
    const buf = Buffer.alloc(8);
    const n = [fs.readSync(fd, buf, 1, 3, null), fs.readSync(fd, buf, 4, 4, null), fs.readSync(fd, buf, 0, 8, null)];
    fs.closeSync(fd);
    return [n, buf.toString('latin1')];
  });
  const excl = ours.constants.O_WRONLY | ours.constants.O_CREAT | ours.constants.O_EXCL | ours.constants.O_NOFOLLOW;
  same(t, 'openSync O_EXCL on a file there: EEXIST', (fs, r) => fs.openSync(path.join(r, 'file'), excl, 0o644));
  same(t, 'openSync O_NOFOLLOW on a symlink: ELOOP', (fs, r) => fs.openSync(path.join(r, 'link'), ours.constants.O_RDONLY | ours.constants.O_NOFOLLOW));
  same(t, 'openSync a fifo with no writer, O_RDONLY|O_NONBLOCK', (fs, r) => {
    fs.closeSync(fs.openSync(path.join(r, 'fifo'), ours.constants.O_RDONLY | ours.constants.O_NONBLOCK));
  });
  same(t, 'openSync a fifo with no reader, O_WRONLY|O_NONBLOCK: ENXIO', (fs, r) => fs.openSync(path.join(r, 'fifo'), ours.constants.O_WRONLY | ours.constants.O_NONBLOCK));
  same(t, 'openSync a missing file', (fs, r) => fs.openSync(path.join(r, 'missing'), 'r'));
  same(t, 'closeSync a closed fd: EBADF', (fs) => fs.closeSync(1_000_000));
  same(t, 'writeSync to a closed fd: EBADF', (fs) => fs.writeSync(1_000_000, 'x'));
  same(t, 'readSync from a write-only fd: EBADF', (fs, r) => {
    const fd = nodeFs.openSync(path.join(r, 'file'), 'a');
    try {
      return fs.readSync(fd, Buffer.alloc(4), 0, 4, null);
    } finally {
      nodeFs.closeSync(fd);
    }
  });
  t.test('the fds ours opens are close-on-exec, as libuv opens them', async (t) => {
    const fd = ours.openSync('/proc/self/status', 'r');
    const flags = nodeFs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/^flags:\s+([0-7]+)/m)?.[1];
    ours.closeSync(fd);
    t.ok(flags && (parseInt(flags, 8) & 0o2000000) !== 0, `O_CLOEXEC in ${flags}`);
  });
});

t.test('stat, lstat, fstat, statfs, exists, access', async (t) => {
  for (const f of ['file', 'dir', 'link', 'dangling', 'fifo', 'missing', 'file/x'])
    sameLooking(t, `statSync ${f}`, (fs, r) => statFields(fs.statSync(path.join(r, f))));
  for (const f of ['link', 'dangling', 'dir/out', 'missing'])
    sameLooking(t, `lstatSync ${f}`, (fs, r) => statFields(fs.lstatSync(path.join(r, f))));
  t.same(statFields(ours.statSync('/dev/null')), statFields(nodeFs.statSync('/dev/null') as unknown as ours.Stats), 'statSync /dev/null: rdev, a character device');
  sameLooking(t, 'fstatSync', (fs, r) => {
    const fd = nodeFs.openSync(path.join(r, 'big'), 'r');
    try {
      return statFields(fs.fstatSync(fd));
    } finally {
      nodeFs.closeSync(fd);
    }
  });
  sameLooking(t, 'fstatSync a closed fd', (fs) => fs.fstatSync(1_000_000));
  for (const p of ['/', '/proc', '/sys/fs/cgroup', '/nonexistent'])
    sameLooking(t, `statfsSync ${p}`, (fs) => {
      const s = fs.statfsSync(p);
      return { type: s.type, bsize: s.bsize, blocks: s.blocks };
    });
  for (const f of ['file', 'dir', 'link', 'dangling', 'missing', 'file/x'])
    sameLooking(t, `existsSync ${f}`, (fs, r) => fs.existsSync(path.join(r, f)));
  for (const [f, mode] of [['file', ours.constants.W_OK], ['dir', ours.constants.X_OK | ours.constants.W_OK], ['missing', ours.constants.F_OK], ['dangling', undefined]] as const)
    sameLooking(t, `accessSync ${f} ${mode}`, (fs, r) => fs.accessSync(path.join(r, f), mode));
});

t.test('mkdir (plain and recursive), rmdir, unlink, rename, chmod', async (t) => {
  same(t, 'mkdirSync new, with a mode', (fs, r) => fs.mkdirSync(path.join(r, 'new'), { mode: 0o700 }));
  same(t, 'mkdirSync where a directory is: EEXIST', (fs, r) => fs.mkdirSync(path.join(r, 'dir')));
  same(t, 'mkdirSync under a missing one: ENOENT', (fs, r) => fs.mkdirSync(path.join(r, 'no', 'new')));
  same(t, 'mkdirSync under a file: ENOTDIR', (fs, r) => fs.mkdirSync(path.join(r, 'file', 'new')));
  same(t, 'mkdirSync recursive, three new levels: the first one made', (fs, r) => fs.mkdirSync(path.join(r, 'x', 'y', 'z'), { recursive: true, mode: 0o750 }));
  same(t, 'mkdirSync recursive, there already: undefined', (fs, r) => fs.mkdirSync(path.join(r, 'dir', 'sub'), { recursive: true }));
  same(t, 'mkdirSync recursive onto a file: EEXIST', (fs, r) => fs.mkdirSync(path.join(r, 'file'), { recursive: true }));
  same(t, 'mkdirSync recursive under a file: ENOTDIR', (fs, r) => fs.mkdirSync(path.join(r, 'file', 'a', 'b'), { recursive: true }));
  same(t, 'mkdirSync recursive through a symlink to a directory', (fs, r) => fs.mkdirSync(path.join(r, 'dir', 'out', 'made'), { recursive: true }));
  same(t, 'mkdirSync recursive, relative with ..', (fs, r) => {
    const cwd = process.cwd();
    process.chdir(r);
    try {
      return fs.mkdirSync('dir/../p/q', { recursive: true });
    } finally {
      process.chdir(cwd);
    }
  });
  same(t, 'rmdirSync an empty directory', (fs, r) => fs.rmdirSync(path.join(r, 'dir', 'sub', '..', 'sub', 'b', '..')));
  same(t, 'rmdirSync a non-empty one: ENOTEMPTY', (fs, r) => fs.rmdirSync(path.join(r, 'dir')));
  same(t, 'rmdirSync a file: ENOTDIR', (fs, r) => fs.rmdirSync(path.join(r, 'file')));
  same(t, 'unlinkSync a symlink (not its target)', (fs, r) => fs.unlinkSync(path.join(r, 'link')));
  same(t, 'unlinkSync a missing file', (fs, r) => fs.unlinkSync(path.join(r, 'missing')));
  same(t, 'unlinkSync a directory: EISDIR', (fs, r) => fs.unlinkSync(path.join(r, 'dir')));
  same(t, 'renameSync over a file', (fs, r) => fs.renameSync(path.join(r, 'file'), path.join(r, 'empty')));
  same(t, 'renameSync a missing file: the error names both', (fs, r) => fs.renameSync(path.join(r, 'missing'), path.join(r, 'to')));
  same(t, 'renameSync a directory onto a non-empty one', (fs, r) => fs.renameSync(path.join(r, 'dir', 'sub'), path.join(r, 'dir')));
  same(t, 'chmodSync a file and through a symlink', (fs, r) => {
    fs.chmodSync(path.join(r, 'file'), 0o1600);
    fs.chmodSync(path.join(r, 'dir', 'out'), 0o711);
  });
  same(t, 'chmodSync a missing file', (fs, r) => fs.chmodSync(path.join(r, 'missing'), 0o600));
});

t.test('readlink, realpath, readdir', async (t) => {
  for (const f of ['link', 'dangling', 'dir/out', 'file', 'missing'])
    sameLooking(t, `readlinkSync ${f}`, (fs, r) => fs.readlinkSync(path.join(r, f)));
  for (const f of ['link', 'dir/out/keep', 'dir/sub/../a', 'dir/sub/'])
    sameLooking(t, `realpathSync ${f}`, (fs, r) => fs.realpathSync(path.join(r, f)));
  // node's realpathSync (JavaScript) names the component it failed to lstat; realpath(3) does not say
  for (const f of ['dangling', 'missing/x', 'file/x'])
    sameLooking(t, `realpathSync ${f}: the same code`, (fs, r) => {
      try {
        return fs.realpathSync(path.join(r, f));
      } catch (e) {
        return (e as NodeJS.ErrnoException).code;
      }
    });
  sameLooking(t, 'readdirSync: the names, in the same order', (fs, r) => fs.readdirSync(r));
  sameLooking(t, 'readdirSync withFileTypes', (fs, r) =>
    fs.readdirSync(path.join(r, 'dir'), { withFileTypes: true }).map((d) => [d.name, d.isDirectory(), d.isFile(), d.isSymbolicLink()]),
  );
  sameLooking(t, 'readdirSync /proc/self/fd (in a special file system)', (fs) => fs.readdirSync('/proc/self/task').length > 0);
  for (const f of ['missing', 'file', 'link'])
    sameLooking(t, `readdirSync ${f}`, (fs, r) => fs.readdirSync(path.join(r, f)));
});

t.test('rmSync', async (t) => {
  same(t, 'rmSync recursive: the tree goes, the directory its symlink points to stays', (fs, r) => fs.rmSync(path.join(r, 'dir'), { recursive: true, force: true }));
  same(t, 'rmSync recursive of the whole root (links, fifo, files)', (fs, r) => fs.rmSync(r, { recursive: true, force: true }));
  same(t, 'rmSync recursive through a symlink: the link goes, not the target', (fs, r) => fs.rmSync(path.join(r, 'dir', 'out'), { recursive: true, force: true }));
  same(t, 'rmSync force of a missing path', (fs, r) => fs.rmSync(path.join(r, 'missing'), { force: true }));
  same(t, 'rmSync force under a file', (fs, r) => fs.rmSync(path.join(r, 'file', 'x'), { force: true }));
  same(t, 'rmSync of a missing path without force', (fs, r) => fs.rmSync(path.join(r, 'missing')));
  same(t, 'rmSync of a file', (fs, r) => fs.rmSync(path.join(r, 'file')));
  same(t, 'rmSync of a directory without recursive', (fs, r) => {
    try {
      fs.rmSync(path.join(r, 'dir'), { force: true });
    } catch (e) {
      return (e as NodeJS.ErrnoException).code;
    }
  });
});

t.test('a path with a NUL byte is refused (TypeError), never cut short', async (t) => {
  t.throws(() => ours.readFileSync('/etc/passwd\0x', 'utf8'), TypeError);
  t.throws(() => ours.mkdirSync('/tmp/runts-test-nul\0x'), TypeError);
  t.throws(() => nodeFs.readFileSync('/etc/passwd\0x', 'utf8'), TypeError, 'as node refuses it');
});

t.test('EACCES as a user that may not read or write there', async (t) => {
  const base = nodeFs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-sysfs-acces-'));
  t.teardown(() => nodeFs.rmSync(base, { recursive: true, force: true }));
  nodeFs.chmodSync(base, 0o755);
  nodeFs.mkdirSync(path.join(base, 'closed'), { mode: 0o700 });
  nodeFs.writeFileSync(path.join(base, 'secret'), 'x', { mode: 0o600 });
  const dist = path.join(__dirname, '..', '..', 'dist', 'sys', 'fs-addon.js');
  // a child as nobody runs each call with node:fs and with ours (the compiled dist/ copy)
  const script = String.raw`
    const [dist, base] = process.argv.slice(1);
    const impls = { node: require('fs'), ours: require(dist) };
    const out = {};
    for (const [name, fs] of Object.entries(impls)) {
      out[name] = [
        () => fs.readFileSync(base + '/secret', 'utf8'),
        () => fs.writeFileSync(base + '/secret', 'y'),
        () => fs.mkdirSync(base + '/closed/x', { recursive: true }),
        () => fs.readdirSync(base + '/closed'),
        () => fs.statSync(base + '/closed/x'),
        () => fs.accessSync(base + '/secret', fs.constants.W_OK),
        () => fs.existsSync(base + '/closed/x'),
        () => fs.openSync(base + '/new', 'w'),
      ].map((f) => { try { return { value: f() }; } catch (e) { return { message: e.message, code: e.code, errno: e.errno, syscall: e.syscall, path: e.path }; } });
    }
    console.log(JSON.stringify(out));`;
  // through env -u: tap's spawn hook adds its NODE_OPTIONS, whose exit hook
  // would write under the checkout, where nobody may not
  const r = spawnSync('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, '-e', script, dist, base], { uid: 65534, gid: 65534, encoding: 'utf8' });
  t.equal(r.stderr, '', 'the child said nothing on stderr');
  t.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { node: unknown[]; ours: unknown[] };
  t.same(out.ours, out.node, 'the same results and errors as nobody');
  t.ok(JSON.stringify(out.node).includes('EACCES'), 'and they are EACCES');
});
