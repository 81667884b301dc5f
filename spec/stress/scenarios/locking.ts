// The per-id lock: a create held up in a hook keeps its lock, so `state`
// and `list` answer at once with "creating" while `delete --force` waits for
// the create to finish, then removes the container it made.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { message, until, type Scenario } from '../lib';

export const locking: Scenario = {
  name: 'locks-during-create',
  async run(a, counts) {
    const failures: string[] = [];
    let runs = 0;
    for (let round = 0; round < counts.races; round++) {
      runs++;
      const id = `lk-${round}`;
      const gate = path.join(a.dir, `${id}.gate`);
      const inHook = path.join(a.dir, `${id}.inhook`);
      const bundle = a.bundle((c) => {
        // the create stops in its prestart hook until the gate opens
        c.hooks = { prestart: [{ path: '/bin/sh', args: ['sh', '-c', `touch ${inHook}; while [ ! -e ${gate} ]; do sleep 0.02; done`] }] };
      }, id);
      const created = a.runts(['create', '--bundle', bundle, id]);
      if (!(await until(() => fs.existsSync(inHook), 20000))) {
        failures.push(`round ${round}: the create never reached its hook`);
        fs.writeFileSync(gate, '');
        await created;
        continue;
      }
      const st = await a.runts(['state', id]);
      const status = st.code === 0 ? (JSON.parse(st.stdout) as { status: string }).status : message(st.stderr);
      if (status !== 'creating') failures.push(`round ${round}: state during create: ${status}, not creating`);
      const ls = await a.runts(['list', '-f', 'json']);
      const listed = ls.code === 0 ? ((JSON.parse(ls.stdout) as { id: string; status: string }[] | null) ?? []).find((c) => c.id === id)?.status : message(ls.stderr);
      if (listed !== 'creating') failures.push(`round ${round}: list during create: ${listed}, not creating`);
      let deleteDone = false;
      const deleted = a.runts(['delete', '--force', id]).then((r) => {
        deleteDone = true;
        return r;
      });
      // state and list came back while the create still holds the lock: the
      // delete must still be waiting for it (it would have finished by now)
      await a.runts(['state', id]);
      if (deleteDone) failures.push(`round ${round}: delete --force did not wait for the create holding the lock`);
      fs.writeFileSync(gate, '');
      const c = await created;
      const d = await deleted;
      if (c.code !== 0) failures.push(`round ${round}: the create failed: ${message(c.stderr)}`);
      if (d.code !== 0) failures.push(`round ${round}: delete --force: ${message(d.stderr)}`);
      if (fs.existsSync(path.join(a.root, id))) failures.push(`round ${round}: the container is still there after delete`);
      a.ids.delete(id);
    }
    return { runs, failures, notes: [] };
  },
};
