// The addon does not trust its input (issue 16, item 8). Each case is a real
// `runts run` whose config carries what a hostile or broken image config
// could: a path longer than any buffer, a NUL byte that C would cut the string
// at, an integer that a C cast would wrap. Each is refused before anything is
// created, with one line naming the config field, and nothing is left behind.
//
// Before the fix, seen on this machine: the 9 KB device path was copied past
// the end of the child's 8 KB scratch buffer (heap of the forked init) and
// then failed as "create device directory /dev/0ddd...: file name too long",
// naming no field (so did the long mount destination, masked path and cwd);
// FOO=a\0b reached the container as FOO=a, args ["echo", "a\0b"] printed
// "a", a mount destination "/tmp\0/x" mounted /tmp, hostname "a\0b" became
// "a"; major 2^32+1 failed late at the devices cgroup write and minor -1 at
// mknod (EINVAL), neither naming the field; a console height of 65560 was
// cut to 24 without a word; umask 2^32-1 became C's -1, "leave the umask"
// (0022 inside, runc gives 0777); --preserve-fds -1 ran the container with
// its stderr closed.
import t, { type Test } from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, errorMessage, mountsMention, type Json } from '../lib/harness';

function refused(t: Test, s: Sandbox, name: string, edit: (c: Json) => void, re: RegExp): void {
  const b = s.bundle(edit);
  const id = name.replace(/\W+/g, '-');
  const r = s.run(['run', '-b', b, id]);
  t.equal(r.code, 1, `${name}: exit 1 (stdout ${JSON.stringify(r.stdout)})`);
  t.match(errorMessage(r.stderr), re, `${name}: ${errorMessage(r.stderr)}`);
  t.notMatch(r.stderr, /\n\s+at /, `${name}: no stack trace`);
  t.notOk(fs.existsSync(path.join(s.root, id)), `${name}: no state directory`);
  t.notOk(fs.existsSync(`/sys/fs/cgroup/pids${s.cgroupParent}/${path.basename(b)}`), `${name}: no cgroup`);
  t.same(mountsMention(b), [], `${name}: no mount`);
}

// components of 200 bytes: each is a legal name, the whole is ~9 KB
const longDir = '/dev/' + Array.from({ length: 45 }, (_, i) => `${i}`.padEnd(200, 'd')).join('/');

t.test('a 9 KB linux.devices[].path is refused naming the field', async (t) => {
  const s = new Sandbox(t);
  refused(t, s, 'long device path', (c) => (c.linux.devices = [{ path: `${longDir}/null`, type: 'c', major: 1, minor: 3 }]),
    /\/linux\/devices\/0\/path: .*file name too long/);
});

t.test('paths longer than PATH_MAX are refused in mounts, cwd and masked paths', async (t) => {
  const s = new Sandbox(t);
  refused(t, s, 'long mount destination', (c) => c.mounts.push({ destination: longDir, type: 'tmpfs', source: 'tmpfs' }),
    /\/mounts\/\d+\/destination: .*file name too long/);
  refused(t, s, 'long masked path', (c) => c.linux.maskedPaths.push(longDir), /\/linux\/maskedPaths\/\d+: .*file name too long/);
  refused(t, s, 'long cwd', (c) => (c.process.cwd = longDir), /\/process\/cwd: .*file name too long/);
});

t.test('a NUL byte in a string is refused, not cut', async (t) => {
  const s = new Sandbox(t);
  refused(t, s, 'NUL in env', (c) => {
    c.process.args = ['sh', '-c', 'echo "FOO=$FOO"'];
    c.process.env.push('FOO=a\u0000b');
  }, /\/process\/env\/\d+: .*NUL/);
  refused(t, s, 'NUL in args', (c) => (c.process.args = ['echo', 'a\u0000b']), /\/process\/args\/1: .*NUL/);
  refused(t, s, 'NUL in a mount destination', (c) => c.mounts.push({ destination: '/tmp\u0000/x', type: 'tmpfs', source: 'tmpfs' }),
    /\/mounts\/\d+\/destination: .*NUL/);
  refused(t, s, 'NUL in the hostname', (c) => (c.hostname = 'a\u0000b'), /\/hostname: .*NUL/);
});

t.test('integers a C cast would wrap are refused', async (t) => {
  const s = new Sandbox(t);
  refused(t, s, 'device major above 2^32', (c) => {
    c.process.args = ['stat', '-c', '%t %T', '/dev/big'];
    c.linux.devices = [{ path: '/dev/big', type: 'c', major: 2 ** 32 + 1, minor: 3 }];
  }, /\/linux\/devices\/0\/major: .*out of range/);
  refused(t, s, 'negative device minor', (c) => (c.linux.devices = [{ path: '/dev/neg', type: 'c', major: 1, minor: -1 }]),
    /\/linux\/devices\/0\/minor: .*out of range/);
  refused(t, s, 'console height above 65535', (c) => {
    c.process.terminal = false;
    c.process.consoleSize = { height: 65536 + 24, width: 80 };
  }, /\/process\/consoleSize\/height: .*out of range/);
});

t.test('a umask above 0777 is what the kernel makes of it (runc), not C\'s -1', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['sh', '-c', 'umask'];
    c.process.user.umask = 2 ** 32 - 1;
  });
  const r = s.run(['run', '-b', b, 'umask']);
  t.equal(r.code, 0, errorMessage(r.stderr));
  t.equal(r.stdout.trim(), '0777');
});

t.test('--preserve-fds out of range is refused', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle();
  for (const n of ['-1', '100000']) {
    const r = s.run(['run', '--preserve-fds', n, '-b', b, 'fds']);
    t.equal(r.code, 1, `--preserve-fds ${n}: exit 1`);
    t.match(errorMessage(r.stderr), /--preserve-fds: .* is out of range 0\.\.504/);
    t.notOk(fs.existsSync(path.join(s.root, 'fds')), 'no state directory');
  }
});

t.test('an rlimit of 18446744073709551615 (RLIM_INFINITY, a double 2^64 in JSON) is unlimited', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['sh', '-c', 'ulimit -c'];
    c.process.rlimits = [{ type: 'RLIMIT_CORE', soft: 18446744073709551615, hard: 18446744073709551615 }];
  });
  const r = s.run(['run', '-b', b, 'rlim']);
  t.equal(r.code, 0, errorMessage(r.stderr));
  t.equal(r.stdout.trim(), 'unlimited');
});

t.test('a device path just under the limits still works', async (t) => {
  const s = new Sandbox(t);
  const dir = '/dev/' + 'x'.repeat(200);
  const b = s.bundle((c) => {
    c.process.args = ['stat', '-c', '%t %T', `${dir}/mynull`];
    c.linux.devices = [{ path: `${dir}/mynull`, type: 'c', major: 1, minor: 3 }];
  });
  const r = s.run(['run', '-b', b, 'okdev']);
  t.equal(r.code, 0, errorMessage(r.stderr));
  t.equal(r.stdout.trim(), '1 3');
});
