// lib/sys/uv-errors.ts: the errno table lib/sys/fs-addon.ts builds node's
// errors from, against node's own (util.getSystemErrorMap, os.constants):
// a wrong word here is a wrong message to a user or a missed err.code test.
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as util from 'node:util';
import { errnoException, errnoName, uvError } from '../../lib/sys/uv-errors';
import { constants } from '../../lib/sys/fs-addon';

t.test("every errno libuv names has node's code and message", async (t) => {
  let n = 0;
  for (const [neg, [code, msg]] of util.getSystemErrorMap()) {
    if (neg >= 0 || neg <= -3000) continue; // libuv's own (EOF, EAI_*): not errnos
    n++;
    t.same(uvError(-neg), [code, msg], `errno ${-neg}`);
  }
  t.ok(n > 60, `${n} errnos compared`);
  t.same(uvError(122), ['UNKNOWN', 'unknown error'], 'EDQUOT, which libuv has no name for: as node reports it');
});

t.test('errnoName names each number as os.constants.errno does (or libuv, for the few os has no name for)', async (t) => {
  for (let n = 1; n < 134; n++) {
    const names = Object.entries(os.constants.errno).filter(([, v]) => v === n).map(([k]) => k);
    const uv = util.getSystemErrorMap().get(-n)?.[0];
    if (names.length) t.ok(names.includes(errnoName(n)), `errno ${n}: ${errnoName(n)} is one of ${names}`);
    else if (uv) t.equal(errnoName(n), uv, `errno ${n}: libuv's name`);
    else t.equal(errnoName(n), `errno ${n}`, `errno ${n}: nobody's`);
  }
  // 95 is ENOTSUP and EOPNOTSUPP: lib/errno.ts words it as Go does, "operation not supported"
  t.equal(errnoName(95), 'EOPNOTSUPP');
  t.equal(errnoName(11), 'EAGAIN');
});

t.test("errnoException is node's error: message, code, errno, syscall, path, dest", async (t) => {
  const cases: Array<[() => void, number, string, string?, string?]> = [
    [() => fs.openSync('/nonexistent-runts-test/x', 'r'), 2, 'open', '/nonexistent-runts-test/x'],
    [() => fs.renameSync('/nonexistent-runts-test/a', '/nonexistent-runts-test/b'), 2, 'rename', '/nonexistent-runts-test/a', '/nonexistent-runts-test/b'],
    [() => fs.closeSync(987654), 9, 'close'],
  ];
  for (const [call, errno, syscall, p, dest] of cases) {
    let want: NodeJS.ErrnoException | undefined;
    try {
      call();
    } catch (e) {
      want = e as NodeJS.ErrnoException;
    }
    const got = errnoException(-errno, syscall, p, dest);
    t.equal(got.message, want?.message, want?.message);
    for (const k of ['code', 'errno', 'syscall', 'path', 'dest'] as const) t.equal(got[k], want?.[k], `${syscall}: ${k}`);
    t.ok(got instanceof Error, 'an Error');
  }
});

t.test("fs-addon's constants are node's fs.constants on this machine", async (t) => {
  for (const [k, v] of Object.entries(constants)) t.equal(v, (fs.constants as Record<string, number>)[k], k);
});
