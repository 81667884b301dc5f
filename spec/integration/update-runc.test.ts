// `update` and device rules as runc's users write them: flags after the
// container id (urfave/cli reorders them), a pod cgroup made by someone else
// with its own CPU limit, "rwa" access strings, and linux.devices that a
// deny rule must keep closed.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { reorderArgs } from '../../lib/cli/args';
import { Sandbox, readState } from '../lib/harness';

t.test('reorderArgs: urfave/cli v1 moves flags (and their values) before the arguments', async (t) => {
  t.same(reorderArgs(['ct', '--memory-swap', '-1']), ['--memory-swap', '-1', 'ct']);
  t.same(reorderArgs(['ct', '--cpu-period', '900000', '--pids-limit=5']), ['--cpu-period', '900000', '--pids-limit=5', 'ct']);
  t.same(reorderArgs(['-d', 'ct', '--', '--keep']), ['-d', 'ct', '--', '--keep'], 'nothing after --');
});

const cgroupOf = (pid: number, ctrl: string): string =>
  fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.split(':')[1]?.split(',').includes(ctrl))!.split(':')[2];

t.test('update ID --flag value: runc\'s argument order works', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => (c.process.args = ['sleep', '300']));
  t.equal(s.run(['run', '-d', '-b', b, 'up'], { detached: true }).code, 0);
  const pid = readState(s, 'up').pid as number;
  const cpu = path.join('/sys/fs/cgroup/cpu', cgroupOf(pid, 'cpu'));
  const r = s.run(['update', 'up', '--cpu-period', '900000', '--cpu-quota', '450000']);
  t.equal(r.code, 0, r.stderr);
  t.equal(fs.readFileSync(path.join(cpu, 'cpu.cfs_period_us'), 'utf8').trim(), '900000');
  t.equal(fs.readFileSync(path.join(cpu, 'cpu.cfs_quota_us'), 'utf8').trim(), '450000');
  t.equal(s.run(['update', 'up', '--cpu-quota', '-1']).code, 0, 'a negative value after the id');
  t.equal(fs.readFileSync(path.join(cpu, 'cpu.cfs_quota_us'), 'utf8').trim(), '-1');
});

t.test('a pod cgroup made with mkdir, with a CPU limit: the container runs and a smaller period with its quota applies', async (t) => {
  const s = new Sandbox(t);
  const pod = `${s.cgroupParent}/pod`;
  const made: string[] = [];
  for (const h of ['cpuset', 'cpu']) {
    const top = path.join('/sys/fs/cgroup', h);
    for (const d of [s.cgroupParent, pod]) {
      if (!fs.existsSync(path.join(top, d))) {
        fs.mkdirSync(path.join(top, d));
        made.unshift(path.join(top, d));
      }
    }
  }
  t.teardown(() => made.forEach((d) => fs.rmdirSync(d)));
  fs.writeFileSync(path.join('/sys/fs/cgroup/cpu', pod, 'cpu.cfs_quota_us'), '50000');
  const b = s.bundle((c) => {
    c.process.args = ['sleep', '300'];
    c.linux.cgroupsPath = `${pod}/ct`;
  });
  // the pod's cpuset is empty (mkdir): before, joining it failed with ENOSPC
  const r = s.run(['run', '-d', '-b', b, 'podct'], { detached: true });
  t.equal(r.code, 0, r.stderr);
  t.equal(s.run(['update', '--cpu-quota', '60000', 'podct']).code, 1, 'above the pod\'s 50% is refused');
  // period 10000 alone would make the old quota exceed the pod's limit: retried after the quota
  const u = s.run(['update', '--cpu-period', '10000', '--cpu-quota', '3000', 'podct']);
  t.equal(u.code, 0, u.stderr);
  const cpu = path.join('/sys/fs/cgroup/cpu', pod, 'ct');
  t.equal(fs.readFileSync(path.join(cpu, 'cpu.cfs_period_us'), 'utf8').trim(), '10000');
  t.equal(fs.readFileSync(path.join(cpu, 'cpu.cfs_quota_us'), 'utf8').trim(), '3000');
  t.equal(s.run(['delete', '-f', 'podct']).code, 0);
});

t.test('a device in linux.devices stays closed under a deny rule; "rwa" is taken as "rw"', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.linux.resources = { devices: [{ allow: false, access: 'rwm' }, { allow: false, type: 'c', major: 1, minor: 11, access: 'rwa' }] };
    c.linux.devices = [{ path: '/dev/kmsg', type: 'c', major: 1, minor: 11 }];
    for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set].push('CAP_SYSLOG');
    c.process.args = ['sh', '-c', 'head -c 1 /dev/kmsg 2>&1; ls -l /dev/kmsg'];
  });
  const r = s.run(['run', '-b', b, 'kmsg']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, 'Operation not permitted', 'the node exists but cannot be opened (runc: no allow for linux.devices)');
  t.match(r.stdout, /^c.* 1,\s+11 .*\/dev\/kmsg$/m, 'linux.devices made the node');
});
