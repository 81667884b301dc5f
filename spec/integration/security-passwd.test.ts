// The image's /etc/passwd is read by runts on the host side (for HOME), at
// create and at exec. The image controls that path: a symlink there must not
// read a host file (part of it came back as HOME), a FIFO must not hang the
// runtime (runc 1.1.5 hangs here), /dev/zero must not eat its memory.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, readState } from '../lib/harness';

const MARKER = '/HOST-SECRET-MARKER';

/** a bundle whose rootfs /etc/passwd is replaced by `plant(file)`; the process prints HOME */
function planted(s: Sandbox, plant: (passwd: string) => void, args = ['sh', '-c', 'echo "HOME=$HOME"']): string {
  const b = s.bundle((c) => {
    c.process.args = args;
    c.process.env = (c.process.env as string[]).filter((e) => !e.startsWith('HOME='));
  }, { copyRootfs: true });
  const passwd = path.join(b, 'rootfs', 'etc', 'passwd');
  fs.rmSync(passwd, { force: true });
  plant(passwd);
  return b;
}

/** a host file that looks like a passwd whose root HOME is the marker */
function hostFile(s: Sandbox): string {
  const f = path.join(s.dir, 'host-passwd');
  fs.writeFileSync(f, `root:x:0:0:root:${MARKER}:/bin/sh\n`);
  return f;
}

t.test('a symlinked /etc/passwd is resolved inside the rootfs (create and exec)', async (t) => {
  const s = new Sandbox(t);
  const host = hostFile(s);
  for (const [name, link] of [['absolute', host], ['climbing', '../../../../../../../../..' + host]]) {
    const b = planted(s, (p) => fs.symlinkSync(link, p));
    const r = s.run(['run', '-b', b, `link-${name}`]);
    t.equal(r.code, 0, r.stderr);
    t.notMatch(r.stdout, MARKER, `${name} link: the host file is not read (before the fix: HOME=${MARKER})`);
    t.equal(r.stdout.trim(), 'HOME=/', `${name} link: HOME falls back to /`);
  }
  // inside the rootfs, a link is still followed: the image's own file is used
  const inside = planted(s, (p) => {
    fs.writeFileSync(path.join(path.dirname(p), 'passwd.real'), 'root:x:0:0:root:/root-from-image:/bin/sh\n');
    fs.symlinkSync('/etc/passwd.real', p);
  });
  const ok = s.run(['run', '-b', inside, 'link-inside']);
  t.equal(ok.stdout.trim(), 'HOME=/root-from-image', 'a link that stays inside the rootfs is followed there');
  // exec reads it again: same rule
  const b = planted(s, (p) => fs.symlinkSync(host, p), ['sleep', '300']);
  t.equal(s.run(['run', '-d', '-b', b, 'exlink'], { detached: true }).code, 0);
  t.ok(readState(s, 'exlink').pid > 0);
  const e = s.run(['exec', 'exlink', 'sh', '-c', 'echo "HOME=$HOME"']);
  t.equal(e.code, 0, e.stderr);
  t.equal(e.stdout.trim(), 'HOME=/', `exec: the host file is not read (before the fix: HOME=${MARKER})`);
});

t.test('a FIFO as /etc/passwd does not hang create or exec', async (t) => {
  const s = new Sandbox(t);
  const b = planted(s, (p) => {
    const r = spawnSync('mkfifo', [p]);
    if (r.status !== 0) throw new Error('mkfifo failed');
  });
  // the harness's timeout only stops a hang: before the fix runts blocked in open() until it
  const r = s.run(['run', '-b', b, 'fifo'], { timeout: 20000 });
  t.equal(r.code, 0, `create finishes (before the fix: killed by the timeout) ${r.stderr}`);
  t.equal(r.stdout.trim(), 'HOME=/');
  t.match(r.stderr, '/etc/passwd in the rootfs is not a regular file: ignored (HOME=/)', 'with a warning');
  const d = planted(s, (p) => spawnSync('mkfifo', [p]), ['sleep', '300']);
  t.equal(s.run(['run', '-d', '-b', d, 'exfifo'], { detached: true, timeout: 20000 }).code, 0);
  const e = s.run(['exec', 'exfifo', 'sh', '-c', 'echo "HOME=$HOME"'], { timeout: 20000 });
  t.equal(e.code, 0, e.stderr);
  t.equal(e.stdout.trim(), 'HOME=/');
});

t.test('/dev/zero or an oversized file as /etc/passwd is not read into memory', async (t) => {
  const s = new Sandbox(t);
  const b = planted(s, (p) => {
    const r = spawnSync('mknod', [p, 'c', '1', '5']);
    if (r.status !== 0) throw new Error('mknod failed');
  });
  const r = s.run(['run', '-b', b, 'zero'], { timeout: 20000 });
  t.equal(r.code, 0, `create finishes ${r.stderr}`);
  t.equal(r.stdout.trim(), 'HOME=/');
  t.match(r.stderr, 'not a regular file');
  const big = planted(s, (p) => fs.writeFileSync(p, Buffer.alloc((4 << 20) + 1, 'x')));
  const rb = s.run(['run', '-b', big, 'big']);
  t.equal(rb.code, 0, rb.stderr);
  t.equal(rb.stdout.trim(), 'HOME=/');
  t.match(rb.stderr, 'larger than 4194304 bytes');
});
