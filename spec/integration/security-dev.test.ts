// The image's /dev: with no tmpfs over /dev, what the image has there is what
// runts works in. A /dev symlink must not make runts create links or remove
// files outside the rootfs (CVE-2026-41579: runc's setupPtmx/setupDevSymlinks
// joined paths), and a /dev/console symlink must not get the pty bound over
// another file (CVE-2025-52565).
import t from 'tap';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, RUNTS, errorMessage } from '../lib/harness';

/** the sample config without its /dev tmpfs: the image's own /dev is used */
const imageDev = (c: Record<string, any>): void => {
  c.mounts = c.mounts.filter((m: any) => m.destination !== '/dev');
};

t.test('CVE-2026-41579: a /dev symlink in the image cannot make runts write outside the rootfs', async (t) => {
  const s = new Sandbox(t);
  const hostDir = path.join(s.dir, 'host-dir');
  fs.mkdirSync(hostDir);
  fs.writeFileSync(path.join(hostDir, 'ptmx'), 'host file named ptmx\n');
  for (const [name, link] of [['absolute', hostDir], ['climbing', '../../../../../../../..' + hostDir]]) {
    const b = s.bundle(
      (c) => {
        imageDev(c);
        c.process.args = ['sh', '-c', 'ls /dev'];
      },
      { copyRootfs: true },
    );
    const dev = path.join(b, 'rootfs', 'dev');
    fs.rmSync(dev, { recursive: true, force: true });
    fs.symlinkSync(link, dev);
    const r = s.run(['run', '-b', b, `devlink-${name}`]);
    t.equal(r.code, 0, `${name}: the link is followed inside the rootfs ${r.stderr}`);
    t.same(fs.readdirSync(hostDir), ['ptmx'], `${name}: no link and no device made in the host directory`);
    t.equal(fs.readFileSync(path.join(hostDir, 'ptmx'), 'utf8'), 'host file named ptmx\n', `${name}: the host's ptmx is neither removed nor replaced`);
    t.ok(fs.existsSync(path.join(b, 'rootfs', hostDir, 'null')), `${name}: the devices went to the rootfs's ${hostDir}`);
  }
});

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** runs `script` (sh) under a fresh controlling tty, as spec/terminal.test.ts */
async function underTty(script: string): Promise<void> {
  const child = spawn('script', ['-qec', script, '/dev/null'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`script: ${code} ${err}`);
}

t.test('CVE-2025-52565: a /dev/console symlink never gets the pty bound over its target', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(
    (c) => {
      imageDev(c);
      c.process.terminal = true;
      c.process.args = ['sh', '-c', 'grep -c " /etc/victim " /proc/self/mountinfo; cat /etc/victim'];
    },
    { copyRootfs: true },
  );
  const rootfs = path.join(b, 'rootfs');
  fs.writeFileSync(path.join(rootfs, 'etc', 'victim'), 'victim file\n');
  fs.rmSync(path.join(rootfs, 'dev', 'console'), { force: true });
  fs.symlinkSync('/etc/victim', path.join(rootfs, 'dev', 'console'));
  const out = path.join(s.dir, 'out');
  await underTty(`${q(RUNTS)} --root ${q(s.root)} run -b ${q(b)} console > ${q(out)} 2>&1; echo "rc=$?" >> ${q(out)}`);
  const text = fs.readFileSync(out, 'utf8');
  t.notMatch(text, /^1\r?$/m, `the pty is not mounted over /etc/victim (before the fix: it was): ${text}`);
  t.match(text, /rc=1/, 'create refuses');
  t.match(errorMessage(text.split('\n').find((l) => l.includes('console')) ?? text), /\/dev\/console/, 'naming /dev/console');
  t.equal(fs.readFileSync(path.join(rootfs, 'etc', 'victim'), 'utf8'), 'victim file\n');
});

t.test('CVE-2025-31133: an image /dev/null that is not the null device is never bound over masked paths', async (t) => {
  const s = new Sandbox(t);
  for (const [name, plant] of [
    ['symlink to /proc/sys/kernel/core_pattern', (p: string) => fs.symlinkSync('/proc/sys/kernel/core_pattern', p)],
    ['regular file', (p: string) => fs.writeFileSync(p, '')],
  ] as const) {
    const b = s.bundle(
      (c) => {
        imageDev(c);
        c.process.args = ['sh', '-c', 'echo "|/evil" > /proc/kcore && echo WROTE'];
      },
      { copyRootfs: true },
    );
    const nul = path.join(b, 'rootfs', 'dev', 'null');
    fs.rmSync(nul, { force: true });
    plant(nul);
    const r = s.run(['run', '-b', b, 'nullswap']);
    t.equal(r.code, 1, `${name}: refused`);
    t.notMatch(r.stdout, 'WROTE', `${name}: the masked path never became writable`);
    t.match(errorMessage(r.stderr), /\/dev\/null/, `${name}: naming /dev/null`);
  }
});
