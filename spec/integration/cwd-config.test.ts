// A Bun executable compiled with the defaults reads .env and bunfig.toml from
// its working directory at start-up, and bunfig's `preload` runs any script
// named there: as root, before runts' own code. runc is often started in the
// bundle directory (`cd bundle && runc run id`), which the image's author may
// have filled. make build compiles with both autoloads off; this runs the
// attack: a container is run from a working directory holding both files.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, RUNTS } from '../lib/harness';

t.test('.env and bunfig.toml in the working directory are ignored', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.args = ['sh', '-c', 'echo container ran'];
  });
  const marker = path.join(s.dir, 'preload-ran');
  fs.writeFileSync(path.join(b, 'evil.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');\n`);
  fs.writeFileSync(path.join(b, 'bunfig.toml'), 'preload = ["./evil.js"]\n');
  // .env is read by the same start-up code, so the same flag turns it off:
  // its effect is not visible from outside, it is here as a user would have it
  fs.writeFileSync(path.join(b, '.env'), 'LISTEN_FDS=1\n');

  const r = spawnSync(RUNTS, ['--root', s.root, 'run', 'cwd'], { cwd: b, encoding: 'utf8', timeout: 30000 });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /container ran/, 'the container ran from the bundle in the working directory');
  t.notOk(fs.existsSync(marker), 'the preload script named by bunfig.toml did not run');
});
