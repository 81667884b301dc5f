// Built seccomp filters are kept by the hash of their plan and reused: the
// second container with the same profile loads the same BPF without
// libseccomp, and the filter still holds.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox } from '../lib/harness';
import { CACHE_DIR } from '../../lib/seccomp/cache';

t.test('the filter is built once per profile, kept under the root, and enforced from the cache', async (t) => {
  const s = new Sandbox(t);
  const profile = (errno: number) => (c: Record<string, any>) => {
    c.root.readonly = false;
    c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: errno }] };
    c.process.args = ['sh', '-c', 'mkdir /tmp/d-$$ 2>&1; grep "^Seccomp:" /proc/self/status'];
  };
  const b = s.bundle(profile(28));
  const first = s.run(['run', '-b', b, 'first']);
  t.equal(first.code, 0, first.stderr);
  const dir = path.join(s.root, CACHE_DIR);
  const files = fs.readdirSync(dir);
  t.equal(files.length, 1, 'one filter kept');
  const mtime = fs.statSync(path.join(dir, files[0])).mtimeMs;
  const second = s.run(['run', '-b', b, 'second']);
  t.match(second.stdout, 'No space left on device', 'the cached filter holds (errnoRet 28)');
  t.match(second.stdout, /Seccomp:\t2/);
  t.equal(fs.statSync(path.join(dir, files[0])).mtimeMs, mtime, 'reused, not rebuilt');
  const other = s.run(['run', '-b', s.bundle(profile(18)), 'other']);
  t.match(other.stdout, 'Invalid cross-device link', 'another profile gets its own filter (errnoRet 18)');
  t.equal(fs.readdirSync(dir).length, 2);
  t.equal(s.run(['list', '-q']).stdout, '', 'the cache is not a container');
});
