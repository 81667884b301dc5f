// Fields of config.md / config-linux.md checked from inside a real container.
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Sandbox, errorMessage, readState, RUNTS as RUNTS_BIN } from '../lib/harness';

const sh = (script: string, edit: (c: Record<string, any>) => void = () => {}) => (c: Record<string, any>) => {
  c.process.args = ['sh', '-c', script];
  edit(c);
};

t.test('/dev: default devices and links, linux.devices with mode and owner', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(
    sh('ls -ln /dev; echo x > /dev/null && head -c 4 /dev/zero | wc -c', (c) => {
      c.linux.devices = [{ type: 'c', path: '/dev/fuse', major: 10, minor: 229, fileMode: 0o600, uid: 1000, gid: 1000 }];
    }),
  );
  const r = s.run(['run', '-b', b, 'dev']);
  t.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  // ls -ln: mode links uid gid (major, minor | size) month day time name [-> target]
  const entry = (name: string): string => {
    const l = lines.find((x) => x.split(/\s+/)[x.includes(',') ? 9 : 8] === name) ?? '';
    const f = l.split(/\s+/);
    return l.includes(',') ? `${f[0]} ${f[2]} ${f[3]} ${f[4]}${f[5]}` : `${f[0]} ${f.slice(9).join(' ')}`;
  };
  for (const [name, maj, min] of [['null', 1, 3], ['zero', 1, 5], ['full', 1, 7], ['random', 1, 8], ['urandom', 1, 9], ['tty', 5, 0]] as const)
    t.equal(entry(name), `crw-rw-rw- 0 0 ${maj},${min}`, `/dev/${name}`);
  t.equal(entry('fuse'), 'crw------- 1000 1000 10,229', 'linux.devices: type, numbers, fileMode, uid, gid');
  for (const [name, target] of [['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2'], ['ptmx', 'pts/ptmx']])
    t.equal(entry(name), `lrwxrwxrwx -> ${target}`, `/dev/${name} -> ${target}`);
  t.match(entry('pts'), /^d/, '/dev/pts');
  t.match(entry('shm'), /^d/, '/dev/shm');
  t.equal(lines[lines.length - 2], '4', '/dev/zero and /dev/null work');
});

t.test('maskedPaths and readonlyPaths', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(
    sh('grep -E " /proc/(acpi|timer_list|sys|bus|scsi) " /proc/self/mounts | cut -d" " -f1,2,4 | cut -d, -f1; wc -c < /proc/timer_list; ls /proc/acpi | wc -l; touch /proc/sys/x 2>/dev/null || echo sys-ro; cat /missing-masked 2>&1 | head -1', (c) => {
      c.linux.maskedPaths = ['/proc/acpi', '/proc/timer_list', '/missing-masked', '/proc/scsi'];
      c.linux.readonlyPaths = ['/proc/sys', '/proc/bus', '/missing-readonly'];
    }),
  );
  const r = s.run(['run', '-b', b, 'mask']);
  t.equal(r.code, 0, r.stderr);
  const out = r.stdout.split('\n');
  t.ok(out.includes('tmpfs /proc/acpi ro'), 'a masked directory gets a read-only tmpfs');
  t.ok(out.some((l) => /^\S+ \/proc\/timer_list rw$/.test(l)), 'a masked file gets /dev/null bound over it');
  t.ok(out.includes('proc /proc/sys ro') && out.includes('proc /proc/bus ro'), 'read-only paths are read-only mounts');
  t.ok(out.includes('sys-ro'));
  const i = out.findIndex((l) => /^\d+$/.test(l));
  t.equal(out[i], '0', 'the masked file reads as empty');
  t.equal(out[i + 1], '0', 'the masked directory is empty');
});

t.test('linux.sysctl: applied inside, the host untouched; refused outside the container\'s namespaces', async (t) => {
  const s = new Sandbox(t);
  const host = fs.readFileSync('/proc/sys/net/ipv4/ip_default_ttl', 'utf8').trim();
  const b = s.bundle(
    sh('cat /proc/sys/net/ipv4/ip_default_ttl /proc/sys/kernel/shmmni /proc/sys/fs/mqueue/msg_max', (c) => {
      c.linux.sysctl = { 'net.ipv4.ip_default_ttl': '33', 'kernel.shmmni': '1234', 'fs.mqueue.msg_max': '20' };
    }),
  );
  const r = s.run(['run', '-b', b, 'sysctl']);
  t.equal(r.code, 0, r.stderr);
  t.same(r.stdout.trim().split('\n'), ['33', '1234', '20']);
  t.equal(fs.readFileSync('/proc/sys/net/ipv4/ip_default_ttl', 'utf8').trim(), host, 'the host value is unchanged');

  const refused: [string, (c: Record<string, any>) => void, string][] = [
    ['vm.swappiness', (c) => (c.linux.sysctl = { 'vm.swappiness': '10' }), 'sysctl "vm.swappiness" is not in a separate kernel namespace'],
    ['kernel.hostname', (c) => (c.linux.sysctl = { 'kernel.hostname': 'x' }), 'sysctl "kernel.hostname" is not allowed as it conflicts with the OCI "hostname" field'],
    [
      'net without netns',
      (c) => {
        c.linux.sysctl = { 'net.ipv4.ip_forward': '1' };
        c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'network');
      },
      'sysctl "net.ipv4.ip_forward" is not allowed in the hosts network namespace',
    ],
  ];
  for (const [name, edit, msg] of refused) {
    const r2 = s.run(['create', '-b', s.bundle(edit), name.replace(/\W/g, '-')]);
    t.equal(r2.code, 1, name);
    t.match(errorMessage(r2.stderr), msg);
    t.match(errorMessage(r2.stderr), /\/linux\/sysctl\//, 'names the field');
    t.equal(s.run(['list', '-q']).stdout, '', 'nothing left');
  }
});

t.test('rlimits, oomScoreAdj, domainname', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle(
    sh('grep -E "open files|processes|core file" /proc/self/limits | tr -s " "; cat /proc/self/oom_score_adj; cat /proc/sys/kernel/domainname', (c) => {
      c.process.rlimits = [
        { type: 'RLIMIT_NOFILE', soft: 512, hard: 1024 },
        { type: 'RLIMIT_NPROC', soft: 100, hard: 200 },
        { type: 'RLIMIT_CORE', soft: 0, hard: 0 },
      ];
      c.process.oomScoreAdj = 500;
      c.domainname = 'example.org';
    }),
  );
  const r = s.run(['run', '-b', b, 'limits']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, 'Max open files 512 1024 files');
  t.match(r.stdout, 'Max processes 100 200 processes');
  t.match(r.stdout, 'Max core file size 0 0 bytes');
  t.match(r.stdout, /\n500\nexample\.org\n$/);

  // no CAP_SYS_RESOURCE here: a hard limit above the runtime's own is refused
  const hard = Number(/^Max open files\s+\d+\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'))![1]);
  const over = s.bundle((c) => (c.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: hard + 1, hard: hard + 1 }]));
  const r2 = s.run(['run', '-b', over, 'over']);
  t.equal(r2.code, 1);
  t.match(errorMessage(r2.stderr), 'error setting rlimit type 7: operation not permitted');
  t.equal(s.run(['list', '-q']).stdout, '');
});

t.test('process.terminal with --console-socket: the pty master reaches the receiver', async (t) => {
  const s = new Sandbox(t);
  const sock = path.join(s.dir, 'console.sock');
  const b = s.bundle((c) => {
    c.process.terminal = true;
    c.process.consoleSize = { height: 33, width: 99 };
    c.process.args = ['sh'];
  });
  const recv = spawn('python3', [path.join(__dirname, '..', 'lib', 'recvtty.py'), sock, 'tty; stty size; echo answer-$((6*7)); exit 0\n', '8']);
  let out = '';
  recv.stdout.on('data', (d) => (out += d));
  const done = new Promise((r) => recv.on('close', r));
  for (let i = 0; i < 100 && !out.includes('listening'); i++) await new Promise((r) => setTimeout(r, 50));
  const r = s.run(['create', '--console-socket', sock, '-b', b, 'tty'], { detached: true });
  t.equal(r.code, 0, r.stderr);
  t.equal(s.run(['start', 'tty']).code, 0);
  await done;
  t.match(out, 'name=/dev/ptmx', 'runc\'s protocol: the name /dev/ptmx with the fd');
  t.match(out, /\/dev\/pts\/\d+/, 'the shell\'s stdio is a pty');
  t.match(out, '33 99', 'consoleSize applied');
  t.match(out, 'answer-42', 'the shell answers on the terminal');
  t.equal(readState(s, 'tty').status, 'stopped');
});

t.test('terminal and console socket rules, as runc', async (t) => {
  const s = new Sandbox(t);
  const tty = s.bundle((c) => (c.process.terminal = true));
  const r = s.run(['create', '-b', tty, 'notty']);
  t.equal(r.code, 1);
  t.match(errorMessage(r.stderr), 'cannot allocate tty if runts will detach without setting console socket');
  const plain = s.bundle();
  const r2 = s.run(['create', '--console-socket', path.join(s.dir, 'x.sock'), '-b', plain, 'nosock']);
  t.equal(r2.code, 1);
  t.match(errorMessage(r2.stderr), 'cannot use console socket if runts will not detach or allocate tty');
  t.equal(s.run(['list', '-q']).stdout, '', 'nothing left');
});

t.test('--preserve-fds and socket activation (LISTEN_FDS) pass fds into the container', async (t) => {
  const s = new Sandbox(t);
  const file = path.join(s.dir, 'passed.txt');
  fs.writeFileSync(file, 'through fd 3\n');
  const b = s.bundle((c) => {
    c.process.args = ['sh', '-c', 'cat <&3; echo "LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID"; ls /proc/self/fd | tr "\\n" " "'];
  });
  // one open file per run: each run reads it to the end
  const open = (): number => {
    const fd = fs.openSync(file, 'r');
    t.teardown(() => fs.closeSync(fd));
    return fd;
  };
  const { spawnSync } = await import('node:child_process');
  const preserved = spawnSync(RUNTS_BIN, ['--root', s.root, 'run', '--preserve-fds', '1', '-b', b, 'pfd'], { stdio: ['ignore', 'pipe', 'pipe', open()], encoding: 'utf8' });
  t.equal(preserved.status, 0, preserved.stderr);
  t.match(preserved.stdout, /^through fd 3\nLISTEN_FDS= LISTEN_PID=\n0 1 2 3 /);
  const withoutFlag = spawnSync(RUNTS_BIN, ['--root', s.root, 'run', '-b', b, 'nopfd'], { stdio: ['ignore', 'pipe', 'pipe', open()], encoding: 'utf8' });
  t.notMatch(withoutFlag.stdout, /through fd 3/, 'without --preserve-fds fd 3 is closed');
  // systemd's protocol: LISTEN_PID must be the runtime's own pid, so set it from a shell that execs runts
  const activated = spawnSync('sh', ['-c', `LISTEN_FDS=1 LISTEN_PID=$$ exec ${RUNTS_BIN} --root ${s.root} run -b ${b} act`], {
    stdio: ['ignore', 'pipe', 'pipe', open()],
    encoding: 'utf8',
  });
  t.equal(activated.status, 0, activated.stderr);
  t.match(activated.stdout, /^through fd 3\nLISTEN_FDS=1 LISTEN_PID=1\n/);
});

t.test('a session keyring of the container\'s own, unless --no-new-keyring', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.linux.maskedPaths = c.linux.maskedPaths.filter((p: string) => p !== '/proc/keys');
    // /proc/keys lists the keyrings the process can view; the name tells the container's own
    c.process.args = ['sh', '-c', 'grep -c "keyring *_ses.$KEYRING_ID:" /proc/keys'];
  });
  // each run its own id: the kernel collects a finished container's keyring
  // lazily, so the first run's may still be listed during the second
  const withId = (id: string): void => {
    const c = JSON.parse(fs.readFileSync(path.join(b, 'config.json'), 'utf8'));
    c.process.env = [...(c.process.env ?? []).filter((e: string) => !e.startsWith('KEYRING_ID=')), `KEYRING_ID=${id}`];
    fs.writeFileSync(path.join(b, 'config.json'), JSON.stringify(c));
  };
  withId('keyring-own');
  const own = s.run(['run', '-b', b, 'keyring-own']);
  t.equal(own.stdout.trim(), '1', '_ses.<id> as runc names it');
  withId('keyring-none');
  const none = s.run(['run', '--no-new-keyring', '-b', b, 'keyring-none']);
  t.equal(none.stdout.trim(), '0', 'none with --no-new-keyring');
});
