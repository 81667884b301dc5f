// A cgroup that is frozen before create: the init would stop half set up
// and create would hang; runc 1.1.5 refuses it ("unexpectedly frozen").
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, errorMessage } from '../lib/harness';

t.test('create and run refuse a pre-existing frozen cgroup, and leave nothing', { skip: !fs.existsSync('/sys/fs/cgroup/freezer') && 'no v1 freezer' }, async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['true']));
  const cg = JSON.parse(fs.readFileSync(path.join(b, 'config.json'), 'utf8')).linux.cgroupsPath as string;
  const dir = path.join('/sys/fs/cgroup/freezer', cg);
  fs.mkdirSync(dir, { recursive: true });
  t.teardown(() => {
    fs.writeFileSync(path.join(dir, 'freezer.state'), 'THAWED');
    fs.rmdirSync(dir);
  });
  fs.writeFileSync(path.join(dir, 'freezer.state'), 'FROZEN');
  for (const cmd of [['run', '-d'], ['create']]) {
    const r = s.run([...cmd, '-b', b, 'frozen'], { detached: true, timeout: 20000 });
    t.equal(r.code, 1, `${cmd[0]} fails (before: it hung with the init in D state)`);
    t.match(errorMessage(r.stderr), "container's cgroup unexpectedly frozen");
    t.equal(s.run(['list', '-q']).stdout, '', 'no container left');
  }
});
