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

const BUNDLE = path.join(__dirname, '..', '..', 'dist', 'runts.js');

// argv: bundle, report file, then "warm BUNDLE_DIR" or the CLI's argv
const CHILD = String.raw`
const fs = require('fs'), path = require('path'), vm = require('vm');
const { createRequire } = require('module');
const [bundle, report, ...args] = process.argv.slice(1);
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

function loads(t: Tap.Test, args: string[]): Report {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-lazy-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const report = path.join(dir, 'report.json');
  const r = spawnSync(process.execPath, ['-e', CHILD, BUNDLE, report, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child: ${r.stderr}`);
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

t.test('state loads neither the validator, the seccomp code, json5 nor node:crypto', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-test-lazy-root-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  // a stopped container's record, written as create writes it
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
