// --debug: the container set-up steps are logged, to stderr or to --log in its
// format, with the words runc's own lines carry (runc's suite greps for them).
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox } from '../lib/harness';

const RUN_WORDS = ['nsexec container setup', 'child process in init()', 'init: closing the pipe to signal completion'];
const EXEC_WORDS = ['nsexec container setup', 'child process in init()', 'setns_init: about to exec'];

t.test('--debug run and exec: set-up steps on stderr as logrus debug lines', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['echo', 'Hello World']));
  const r = s.run(['--debug', 'run', '-b', b, 'dbg']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'Hello World\n');
  for (const w of RUN_WORDS) t.match(r.stderr, new RegExp(`level=debug msg="${w.replace(/[()]/g, '\\$&')}`), w);

  const d = s.bundle((c) => (c.process.args = ['sleep', '300']));
  t.equal(s.run(['run', '-d', '-b', d, 'bg'], { detached: true }).code, 0);
  const e = s.run(['--debug', 'exec', 'bg', 'true']);
  t.equal(e.code, 0, e.stderr);
  for (const w of EXEC_WORDS) t.match(e.stderr, `level=debug msg="${w}`, w);
  const quiet = s.run(['exec', 'bg', 'true']);
  t.equal(quiet.stderr, '', 'nothing without --debug');
});

t.test('--debug --log FILE --log-format json: the lines go to the file as JSON, none to stderr', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['echo', 'Hello World']));
  const log = path.join(s.dir, 'log.json');
  const r = s.run(['run', '-b', b, 'dbg'], { global: ['--log', log, '--log-format', 'json', '--debug'] });
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, '', 'stderr has no debug line');
  const lines = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string });
  for (const w of RUN_WORDS) t.ok(lines.some((l) => l.level === 'debug' && l.msg.startsWith(w)), w);
});
