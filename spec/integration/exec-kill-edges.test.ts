// Edges of exec and kill where clients (and runc's suite) depend on runc's
// exit codes and words.
import t from 'tap';
import { Sandbox, readState, errorMessage, eventually } from '../lib/harness';

function running(t: Parameters<Parameters<typeof t.test>[1]>[0]) {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['sleep', '300']));
  const r = s.run(['run', '-d', '-b', b, 'ct'], { detached: true });
  if (r.code !== 0) throw new Error(r.stderr);
  return s;
}

t.test('exec --pid-file that cannot be written: exit 255, and the process does not stay', async (t) => {
  const s = running(t);
  const r = s.run(['exec', '--pid-file', '/non-existent/directory', 'ct', 'sleep', '299']);
  t.equal(r.code, 255, 'runc: every exec failure is 255');
  t.equal(errorMessage(r.stderr), 'exec failed: open /non-existent/.directory.tmp: no such file or directory');
  const ps = s.run(['exec', 'ct', 'ps', '-o', 'args']);
  t.ok(await eventually(() => !s.run(['exec', 'ct', 'ps', '-o', 'args']).stdout.includes('sleep 299')), `the unreported process was killed: ${ps.stdout}`);
});

t.test('exec --cgroup: runc\'s words for a path that escapes, a missing sub-cgroup, an unknown controller', async (t) => {
  const s = running(t);
  const up = s.run(['exec', '--cgroup', '..', 'ct', 'true']);
  t.equal(up.code, 255);
  t.equal(errorMessage(up.stderr), 'exec failed: .. is not a sub cgroup path');
  t.equal(errorMessage(s.run(['exec', '--cgroup', 'a/../../b', 'ct', 'true']).stderr), 'exec failed: a/../../b is not a sub cgroup path');
  const missing = s.run(['exec', '--cgroup', 'cpu:nonexistent', 'ct', 'true']);
  t.equal(missing.code, 255);
  t.match(errorMessage(missing.stderr), / adding pid .*\/nonexistent\/cgroup\.procs: no such file or directory$/);
  t.equal(errorMessage(s.run(['exec', '--cgroup', 'whaaat:/', 'ct', 'true']).stderr), 'exec failed: unknown controller whaaat in SubCgroupPaths');
  t.equal(s.run(['exec', '--cgroup', '/', 'ct', 'true']).code, 0, 'the container\'s own cgroup is fine');
});

t.test('kill --all of a stopped container succeeds (nothing left to signal); kill without --all does not', async (t) => {
  const s = running(t);
  t.equal(s.run(['kill', 'ct', 'KILL']).code, 0);
  t.ok(await eventually(() => readState(s, 'ct').status === 'stopped'));
  const all = s.run(['kill', '-a', 'ct', '0']);
  t.equal(all.code, 0, all.stderr);
  const one = s.run(['kill', 'ct', '0']);
  t.equal(one.code, 1);
  t.equal(errorMessage(one.stderr), 'container not running');
  t.equal(s.run(['delete', 'ct']).code, 0);
});
