// uid/gid 4294967295 is (uid_t)-1: setresuid(-1, -1, -1) changes nothing, so
// a container process given that id would keep running as root. Every id a
// config or the exec command line gives is refused outside 0..2147483647.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, RUNC, errorMessage, readState } from '../lib/harness';

const MINUS_ONE = 4294967295;
const WORDS = 'uids and gids must be in range 0-2147483647';

t.test('process.user ids of (uid_t)-1 never run as root', async (t) => {
  const cases: [string, (c: Record<string, any>) => void, string][] = [
    ['uid', (c) => (c.process.user = { uid: MINUS_ONE, gid: 0 }), '/process/user/uid'],
    ['gid', (c) => (c.process.user = { uid: 0, gid: MINUS_ONE }), '/process/user/gid'],
    ['additionalGids', (c) => (c.process.user = { uid: 1000, gid: 1000, additionalGids: [10, MINUS_ONE] }), '/process/user/additionalGids/1'],
    ['2^31', (c) => (c.process.user = { uid: 2147483648, gid: 0 }), '/process/user/uid'],
  ];
  for (const [name, edit, pointer] of cases) {
    const s = new Sandbox(t);
    const b = s.bundle((c) => {
      edit(c);
      c.process.args = ['id'];
    });
    const r = s.run(['run', '-b', b, `ids-${name.replace(/\W/g, '')}`]);
    t.equal(r.code, 1, `${name}: refused`);
    t.equal(r.stdout, '', `${name}: nothing ran (before the fix: "uid=0(root) gid=0(root)")`);
    t.equal(errorMessage(r.stderr), `runts run failed: ${pointer}: ${WORDS} (got ${name === '2^31' ? 2147483648 : MINUS_ONE})`, `${name}: runc's words, the field named`);
    t.same(fs.readdirSync(s.root), [], `${name}: no half-created container`);
  }
  if (RUNC) {
    const s = new Sandbox(t, RUNC);
    const b = s.bundle((c) => {
      c.root.path = fs.realpathSync(c.root.path);
      c.process.user = { uid: MINUS_ONE, gid: MINUS_ONE };
      c.process.args = ['id'];
    });
    const r = s.run(['run', '-b', b, 'runc-ids']);
    t.equal(r.code, 1, 'runc refuses it too');
    t.match(errorMessage(r.stderr), WORDS);
  }
});

t.test('uid/gid mappings outside the range are refused with the field named', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.linux.namespaces.push({ type: 'user' });
    c.linux.uidMappings = [{ containerID: 0, hostID: MINUS_ONE, size: 1 }];
    c.linux.gidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
  });
  const r = s.run(['run', '-b', b, 'maps']);
  t.equal(r.code, 1);
  t.equal(errorMessage(r.stderr), `runts run failed: /linux/uidMappings/0/hostID: ${WORDS} (got ${MINUS_ONE})`);
  const g = s.bundle((c) => {
    c.linux.namespaces.push({ type: 'user' });
    c.linux.uidMappings = [{ containerID: 0, hostID: 0, size: 65536 }];
    c.linux.gidMappings = [{ containerID: MINUS_ONE, hostID: 0, size: 1 }];
  });
  const rg = s.run(['run', '-b', g, 'gmaps']);
  t.equal(rg.code, 1);
  t.equal(errorMessage(rg.stderr), `runts run failed: /linux/gidMappings/0/containerID: ${WORDS} (got ${MINUS_ONE})`);
});

t.test('exec --user / --additional-gids / --process with (uid_t)-1 never run as root', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['sleep', '300'];
    c.process.user = { uid: 1000, gid: 1000 };
  });
  t.equal(s.run(['run', '-d', '-b', b, 'ex'], { detached: true }).code, 0);
  t.ok(readState(s, 'ex').pid > 0);
  for (const user of [`${MINUS_ONE}`, `${MINUS_ONE}:${MINUS_ONE}`, `1000:${MINUS_ONE}`]) {
    const r = s.run(['exec', '--user', user, 'ex', 'id']);
    t.equal(r.code, 255, `--user ${user}: refused with exec's status`);
    t.equal(r.stdout, '', `--user ${user}: nothing ran (before the fix: "uid=0(root) ...")`);
    t.equal(errorMessage(r.stderr), `exec failed: --user ${user}: ${WORDS}`);
  }
  const g = s.run(['exec', '--user', '1000:1000', '-g', `${MINUS_ONE}`, 'ex', 'id']);
  t.equal(g.code, 255);
  t.equal(errorMessage(g.stderr), `exec failed: --additional-gids ${MINUS_ONE}: ${WORDS}`);
  const proc = path.join(s.dir, 'process.json');
  fs.writeFileSync(proc, JSON.stringify({ cwd: '/', args: ['id'], user: { uid: MINUS_ONE, gid: 0 } }));
  const p = s.run(['exec', '--process', proc, 'ex']);
  t.equal(p.code, 255);
  t.equal(p.stdout, '');
  t.equal(errorMessage(p.stderr), `exec failed: /process/user/uid: ${WORDS} (got ${MINUS_ONE})`);
  const ok = s.run(['exec', '--user', '2147483647', 'ex', 'id', '-u']);
  t.equal(ok.code, 0, 'the top of the range is accepted');
  t.equal(ok.stdout.trim(), '2147483647');
});
