// Bad input gets one precise line naming the field, a non-zero exit, and
// leaves nothing behind: no state directory, no cgroup, no process, no mount.
import t, { type Test } from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, errorMessage, mountsMention } from '../lib/harness';

function nothingLeft(t: Test, s: Sandbox, id: string, bundle: string): void {
  t.notOk(fs.existsSync(path.join(s.root, id)), 'no state directory');
  const cg = `/sys/fs/cgroup/pids${s.cgroupParent}/${path.basename(bundle)}`;
  t.notOk(fs.existsSync(cg), 'no cgroup');
  t.same(mountsMention(bundle), [], 'no mount');
}

t.test('config.json errors name the field', async (t) => {
  const s = new Sandbox(t);
  const cases: [string, (c: Record<string, any>) => void, RegExp][] = [
    ['unknown namespace type', (c) => c.linux.namespaces.push({ type: 'bogus' }), /\/linux\/namespaces\/\d+\/type: .*allowed values/],
    ['bad capability name', (c) => c.process.capabilities.bounding.push('chown'), /\/process\/capabilities\/bounding\/3: /],
    ['empty mount destination', (c) => c.mounts.push({ destination: '', type: 'tmpfs', source: 'tmpfs' }), /\/mounts\/\d+\/destination: /],
    ['relative cwd', (c) => (c.process.cwd = 'tmp'), /\/process\/cwd: /],
    ['uid of the wrong type', (c) => (c.process.user.uid = 'root'), /\/process\/user\/uid: must be integer/],
    ['unknown rlimit', (c) => (c.process.rlimits = [{ type: 'RLIMIT_FOO', soft: 1, hard: 1 }]), /\/process\/rlimits\/0\/type: /],
    ['duplicate namespace', (c) => c.linux.namespaces.push({ type: 'pid' }), /\/linux\/namespaces\/\d+\/type: /],
    ['unsupported ociVersion', (c) => (c.ociVersion = '2.0.0'), /\/ociVersion: unsupported version "2.0.0"/],
    ['missing process.args', (c) => delete c.process.args, /\/process: .*args/],
    ['user namespace without mappings', (c) => c.linux.namespaces.push({ type: 'user' }), /\/linux\/uidMappings: /],
  ];
  for (const [name, edit, re] of cases) {
    const b = s.bundle(edit);
    const id = name.replace(/\W+/g, '-');
    const r = s.run(['create', '-b', b, id]);
    t.equal(r.code, 1, `${name}: exit 1`);
    t.match(errorMessage(r.stderr), re, `${name}: ${errorMessage(r.stderr)}`);
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
    nothingLeft(t, s, id, b);
  }
});

t.test('malformed JSON is located; comments and trailing commas are accepted', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle();
  const file = path.join(b, 'config.json');
  const good = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, good.replace('"ociVersion"', '"ociVersion" "x",'));
  const r = s.run(['create', '-b', b, 'badjson']);
  t.equal(r.code, 1);
  t.match(errorMessage(r.stderr), /config\.json:2:16: invalid JSON/);
  nothingLeft(t, s, 'badjson', b);

  fs.writeFileSync(file, '// a comment\n' + good.replace(/\n}\s*$/, ',\n}\n'));
  const ok = s.run(['run', '-b', b, 'json5']);
  t.equal(ok.code, 0, errorMessage(ok.stderr));
});

t.test('missing rootfs, missing bundle, missing config.json', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.root.path = 'nope'));
  const r = s.run(['create', '-b', b, 'noroot']);
  t.equal(r.code, 1);
  t.match(errorMessage(r.stderr), /^runts create failed: \/root\/path: rootfs .*\/nope does not exist/);
  nothingLeft(t, s, 'noroot', b);

  const nob = s.run(['create', '-b', path.join(s.dir, 'missing'), 'nobundle']);
  t.equal(nob.code, 1);
  t.match(errorMessage(nob.stderr), /bundle .*missing: no such file or directory/);
  t.notOk(fs.existsSync(path.join(s.root, 'nobundle')));

  const empty = path.join(s.dir, 'empty');
  fs.mkdirSync(empty);
  const noc = s.run(['create', '-b', empty, 'noconfig']);
  t.equal(noc.code, 1);
  t.match(errorMessage(noc.stderr), /config\.json: no such file or directory/);
});

t.test('bad command lines: unknown signal, bad id, argument counts, unknown flag', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['sleep', '10']));
  t.equal(s.run(['create', '-b', b, 'sig'], { detached: true }).code, 0);
  const k = s.run(['kill', 'sig', 'SIGFOO']);
  t.equal(k.code, 1);
  t.equal(errorMessage(k.stderr), 'unknown signal "SIGFOO"');
  t.equal(s.run(['delete', '-f', 'sig']).code, 0);

  const bad = s.run(['create', '-b', b, '../escape']);
  t.equal(bad.code, 1);
  t.equal(errorMessage(bad.stderr), 'runts create failed: invalid id format: ../escape');
  t.notOk(fs.existsSync(path.join(s.dir, 'escape')));

  const noid = s.run(['start']);
  t.equal(noid.code, 1);
  t.match(noid.stderr, /Incorrect Usage/);
  t.match(errorMessage(noid.stderr.split('\n').filter((l) => l.startsWith('time=')).join('\n')), /\/bin\/runts(-node)?: "start" requires exactly 1 argument\(s\)$/);
  const flag = s.run(['create', '--bogus', 'x']);
  t.equal(flag.code, 1);
  t.equal(errorMessage(flag.stderr), 'flag provided but not defined: -bogus');
});

t.test('--log FILE --log-format json: errors as {level,msg,time} lines', async (t) => {
  const s = new Sandbox(t);
  const log = path.join(s.dir, 'log.json');
  const r = s.run(['state', 'ghost'], { global: ['--log', log, '--log-format', 'json'] });
  t.equal(r.code, 1);
  t.equal(r.stderr, 'container does not exist\n', 'stderr has the bare message');
  const entry = JSON.parse(fs.readFileSync(log, 'utf8').trim());
  t.same(Object.keys(entry).sort(), ['level', 'msg', 'time']);
  t.equal(entry.level, 'error');
  t.equal(entry.msg, 'container does not exist');
});
