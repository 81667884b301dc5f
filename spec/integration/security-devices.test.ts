// Default device rules: whatever linux.resources says (or when it is absent),
// a container's devices cgroup starts from deny-all and allows only runc's
// defaults, the config's rules and its linux.devices. Without that, the v1
// devices cgroup inherits "a *:* rwm" and a container with CAP_MKNOD can make
// and open any host device: here a host loop device.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, RUNC, readState } from '../lib/harness';

/**
 * The attack: make nodes of host devices a container must not open, and open
 * them: the host's first loop device (b 7:0: attaching it reaches host files;
 * this VM's own disk cannot be opened even by the host's root), /dev/kmsg
 * (c 1:11, the host's kernel log) and /dev/mem (c 1:1). /dev/null and
 * /dev/zero must still work.
 */
function attack(): string {
  const open = (node: string, mark: string): string => `if (exec 3<${node}) 2>/tmp/err; then echo ${mark}; else cat /tmp/err; fi`;
  return [
    'mknod /dev/hostloop b 7 0 && echo mknod-block-ok',
    open('/dev/hostloop', 'OPENED-HOST-LOOP'),
    'mknod /dev/hostkmsg c 1 11 && echo mknod-char-ok',
    open('/dev/hostkmsg', 'OPENED-HOST-KMSG'),
    'mknod /dev/hostmem c 1 1',
    open('/dev/hostmem', 'OPENED-HOST-MEM'),
    'echo x > /dev/null && echo null-ok',
    'head -c 4 /dev/zero | wc -c',
  ].join('; ');
}

function bundleFor(s: Sandbox, edit: (c: Record<string, any>) => void): string {
  return s.bundle((c) => {
    c.process.capabilities.bounding.push('CAP_MKNOD');
    c.process.capabilities.effective.push('CAP_MKNOD');
    c.process.capabilities.permitted.push('CAP_MKNOD');
    // /tmp for the error text: the sample's root is read-only
    c.mounts.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
    edit(c);
  });
}

for (const [name, edit] of [
  ['no linux.resources at all', (c: Record<string, any>) => delete c.linux.resources],
  ['linux.resources without devices', (c: Record<string, any>) => (c.linux.resources = { pids: { limit: 100 } })],
  ['devices rules without a deny-all', (c: Record<string, any>) => (c.linux.resources = { devices: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }] })],
] as const) {
  t.test(`${name}: deny-all plus runc's defaults, and CAP_MKNOD cannot open a host device`, async (t) => {
    const s = new Sandbox(t);
    const b = bundleFor(s, (c) => {
      edit(c);
      c.process.args = ['sh', '-c', attack()];
    });
    // created: the init waits, its cgroup is in place; read the rules from the host side
    t.equal(s.run(['create', '-b', b, 'dev'], { detached: true }).code, 0);
    const cg = fs.readFileSync(`/proc/${readState(s, 'dev').pid}/cgroup`, 'utf8').split('\n').find((l) => /:devices:/.test(l));
    const list = fs.readFileSync(path.join('/sys/fs/cgroup/devices', cg!.split(':')[2], 'devices.list'), 'utf8').trim().split('\n');
    t.notSame(list, ['a *:* rwm'], 'devices.list is not allow-all (before the fix: ["a *:* rwm"])');
    t.notOk(list.some((l) => /^[ab] /.test(l) && !l.endsWith(' m') && (l.startsWith('a') || l.startsWith('b'))), 'no block device may be opened');
    for (const rule of ['c 1:3 rwm', 'c 1:5 rwm', 'c 1:9 rwm', 'c 5:0 rwm', 'c 136:* rwm', 'c 5:2 rwm', 'c *:* m', 'b *:* m'])
      t.ok(list.includes(rule), `runc's default ${rule}`);
    t.equal(s.run(['start', 'dev']).code, 0);
    // the detached output goes to the create's files
    let out = '';
    for (let i = 0; i < 500 && !/\n\s*4\n?$/.test(out); i++) {
      out = fs.readFileSync(path.join(s.dir, 'detached.out'), 'utf8');
      await new Promise((r) => setTimeout(r, 20));
    }
    t.match(out, 'mknod-block-ok', 'mknod itself is allowed (runc: b *:* m)');
    t.match(out, 'mknod-char-ok', 'and c *:* m');
    for (const node of ['hostloop', 'hostkmsg', 'hostmem']) {
      t.notMatch(out, `OPENED-${node.slice(4).toUpperCase()}`.replace('OPENED-', 'OPENED-HOST-'), `${node} cannot be opened`);
      t.match(out, new RegExp(`/dev/${node}: Operation not permitted`), `${node}: EPERM`);
    }
    t.match(out, 'null-ok', '/dev/null works');
    t.match(out, /^\s*4$/m, '/dev/zero works');
  });
}

t.test('runc 1.1.5 stops the same attack with no linux.resources', { skip: !RUNC && 'no runc' }, async (t) => {
  const s = new Sandbox(t, RUNC);
  const b = bundleFor(s, (c) => {
    delete c.linux.resources;
    c.root.path = fs.realpathSync(c.root.path);
    c.process.args = ['sh', '-c', attack()];
  });
  const r = s.run(['run', '-b', b, 'runcdev']);
  t.equal(r.code, 0, r.stderr);
  for (const node of ['hostloop', 'hostkmsg', 'hostmem']) t.match(r.stdout, new RegExp(`/dev/${node}: Operation not permitted`), `runc: ${node}: EPERM`);
  t.match(r.stdout, 'null-ok');
});
