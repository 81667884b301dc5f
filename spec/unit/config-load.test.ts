import t from 'tap';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, loadConfig, locatePointer, parseConfig } from '../../lib/config/load';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'configs');
/** `runc spec` output (runc 1.1.5, tab-indented, ociVersion 1.0.2-dev). */
const RUNC = fs.readFileSync(path.join(FIXTURES, 'good', 'runc-spec.json'), 'utf8');

/** 1-based line:column of a character offset. */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** Replaces exactly one occurrence of `from`; returns the text and where `to` starts. */
function edit(text: string, from: string, to: string, nth = 0): { text: string; at: number } {
  let i = -1;
  for (let n = 0; n <= nth; n++) {
    i = text.indexOf(from, i + 1);
    if (i < 0) throw new Error(`${JSON.stringify(from)} not found`);
  }
  return { text: text.slice(0, i) + to + text.slice(i + from.length), at: i };
}

function configError(t: tap.Test, fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    t.type(e, ConfigError, 'throws a ConfigError');
    const msg = (e as Error).message;
    t.notMatch(msg, /\n/, 'message is one line');
    return msg;
  }
  t.fail('expected a ConfigError');
  return '';
}

t.test('good configs pass', async (t) => {
  const spec = parseConfig(RUNC, 'config.json');
  t.equal(spec.ociVersion, '1.0.2-dev');
  t.same(spec.process?.args, ['sh']);
  t.equal(spec.root.path, 'rootfs');
  t.same(
    spec.linux?.namespaces?.map((n) => n.type),
    ['pid', 'network', 'ipc', 'uts', 'mount'],
  );
  t.equal(spec.mounts?.length, 7);

  for (const f of fs.readdirSync(path.join(FIXTURES, 'good'))) {
    const text = fs.readFileSync(path.join(FIXTURES, 'good', f), 'utf8');
    t.doesNotThrow(() => parseConfig(text, f), f);
  }
  for (const v of ['1.0.0', '1.0.2-dev', '1.1.0', '1.2.0-rc.1', '1.3.0', '1.3.7', '1.0.0-rc5', '1.2.1+build.5']) {
    t.doesNotThrow(() => parseConfig(edit(RUNC, '1.0.2-dev', v).text, 'config.json'), `ociVersion ${v}`);
  }
});

t.test('malformed JSON gives line:column', async (t) => {
  const text = '{\n  "ociVersion": "1.0.0",\n  "root": {"path": }\n}\n';
  const msg = configError(t, () => parseConfig(text, 'config.json'));
  t.equal(msg, "config.json:3:20: invalid JSON: invalid character '}'");

  const tabbed = edit(RUNC, '"terminal": true,', '"terminal": true,,');
  const msg2 = configError(t, () => parseConfig(tabbed.text, 'config.json'));
  const comma = tabbed.at + '"terminal": true,'.length;
  t.equal(msg2, `config.json:${lineCol(tabbed.text, comma)}: invalid JSON: invalid character ','`);

  t.equal(
    configError(t, () => parseConfig('', 'x.json')),
    'x.json:1:1: invalid JSON: invalid end of input',
  );
  t.equal(
    configError(t, () => parseConfig('{"ociVersion": "1.0.0"', 'config.json')),
    'config.json:1:23: invalid JSON: invalid end of input',
  );
});

t.test('JSON5 with comments and trailing commas passes', async (t) => {
  const text = `// a hand-written config
{
  /* the version */
  ociVersion: '1.2.0',
  root: { path: "rootfs", readonly: true, },
  process: {
    args: ['sh', '-c', 'echo "hi"',],
    cwd: "/",  // absolute
    user: {uid: 0x3e8, gid: 1000},
  },
  linux: {
    namespaces: [{type: "pid"}, {type: 'mount'},],
  },
}
`;
  const spec = parseConfig(text, 'config.json');
  t.equal(spec.ociVersion, '1.2.0');
  t.same(spec.process?.args, ['sh', '-c', 'echo "hi"']);
  t.equal(spec.process?.user?.uid, 1000);
  t.equal(spec.root.readonly, true);

  // errors in JSON5 input are located too
  const bad = text.replace("{type: 'mount'}", "{type: 'mnt'}");
  const msg = configError(t, () => parseConfig(bad, 'config.json'));
  t.equal(
    msg,
    `config.json: /linux/namespaces/1/type: must be equal to one of the allowed values (pid, network, mount, ipc, uts, user, cgroup, time) [enum] at line ${lineCol(bad, bad.indexOf("'mnt'"))}`,
  );
});

interface BadCase {
  name: string;
  text: string;
  pointer: string;
  /** offset the message's line:column must point at */
  at: number;
  match?: RegExp;
}

function cases(): BadCase[] {
  const list: BadCase[] = [];
  let e = edit(RUNC, '"type": "uts"', '"type": "utx"');
  list.push({ name: 'unknown namespace type', text: e.text, pointer: '/linux/namespaces/3/type', at: e.at + 8, match: /\[enum\]/ });
  e = edit(RUNC, '"CAP_KILL"', '"kill"');
  list.push({ name: 'bad capability name', text: e.text, pointer: '/process/capabilities/bounding/1', at: e.at, match: /CAP_/ });
  e = edit(RUNC, '"destination": "/dev/shm"', '"destination": ""');
  list.push({ name: 'empty mount destination', text: e.text, pointer: '/mounts/3/destination', at: e.at + 15, match: /must NOT have fewer than 1 characters/ });
  e = edit(RUNC, '"cwd": "/"', '"cwd": "tmp"');
  list.push({ name: 'relative process.cwd', text: e.text, pointer: '/process/cwd', at: e.at + 7, match: /absolute path/ });
  e = edit(RUNC, '"ociVersion": "1.0.2-dev",', '');
  list.push({ name: 'missing ociVersion', text: e.text, pointer: '/', at: 0, match: /required property 'ociVersion' \[required\]/ });
  e = edit(RUNC, '"uid": 0', '"uid": "0"');
  list.push({ name: 'wrong type of uid', text: e.text, pointer: '/process/user/uid', at: e.at + 7, match: /must be integer/ });
  e = edit(RUNC, '"uid": 0', '"uid": -1');
  list.push({ name: 'negative uid', text: e.text, pointer: '/process/user/uid', at: e.at + 7, match: /\[minimum\]/ });
  e = edit(RUNC, '"RLIMIT_NOFILE"', '"RLIMIT_FILES"');
  list.push({ name: 'unknown rlimit', text: e.text, pointer: '/process/rlimits/0/type', at: e.at, match: /RLIMIT_FILES/ });
  e = edit(RUNC, '{\n\t\t\t\t"type": "mount"\n\t\t\t}', '{\n\t\t\t\t"type": "mount"\n\t\t\t},\n\t\t\t{"type": "network", "path": "/run/netns/x"}');
  list.push({
    name: 'duplicate namespace',
    text: e.text,
    pointer: '/linux/namespaces/5/type',
    at: e.text.indexOf('"network", "path"'),
    match: /duplicate namespace type "network" \(already at \/linux\/namespaces\/1\)/,
  });
  e = edit(RUNC, '"soft": 1024\n\t\t\t}', '"soft": 1024\n\t\t\t},\n\t\t\t{"type": "RLIMIT_NOFILE", "hard": 1, "soft": 1}');
  list.push({ name: 'duplicate rlimit', text: e.text, pointer: '/process/rlimits/1/type', at: e.text.indexOf('"RLIMIT_NOFILE", "hard"'), match: /duplicate rlimit/ });
  e = edit(RUNC, '"hostname": "runc",', '"hostname": "runc",\n\t"annotations": {"": "x"},');
  list.push({ name: 'empty annotation key (located at the key)', text: e.text, pointer: '/annotations', at: e.text.indexOf('"": "x"'), match: /property name ""/ });
  e = edit(RUNC, '"args": [\n\t\t\t"sh"\n\t\t]', '"args": []');
  list.push({ name: 'empty args', text: e.text, pointer: '/process/args', at: e.at + 8, match: /\[minItems\]/ });
  e = edit(RUNC, '"allow": false', '"allow": "no"');
  list.push({ name: 'device cgroup allow not a boolean', text: e.text, pointer: '/linux/resources/devices/0/allow', at: e.at + 9 });
  return list;
}

t.test('invalid configs: ConfigError naming the pointer and line:column', async (t) => {
  for (const c of cases()) {
    t.test(c.name, async (t) => {
      const msg = configError(t, () => parseConfig(c.text, 'config.json'));
      t.ok(msg.startsWith(`config.json: ${c.pointer}: `), `names ${c.pointer}: ${msg}`);
      t.ok(msg.endsWith(` at line ${lineCol(c.text, c.at)}`), `at line ${lineCol(c.text, c.at)}: ${msg}`);
      if (c.match) t.match(msg, c.match);
    });
  }
});

t.test('ociVersion outside 1.0.0 .. 1.3.x', async (t) => {
  for (const v of ['2.0.0', '0.5.0', '1.4.0', '1.10.0-rc.1']) {
    const msg = configError(t, () => parseConfig(edit(RUNC, '1.0.2-dev', v).text, 'config.json'));
    t.equal(msg, `config.json: /ociVersion: unsupported version "${v}" (runts supports 1.0.0 to 1.3.x)`);
  }
  const e = edit(RUNC, '"1.0.2-dev"', '"1.0"');
  const msg = configError(t, () => parseConfig(e.text, 'config.json'));
  t.equal(msg, `config.json: /ociVersion: must be a SemVer version (got "1.0") [pattern] at line ${lineCol(e.text, e.at)}`);
});

t.test('loadConfig', async (t) => {
  t.test('reads <bundle>/config.json', async (t) => {
    const dir = t.testdir({ 'config.json': RUNC });
    t.equal(loadConfig(dir).hostname, 'runc');
  });
  t.test('missing config.json', async (t) => {
    const dir = t.testdir({});
    t.equal(configError(t, () => loadConfig(dir)), `open ${path.join(dir, 'config.json')}: no such file or directory`);
  });
  t.test('config.json is a directory', async (t) => {
    const dir = t.testdir({ 'config.json': {} });
    t.equal(configError(t, () => loadConfig(dir)), `read ${path.join(dir, 'config.json')}: is a directory`);
  });
  t.test('messages name the file', async (t) => {
    const dir = t.testdir({ 'config.json': '{"ociVersion": "1.0.0", "root": {"path": 1}}' });
    t.equal(
      configError(t, () => loadConfig(dir)),
      `${path.join(dir, 'config.json')}: /root/path: must be string (got integer) [type] at line 1:42`,
    );
  });
  t.test('relative bundle "." gives "config.json", as runc users see it', async (t) => {
    const dir = t.testdir({ 'config.json': '{"ociVersion": "2.0.0"}' });
    const cwd = process.cwd();
    process.chdir(dir);
    t.teardown(() => process.chdir(cwd));
    t.equal(
      configError(t, () => loadConfig('.')),
      'config.json: /ociVersion: unsupported version "2.0.0" (runts supports 1.0.0 to 1.3.x)',
    );
  });
});

t.test('locatePointer', async (t) => {
  const json5 = `{
  // comment with "quotes" and { braces
  'a/b': {x: [1, /* [ */ 2, {"y~": 'v'}]},
  "dup": 1,
  dup: 22,
  s: "esc\\"aped",
}`;
  t.same(locatePointer(json5, ''), { line: 1, column: 1 });
  t.same(locatePointer(json5, '/a~1b'), { line: 3, column: 10 });
  t.same(locatePointer(json5, '/a~1b/x/1'), { line: 3, column: 26 });
  t.same(locatePointer(json5, '/a~1b/x/2/y~0'), { line: 3, column: 36 });
  t.same(locatePointer(json5, '/dup'), { line: 5, column: 8 }, 'last duplicate wins, like JSON.parse');
  t.same(locatePointer(json5, '/s'), { line: 6, column: 6 });
  t.same(locatePointer(json5, '/a~1b', true), { line: 3, column: 3 }, 'key position');
  t.equal(locatePointer(json5, '/nope'), undefined);
  t.equal(locatePointer(json5, '/a~1b/x/9'), undefined);
  t.same(locatePointer('{"a":\r\n[0,\r\n1]}', '/a/1'), { line: 3, column: 1 }, 'CRLF');
});

t.test('the generated validator is standalone code', async (t) => {
  const gen = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'config', 'validate.generated.ts'), 'utf8');
  t.match(gen, /^\/\/ @ts-nocheck\n/);
  t.match(gen, /DO NOT EDIT/);
  const requires = [...gen.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  t.ok(
    requires.every((r) => r.startsWith('ajv/dist/runtime/')),
    `only ajv runtime helpers are required: ${requires.join(', ')}`,
  );
  t.notMatch(gen, /^import (?!type)/m, 'no value imports');
});
