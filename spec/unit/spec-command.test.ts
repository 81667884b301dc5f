// Differential test of `runts spec` against `runc spec` (runc 1.1.5): same
// bytes except ociVersion. Needs runc on PATH or at $RUNC; CI installs it.
import t from 'tap';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { command } from '../../lib/cli/spec';
import { parseFlags } from '../../lib/cli/args';
import type { GlobalOptions } from '../../lib/cli/command';
import { RuntsError } from '../../lib/errors';
import { defaultSpec, formatSpec, OCI_VERSION } from '../../lib/config/default-spec';

const GLOBAL: GlobalOptions = { root: '/run/runts', logFormat: 'text', debug: false, systemdCgroup: false };

function findRunc(): string | undefined {
  const candidates = [process.env.RUNC, ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'runc')), '/usr/sbin/runc', '/usr/bin/runc'];
  for (const c of candidates) {
    if (!c) continue;
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}
const RUNC = findRunc();
const noRunc = RUNC ? false : 'runc not found (set $RUNC or install runc); differential spec tests skipped';

async function runts(argv: string[], cwd?: string): Promise<number> {
  const { flags, args } = parseFlags(argv, command.flags);
  const old = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    return await command.run(GLOBAL, flags, args);
  } finally {
    process.chdir(old);
  }
}

function runc(argv: string[], opts: { cwd?: string; uid?: number; gid?: number } = {}) {
  const r = spawnSync(RUNC!, argv, { encoding: 'utf8', ...opts });
  const m = /msg="((?:[^"\\]|\\.)*)"/.exec(r.stderr);
  return { status: r.status, stderr: r.stderr, msg: m ? JSON.parse(`"${m[1]}"`) : undefined };
}

const normalise = (s: string) => s.replace(/^(\t"ociVersion": )"[^"]*",$/m, '$1"X",');

t.test('command shape', async (t) => {
  t.equal(command.name, 'spec');
  t.equal(command.minArgs, 0);
  t.equal(command.maxArgs, 0);
  const p = parseFlags(['-b', '/x', '--rootless'], command.flags);
  t.equal(p.flags.bundle, '/x');
  t.equal(p.flags.rootless, true);
  t.same(parseFlags(['--bundle=/y'], command.flags).flags, { bundle: '/y' });
});

for (const rootless of [false, true]) {
  const extra = rootless ? ['--rootless'] : [];
  t.test(`same config.json as runc spec${rootless ? ' --rootless' : ''}`, { skip: noRunc }, async (t) => {
    const dir = t.testdir({ ours: {}, theirs: {} });
    const ours = path.join(dir, 'ours');
    const theirs = path.join(dir, 'theirs');
    t.equal(await runts(['--bundle', ours, ...extra]), 0);
    const r = runc(['spec', '--bundle', theirs, ...extra]);
    t.equal(r.status, 0, r.stderr);
    const a = fs.readFileSync(path.join(ours, 'config.json'), 'utf8');
    const b = fs.readFileSync(path.join(theirs, 'config.json'), 'utf8');
    t.match(a, /^\{\n\t"ociVersion": "1\.3\.0",\n/);
    t.not(a, normalise(a), 'ociVersion line found');
    t.equal(normalise(a), normalise(b), 'byte-identical apart from ociVersion');
    t.equal(JSON.parse(a).ociVersion, OCI_VERSION);
    // same permission bits (0666 &^ umask)
    t.equal(fs.statSync(path.join(ours, 'config.json')).mode & 0o777, fs.statSync(path.join(theirs, 'config.json')).mode & 0o777);
  });

  t.test(`default bundle is the current directory${rootless ? ' (--rootless)' : ''}`, { skip: noRunc }, async (t) => {
    const dir = t.testdir({ ours: {}, theirs: {} });
    const ours = path.join(dir, 'ours');
    const theirs = path.join(dir, 'theirs');
    t.equal(await runts(extra, ours), 0);
    t.equal(runc(['spec', ...extra], { cwd: theirs }).status, 0);
    t.equal(
      normalise(fs.readFileSync(path.join(ours, 'config.json'), 'utf8')),
      normalise(fs.readFileSync(path.join(theirs, 'config.json'), 'utf8')),
    );
  });
}

t.test('rootless maps the caller: compare with runc run as another user', { skip: noRunc || (process.geteuid?.() !== 0 && 'needs root to run runc as uid 65534') }, async (t) => {
  const theirs = t.testdir();
  fs.chmodSync(theirs, 0o777);
  const r = runc(['spec', '--rootless'], { cwd: theirs, uid: 65534, gid: 65534 });
  t.equal(r.status, 0, r.stderr);
  const b = fs.readFileSync(path.join(theirs, 'config.json'), 'utf8');
  const a = formatSpec(defaultSpec({ rootless: true, uid: 65534, gid: 65534 }));
  t.equal(normalise(a), normalise(b));
  t.match(a, /"hostID": 65534/);
});

t.test('config.json exists: same error and exit code as runc', async (t) => {
  const top = t.testdir({ ours: { 'config.json': 'keep me' }, theirs: { 'config.json': 'keep me' }, dirCase: { 'config.json': {} } });
  const ours = path.join(top, 'ours');
  let err: unknown;
  try {
    await runts(['-b', ours]);
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof RuntsError, 'throws RuntsError');
  t.equal((err as RuntsError).message, 'File config.json exists. Remove it first');
  t.equal((err as RuntsError).exitCode, 1);
  t.equal(fs.readFileSync(path.join(ours, 'config.json'), 'utf8'), 'keep me', 'not overwritten');

  // any stat()-able entry counts as existing, a directory too
  const dirCase = path.join(top, 'dirCase');
  await t.rejects(runts(['-b', dirCase, '--rootless']), { message: 'File config.json exists. Remove it first' });

  if (!noRunc) {
    const theirs = path.join(top, 'theirs');
    const r = runc(['spec', '-b', theirs]);
    t.equal(r.status, 1);
    t.equal(r.msg, (err as RuntsError).message, 'runc wording');
    t.equal(fs.readFileSync(path.join(theirs, 'config.json'), 'utf8'), 'keep me');
  }
});

t.test('bad bundle: same error as runc', async (t) => {
  const base = t.testdir({ file: 'x' });
  const cases = [path.join(base, 'nope'), path.join(base, 'file')];
  const expect = [`chdir ${cases[0]}: no such file or directory`, `chdir ${cases[1]}: not a directory`];
  for (let i = 0; i < cases.length; i++) {
    await t.rejects(runts(['-b', cases[i]]), { message: expect[i], exitCode: 1 });
    if (!noRunc) {
      const r = runc(['spec', '-b', cases[i]]);
      t.equal(r.status, 1);
      t.equal(r.msg, expect[i]);
    }
  }
});

t.test('bundle without search permission', async (t) => {
  const top = t.testdir({ locked: {} });
  const locked = path.join(top, 'locked');
  const mod = t.mockRequire<typeof import('../../lib/cli/spec')>('../../lib/cli/spec', {
    fs: {
      ...fs,
      accessSync: () => {
        throw Object.assign(new Error(`EACCES: permission denied, access '${locked}'`), { code: 'EACCES', syscall: 'access' });
      },
    },
  });
  await t.rejects(mod.command.run(GLOBAL, { bundle: locked }, []), { message: `chdir ${locked}: permission denied` });
  if (!noRunc && process.geteuid?.() === 0) {
    fs.chmodSync(top, 0o755);
    fs.chmodSync(locked, 0o700);
    const r = runc(['spec', '-b', locked], { uid: 65534, gid: 65534 });
    t.equal(r.status, 1);
    t.equal(r.msg, `chdir ${locked}: permission denied`);
  }
});

t.test('rootless ids default to the effective uid/gid', async (t) => {
  const spec = defaultSpec({ rootless: true }) as { linux: { uidMappings: { hostID: number }[]; gidMappings: { hostID: number }[] } };
  t.equal(spec.linux.uidMappings[0].hostID, process.geteuid!());
  t.equal(spec.linux.gidMappings[0].hostID, process.getegid!());
  const mod = t.mockRequire<typeof import('../../lib/config/default-spec')>('../../lib/config/default-spec', {});
  const saved = [process.geteuid, process.getegid];
  // platforms without geteuid (typing allows it): fall back to 0
  (process as { geteuid?: unknown }).geteuid = undefined;
  (process as { getegid?: unknown }).getegid = undefined;
  try {
    const s2 = mod.defaultSpec({ rootless: true }) as typeof spec;
    t.equal(s2.linux.uidMappings[0].hostID, 0);
    t.equal(s2.linux.gidMappings[0].hostID, 0);
  } finally {
    [process.geteuid, process.getegid] = saved;
  }
});

t.test('unwritable bundle: same error as runc', async (t) => {
  // write errors are mapped to Go's wording (mocked fs: works without root)
  const top = t.testdir({ dir: {}, ro: {} });
  for (const [code, syscall, want] of [
    ['EACCES', 'open', 'open config.json: permission denied'],
    ['EROFS', 'open', 'open config.json: read-only file system'],
    ['ENOSPC', 'write', 'write config.json: no space left on device'],
    ['EWEIRD', 'open', 'open config.json: something odd'],
  ]) {
    const mod = t.mockRequire<typeof import('../../lib/cli/spec')>('../../lib/cli/spec', {
      fs: {
        ...fs,
        writeFileSync: () => {
          throw Object.assign(new Error(`${code}: something odd, ${syscall} 'x/config.json'`), { code, syscall });
        },
      },
    });
    await t.rejects(mod.command.run(GLOBAL, { bundle: path.join(top, 'dir') }, []), { message: want, exitCode: 1 });
  }
  // and runc, made to fail for real by running it as uid 65534
  if (!noRunc && process.geteuid?.() === 0) {
    const ro = path.join(top, 'ro');
    fs.chmodSync(top, 0o755);
    fs.chmodSync(ro, 0o555);
    const r = runc(['spec'], { cwd: ro, uid: 65534, gid: 65534 });
    t.equal(r.status, 1);
    t.equal(r.msg, 'open config.json: permission denied');
  }
});

t.test('defaultSpec returns fresh objects', async (t) => {
  const a = defaultSpec({ rootless: false }) as { process: { args: string[] } };
  a.process.args.push('x');
  t.same((defaultSpec({ rootless: false }) as { process: { args: string[] } }).process.args, ['sh']);
  t.equal(formatSpec({ s: '<&>' }), '{\n\t"s": "\\u003c\\u0026\\u003e"\n}');
});
