// What a command loads. Start-up is paid on every call, so `state` must not
// evaluate the config validator (a third of the bundle), the seccomp code,
// json5 or node:crypto (3-8 ms under Bun). Checked on dist/runts.js, the one
// bundle that both the compiled executable and bin/runts-node run: esbuild
// wraps every lazily evaluated module in an __esm/__commonJS initialiser, which
// the child below instruments to record the modules that were initialised and
// the builtins that were required.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../../lib/container/store';
import { Sandbox } from '../lib/harness';

const BUNDLE = process.env.RUNTS_TEST_LAZY_BUNDLE ?? path.join(__dirname, '..', '..', 'dist', 'runts.js');
/** the addon installed beside the executable */
const ADDON = process.env.RUNTS_TEST_LAZY_ADDON ?? path.join(__dirname, '..', '..', 'dist', 'runts.node');

// argv: bundle, report file, then "warm BUNDLE_DIR" or the CLI's argv.
// RUNTS_TEST_COMPILED=1: as inside the compiled executable, where the bundle
// sees a /$bunfs/ argv[1] (lib/self.ts) and so takes its file system calls
// from the addon (lib/sys/fs.ts); RUNTS_TEST_ADDON says where the addon is.
const CHILD = String.raw`
const fs = require('fs'), path = require('path'), vm = require('vm');
const { createRequire } = require('module');
const [bundle, report, ...args] = process.argv.slice(1);
if (process.env.RUNTS_TEST_COMPILED === '1') process.argv[1] = '/$bunfs/root/runts';
let src = fs.readFileSync(bundle, 'utf8');
const helpers = ['var __esm = ', 'var __commonJS = '];
for (const h of helpers) {
  if (!src.includes(h)) throw new Error('no ' + h + 'helper in ' + bundle);
  const name = h.slice(4, -3);
  src = src.replace(h, 'var ' + name + ' = (fn, ...rest) => __seen(fn, ' + name + '0(fn, ...rest));\nvar ' + name + '0 = ');
}
const inits = new Set(), builtins = new Set();
const __seen = (fn, init) => function () { inits.add(Object.keys(fn)[0]); return init.apply(this, arguments); };
const real = createRequire(bundle);
const req = Object.assign((id) => { if (!id.startsWith('.') && !id.startsWith('/')) builtins.add(id.replace(/^node:/, '')); return real(id); }, real);
const mod = { exports: {} };
vm.runInThisContext('(function (exports, require, module, __filename, __dirname, __seen) {' + src + '\n})', { filename: bundle })(
  mod.exports, req, mod, bundle, path.dirname(bundle), __seen);
const done = (code) => fs.writeFileSync(report, JSON.stringify({ code, inits: [...inits], builtins: [...builtins] }));
if (args[0] === 'warm') { mod.exports.warm(args[1]); done(0); }
else mod.exports.main(args).then(done);
`;

interface Report {
  code: number;
  inits: string[];
  builtins: string[];
}

function loads(t: Tap.Test, args: string[], compiled = false): Report {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-lazy-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const report = path.join(dir, 'report.json');
  const env = compiled ? { ...process.env, RUNTS_TEST_COMPILED: '1', RUNTS_TEST_ADDON: ADDON } : process.env;
  // output to a file, not a pipe: a container the child creates keeps its
  // stdio open, and spawnSync would wait for the pipe's end
  const out = path.join(dir, 'output');
  const fd = fs.openSync(out, 'w');
  const r = spawnSync(process.execPath, ['-e', CHILD, BUNDLE, report, ...args], { stdio: ['ignore', fd, fd], env });
  fs.closeSync(fd);
  if (r.status !== 0) throw new Error(`child: ${fs.readFileSync(out, 'utf8')}`);
  return JSON.parse(fs.readFileSync(report, 'utf8')) as Report;
}

const HEAVY = [/^lib\/config\/validate\.generated\.ts$/, /^lib\/config\/load\.ts$/, /^lib\/seccomp\//, /json5/];

t.test('the instrumentation sees what a create loads (the warm-up evaluates it all)', async (t) => {
  // the sample config with a comment, so that json5 is needed too
  const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-lazy-bundle-'));
  t.teardown(() => fs.rmSync(bundle, { recursive: true, force: true }));
  const sample = path.join(__dirname, '..', '..', 'bundles', 'busybox');
  const config = JSON.parse(fs.readFileSync(path.join(sample, 'config.json'), 'utf8'));
  config.root.path = path.join(sample, config.root.path);
  fs.writeFileSync(path.join(bundle, 'config.json'), '// JSON5\n' + JSON.stringify(config));
  const r = loads(t, ['warm', bundle]);
  for (const re of HEAVY) t.ok(r.inits.some((m) => re.test(m)), `warm-up initialised ${re}`);
  // seccomp/cache.ts hashes plans with node:crypto: required only when there is one
  t.notOk(r.builtins.includes('crypto'), 'every command module and a config without seccomp: node:crypto not required');
  // 1-8 ms under Bun; only error paths use it
  t.notOk(r.builtins.includes('util'), 'every command module: node:util not required');
});

/** a stopped container's record in a new --root, written as create writes it */
function stoppedContainer(t: Tap.Test): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-lazy-root-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const store = new Store(root);
  store.claim('lazy');
  store.write({
    id: 'lazy',
    pid: 2147483647,
    pidStartTime: '1',
    bundle: '/nonexistent',
    rootfs: '/nonexistent/rootfs',
    created: '2026-01-01T00:00:00Z',
    owner: '',
    cgroupPaths: {},
    createdCgroups: [],
    namespacePaths: {},
    config: { ociVersion: '1.3.0', root: { path: 'rootfs' } },
  });
  return root;
}

t.test('state loads neither the validator, the seccomp code, json5 nor node:crypto', async (t) => {
  const root = stoppedContainer(t);
  const r = loads(t, ['--root', root, '--log', path.join(root, 'log'), 'state', 'lazy']);
  t.equal(r.code, 0, 'state succeeded');
  t.ok(r.inits.includes('lib/cli/state.ts'), 'the state command itself was initialised');
  for (const re of HEAVY) t.same(r.inits.filter((m) => re.test(m)), [], `nothing matching ${re}`);
  t.notOk(r.builtins.includes('crypto'), 'node:crypto not required');
  t.notOk(r.builtins.includes('child_process'), 'node:child_process not required');
  t.notOk(r.builtins.includes('util'), 'node:util not required');
});

t.test('a run on cgroupfs (even with --systemd-cgroup, no systemd here) never loads the systemd driver or its D-Bus client', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['true'];
    c.process.terminal = false;
  });
  const r = loads(t, ['--root', s.root, 'run', '-b', b, 'lazy-run']);
  t.equal(r.code, 0, 'the container ran');
  t.ok(r.inits.includes('lib/cgroups/manager.ts'), 'the cgroup code ran');
  t.same(r.inits.filter((m) => /^lib\/cgroups\/(systemd|dbus)\.ts$/.test(m)), [], 'neither lib/cgroups/systemd.ts nor dbus.ts');
  const sd = loads(t, ['--root', s.root, '--systemd-cgroup', 'run', '-b', s.bundle((c) => {
    c.process.args = ['true'];
    c.process.terminal = false;
    c.linux.cgroupsPath = `${path.basename(s.dir)}.slice:runts:lazy`;
  }), 'lazy-sd']);
  t.equal(sd.code, 0);
  t.same(sd.inits.filter((m) => /^lib\/cgroups\/(systemd|dbus)\.ts$/.test(m)), [], 'without systemd running: cgroupfs, no driver');
  // run's delete removed what it made on cgroupfs, the slices systemd would nest included
  t.notOk(fs.existsSync('/sys/fs/cgroup/memory/runts.slice'), 'no runts.slice left on cgroupfs');
});

// In the executable the first builtin required costs ~0.8 ms and node:fs
// 1-2 ms (Bun evaluates them on first use): lib/sys/fs.ts and lib/sys/path.ts
// stand in for them, so a command that needs nothing else loads no builtin.
const FS_PATH = ['fs', 'path'];

t.test('as the compiled executable: state, kill, start and delete of a stopped container require neither node:fs nor node:path', async (t) => {
  const root = stoppedContainer(t);
  for (const args of [['state', 'lazy'], ['kill', 'lazy', 'KILL'], ['start', 'lazy'], ['delete', 'lazy']]) {
    const r = loads(t, ['--root', root, '--log', path.join(root, 'log'), ...args], true);
    t.same(r.builtins.filter((b) => FS_PATH.includes(b)), [], `${args[0]}: neither node:fs nor node:path`);
    // nor any other: the first builtin alone costs ~0.8 ms (node:os was one, in lib/container/host.ts)
    t.same(r.builtins, [], `${args[0]}: no builtin at all`);
  }
  t.notOk(fs.existsSync(path.join(root, 'lazy')), 'the delete ran (the container is gone)');
  t.match(fs.readFileSync(path.join(root, 'log'), 'utf8'), /level=error msg="cannot start a container that has stopped"/, 'start reached its check (and logged through lib/sys/fs)');
});

t.test('as the compiled executable: create, start, state, exec, kill, delete, list and run of a real container require neither node:fs nor node:path', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['sleep', '100'];
    c.process.terminal = false;
  });
  const steps: string[][] = [
    ['create', '-b', b, 'lazy-c'],
    ['start', 'lazy-c'],
    ['state', 'lazy-c'],
    ['exec', 'lazy-c', 'true'],
    ['list'],
    ['kill', 'lazy-c', 'KILL'],
    ['delete', '--force', 'lazy-c'],
  ];
  for (const args of steps) {
    const r = loads(t, ['--root', s.root, ...args], true);
    t.equal(r.code, 0, `${args.join(' ')} succeeded`);
    t.same(r.builtins.filter((b) => FS_PATH.includes(b)), [], `${args[0]}: builtins required ${JSON.stringify(r.builtins)}`);
  }
  const run = loads(t, ['--root', s.root, 'run', '-b', s.bundle((c) => {
    c.process.args = ['true'];
    c.process.terminal = false;
  }), 'lazy-r'], true);
  t.equal(run.code, 0, 'run succeeded');
  t.same(run.builtins.filter((b) => FS_PATH.includes(b)), [], `run: builtins required ${JSON.stringify(run.builtins)}`);
});
