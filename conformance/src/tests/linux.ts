// config-linux.md and runtime-linux.md: namespaces, id mappings, devices,
// cgroups, masked/readonly paths, seccomp, personality, intelRdt.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, T } from '../framework';
import { Json, sleep } from '../harness';

const NS_FILE: Record<string, string> = { pid: 'pid', network: 'net', ipc: 'ipc', uts: 'uts', mount: 'mnt', cgroup: 'cgroup', user: 'user', time: 'time' };
const hostNs = (ns: string) => fs.readlinkSync(`/proc/self/ns/${ns}`);
const USERNS = (c: Json) => {
  c.linux.namespaces.push({ type: 'user' });
  c.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
  c.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
};

test('linux.namespaces.new', 'each listed namespace without a path is a new namespace', (t) => {
  const f = t.probe((c) => c.linux.namespaces.push({ type: 'cgroup' }));
  for (const type of ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup']) t.ok(f.ns[NS_FILE[type]] !== hostNs(NS_FILE[type]), `${type}: the container shares the runtime's namespace`);
});

test('linux.namespaces.new-user', 'a user namespace without a path is new, with the configured mappings', (t) => {
  const f = t.probe((c, b) => {
    USERNS(c);
    spawnSync('chown', ['-R', '100000:100000', path.join(b, 'rootfs')]);
  });
  t.ok(f.ns.user !== hostNs('user'), 'the container shares the runtime\'s user namespace');
  t.eq(String(f.proc.uid_map).trim().split(/\s+/), ['0', '100000', '65536'], 'uid_map');
  t.eq(String(f.proc.gid_map).trim().split(/\s+/), ['0', '100000', '65536'], 'gid_map');
});

test('linux.namespaces.inherit', 'a namespace type not listed is inherited from the runtime', (t) => {
  const f = t.probe((c) => {
    c.linux.namespaces = [{ type: 'mount' }, { type: 'pid' }];
    delete c.hostname; // needs a uts namespace
  });
  for (const ns of ['net', 'ipc', 'uts', 'cgroup', 'user']) t.eq(f.ns[ns], hostNs(ns), `${ns} namespace`);
});

/** a running container to take namespaces from */
function donor(t: T): number {
  const b = t.sb.bundle((c) => (c.process.args = ['/bin/sleep', '1000']));
  const id = t.sb.newId();
  if (t.sb.create(id, b).code !== 0) t.fatal('create of the donor container failed');
  const pid = t.sb.state(id)?.pid;
  if (!pid) t.fatal('no pid for the donor');
  return pid;
}

test('linux.namespaces.path', 'a namespace with a path: the container joins it', (t) => {
  const pid = donor(t);
  const f = t.probe((c) => {
    c.linux.namespaces = c.linux.namespaces.map((n: Json) => (n.type === 'network' || n.type === 'uts' || n.type === 'ipc' ? { type: n.type, path: `/proc/${pid}/ns/${NS_FILE[n.type]}` } : n));
    delete c.hostname;
  });
  for (const ns of ['net', 'uts', 'ipc']) t.eq(f.ns[ns], fs.readlinkSync(`/proc/${pid}/ns/${ns}`), `${ns} namespace`);
});

test('linux.namespaces.path-wrong-type', 'a namespace path of another type is an error', (t) => {
  const pid = donor(t);
  t.mustRefuse((c) => (c.linux.namespaces = c.linux.namespaces.map((n: Json) => (n.type === 'network' ? { type: 'network', path: `/proc/${pid}/ns/uts` } : n))), 'a network namespace path that is a uts namespace');
});

test('linux.namespaces.path-relative', 'a relative namespace path is an error', (t) => {
  const pid = donor(t);
  t.mustRefuse((c) => (c.linux.namespaces = c.linux.namespaces.map((n: Json) => (n.type === 'network' ? { type: 'network', path: `proc/${pid}/ns/net` } : n))), 'a relative namespace path');
});

test('linux.namespaces.duplicate', 'two namespaces of the same type are an error', (t) => {
  t.mustRefuse((c) => c.linux.namespaces.push({ type: 'pid' }), 'pid listed twice');
});

test('linux.namespaces.type-required', 'a namespace without type is an error', (t) => {
  t.mustRefuse((c) => c.linux.namespaces.push({ path: '/proc/self/ns/net' }), 'a namespace without type');
});

for (const field of ['containerID', 'hostID', 'size']) {
  test(`linux.idmapping.${field}-required`, `a uidMappings entry without ${field} is an error`, (t) => {
    t.mustRefuse((c) => {
      USERNS(c);
      delete c.linux.uidMappings[0][field];
    }, `uidMappings without ${field}`);
  });
}

// ---- devices ----

test('linux.devices', 'linux.devices are created with type, major:minor, mode, uid and gid', (t) => {
  const f = t.probe(
    (c) =>
      (c.linux.devices = [
        { path: '/dev/conf-null', type: 'c', major: 1, minor: 3, fileMode: 0o640, uid: 12, gid: 34 },
        { path: '/dev/conf-fifo', type: 'p', fileMode: 0o600 },
      ]),
    ['--stat', '/dev/conf-null', '--stat', '/dev/conf-fifo'],
  );
  const d = f.stats['/dev/conf-null']?.lstat;
  t.eq(d && [d.type, d.major, d.minor, d.mode, d.uid, d.gid], ['char', 1, 3, 0o640, 12, 34], '/dev/conf-null type, major, minor, mode, uid, gid');
  t.eq(f.stats['/dev/conf-fifo']?.lstat?.type, 'fifo', '/dev/conf-fifo type');
});

test('linux.devices.existing-mismatch', 'a file at a device path that is not that device is an error', (t) => {
  t.mustRefuse((c, b) => {
    fs.writeFileSync(path.join(b, 'rootfs', 'conf-dev'), 'not a device');
    c.linux.devices = [{ path: '/conf-dev', type: 'c', major: 1, minor: 3 }];
  }, 'a regular file where a char device is asked');
});

for (const field of ['type', 'path']) {
  test(`linux.devices.${field}-required`, `a device without ${field} is an error`, (t) => {
    const dev: Json = { path: '/dev/conf-null', type: 'c', major: 1, minor: 3 };
    delete dev[field];
    t.mustRefuse((c) => (c.linux.devices = [dev]), `a device without ${field}`);
  });
}

test('linux.devices.major-required', 'a char device without major/minor is an error', (t) => {
  t.mustRefuse((c) => (c.linux.devices = [{ path: '/dev/conf-null', type: 'c' }]), 'a char device without major and minor');
});

const DEFAULT_DEVICES: Record<string, [number, number]> = { null: [1, 3], zero: [1, 5], full: [1, 7], random: [1, 8], urandom: [1, 9], tty: [5, 0] };

test('linux.devices.defaults', 'the default devices are supplied: null, zero, full, random, urandom, tty, ptmx', (t) => {
  const f = t.probe();
  for (const [name, [maj, min]] of Object.entries(DEFAULT_DEVICES)) {
    const d = f.dev[name];
    t.eq(d && [d.type, d.major, d.minor], ['char', maj, min], `/dev/${name}`);
  }
  const ptmx = f.dev.ptmx;
  t.ok(ptmx && ((ptmx.type === 'symlink' && /pts\/ptmx$/.test(ptmx.target)) || (ptmx.type === 'char' && ptmx.major === 5 && ptmx.minor === 2)), `/dev/ptmx: ${JSON.stringify(ptmx)}`);
});

test('runtime-linux.dev-symlinks', '/dev/fd, stdin, stdout, stderr are symlinks to /proc/self/fd', (t) => {
  const f = t.probe();
  const want: Record<string, string> = { fd: '/proc/self/fd', stdin: '/proc/self/fd/0', stdout: '/proc/self/fd/1', stderr: '/proc/self/fd/2' };
  for (const [name, target] of Object.entries(want)) t.eq(f.dev[name] && [f.dev[name].type, f.dev[name].target], ['symlink', target], `/dev/${name}`);
});

// ---- cgroups ----

function cgroupOf(f: Json, ctrl: string): string | undefined {
  for (const line of String(f.proc.cgroup).split('\n')) {
    const [, ctrls, p] = line.split(':');
    if (ctrls?.split(',').includes(ctrl)) return p;
  }
  return undefined;
}

test('linux.cgroupsPath.absolute', 'an absolute cgroupsPath is taken relative to the cgroup mount point', (t) => {
  let want = '';
  const f = t.probe((c) => (want = c.linux.cgroupsPath));
  for (const ctrl of ['memory', 'pids', 'cpu', 'devices', 'freezer']) t.eq(cgroupOf(f, ctrl), want, `${ctrl} cgroup (no cgroup namespace)`);
});

test('linux.cgroupsPath.consistent', 'the same cgroupsPath attaches to the same place each time', (t) => {
  const fixed = `${t.sb.cgroupParent}/same`;
  const a = t.probe((c) => (c.linux.cgroupsPath = fixed));
  const b = t.probe((c) => (c.linux.cgroupsPath = fixed));
  t.eq(cgroupOf(a, 'memory'), fixed, 'first container');
  t.eq(cgroupOf(b, 'memory'), fixed, 'second container');
});

test('linux.cgroupsPath.invalid', 'an invalid cgroupsPath (escaping with ..) is an error or is kept inside the hierarchy', (t) => {
  const b = t.sb.bundle((c) => (c.linux.cgroupsPath = '/../../runts-conf-escape'));
  const id = t.sb.newId();
  const r = t.sb.create(id, b);
  const escaped = fs.existsSync('/sys/fs/runts-conf-escape') || fs.existsSync('/sys/runts-conf-escape');
  t.ok(!escaped, 'the cgroup was created outside the cgroup mount');
  if (r.code === 0) {
    const pid = t.sb.state(id)?.pid;
    const cg = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    t.ok(/:\/runts-conf-escape$/m.test(cg), `the container is not at /runts-conf-escape: ${cg}`);
  }
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    try {
      fs.rmdirSync(`/sys/fs/cgroup/${h}/runts-conf-escape`);
    } catch {
      // not there
    }
  }
  t.sb.run(['delete', '--force', id]);
  for (const h of fs.readdirSync('/sys/fs/cgroup')) {
    try {
      fs.rmdirSync(`/sys/fs/cgroup/${h}/runts-conf-escape`);
    } catch {
      // not there
    }
  }
});

test('linux.devices-cgroup.order', 'device cgroup rules apply in the listed order', (t) => {
  const node = (b: string) => {
    const r = spawnSync('mknod', [path.join(b, 'rootfs', 'conf-kmsg'), 'c', '1', '11']);
    if (r.status !== 0) t.fatal('mknod failed');
  };
  // /dev/kmsg (1:11); CAP_SYSLOG so that only the device cgroup can refuse the open
  const caps = (c: Json) => Object.keys(c.process.capabilities).forEach((k) => c.process.capabilities[k].push('CAP_SYSLOG'));
  const allowed = t.probe((c, b) => {
    node(b);
    caps(c);
    c.linux.resources.devices = [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 11, access: 'r' }];
  }, ['--stat', '/conf-kmsg']);
  const denied = t.probe((c, b) => {
    node(b);
    caps(c);
    c.linux.resources.devices = [{ allow: true, type: 'c', major: 1, minor: 11, access: 'r' }, { allow: false, access: 'rwm' }];
  }, ['--stat', '/conf-kmsg']);
  t.ok(allowed.stats['/conf-kmsg']?.read?.errno !== 1, `deny all then allow 1:11: open failed with EPERM`);
  t.eq(denied.stats['/conf-kmsg']?.read?.errno, 1, 'allow 1:11 then deny all: errno of open');
});

test('linux.devices-cgroup.allow-required', 'a device rule without allow is an error', (t) => {
  t.mustRefuse((c) => c.linux.resources.devices.push({ type: 'c', major: 1, minor: 11, access: 'r' }), 'a device rule without allow');
});

for (const [key, what] of [
  ['weightDevice', 'weightDevice'],
  ['throttleReadBpsDevice', 'throttleReadBpsDevice'],
  ['throttleReadIOPSDevice', 'throttleReadIOPSDevice'],
] as const) {
  test(`linux.blockIO.${key}-major-required`, `a ${what} entry without major is an error`, (t) => {
    t.mustRefuse((c) => (c.linux.resources.blockIO = { [key]: [key === 'weightDevice' ? { minor: 0, weight: 500 } : { minor: 0, rate: 1000 }] }), `${what} without major`);
  });
}

for (const key of ['throttleReadBpsDevice', 'throttleReadIOPSDevice']) {
  test(`linux.blockIO.${key}-rate-required`, `a ${key} entry without rate is an error`, (t) => {
    t.mustRefuse((c) => (c.linux.resources.blockIO = { [key]: [{ major: 8, minor: 0 }] }), `${key} without rate`);
  });
}

test('linux.blockIO.weight-or-leafWeight', 'a weightDevice entry with neither weight nor leafWeight is an error', (t) => {
  t.mustRefuse((c) => (c.linux.resources.blockIO = { weightDevice: [{ major: 8, minor: 0 }] }), 'weightDevice with no weight');
});

for (const field of ['pageSize', 'limit']) {
  test(`linux.hugepageLimits.${field}-required`, `a hugepageLimits entry without ${field} is an error`, (t) => {
    const e: Json = { pageSize: '2MB', limit: 1 << 21 };
    delete e[field];
    t.mustRefuse((c) => (c.linux.resources.hugepageLimits = [e]), `hugepageLimits without ${field}`);
  });
}

for (const field of ['name', 'priority']) {
  test(`linux.network.${field}-required`, `a network.priorities entry without ${field} is an error`, (t) => {
    const e: Json = { name: 'eth0', priority: 1 };
    delete e[field];
    t.mustRefuse((c) => (c.linux.resources.network = { priorities: [e] }), `network priority without ${field}`);
  });
}

test('linux.rdma.handles-or-objects', 'an rdma entry with neither hcaHandles nor hcaObjects is an error', (t) => {
  t.mustRefuse((c) => (c.linux.resources.rdma = { mlx5_0: {} }), 'rdma entry with no limit');
});

test('linux.unified.absent-controller', 'unified naming a controller that is not available is an error', (t) => {
  const v2ctrls = fs.existsSync('/sys/fs/cgroup/unified/cgroup.controllers') ? fs.readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').trim() : fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? fs.readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').trim() : '';
  if (v2ctrls.split(/\s+/).includes('hugetlb')) t.skip('hugetlb is available on cgroup v2 here');
  t.mustRefuse((c) => (c.linux.resources.unified = { 'hugetlb.2MB.max': '1000' }), 'unified hugetlb.2MB.max without a v2 hugetlb controller');
});

// ---- masked and readonly paths ----

test('linux.maskedPaths', 'maskedPaths: a file reads as empty (/dev/null), a directory is an empty read-only tmpfs', (t) => {
  const f = t.probe((c, b) => {
    fs.mkdirSync(path.join(b, 'rootfs', 'conf-secret-dir'));
    fs.writeFileSync(path.join(b, 'rootfs', 'conf-secret-dir', 'x'), 'secret');
    fs.writeFileSync(path.join(b, 'rootfs', 'conf-secret'), 'secret');
    c.linux.maskedPaths = ['/conf-secret', '/conf-secret-dir', '/conf-not-there'];
  }, ['--stat', '/conf-secret', '--stat', '/conf-secret-dir', '--write', '/conf-secret-dir/y']);
  t.eq(f.stats['/conf-secret']?.read?.bytes, 0, 'bytes read from the masked file');
  t.eq(f.stats['/conf-secret-dir']?.entries, [], 'entries of the masked directory');
  t.ok(f.writes['/conf-secret-dir/y'] !== 0, 'the masked directory is writable');
});

test('linux.maskedPaths.relative', 'a relative masked path is an error', (t) => {
  t.mustRefuse((c) => (c.linux.maskedPaths = ['proc/kcore']), 'maskedPaths ["proc/kcore"]');
});

test('linux.readonlyPaths', 'readonlyPaths are read-only', (t) => {
  const f = t.probe((c, b) => {
    fs.mkdirSync(path.join(b, 'rootfs', 'conf-ro'));
    c.linux.readonlyPaths = ['/conf-ro', '/proc/sys'];
  }, ['--write', '/conf-ro/x', '--stat', '/proc/sys']);
  t.eq(f.writes['/conf-ro/x'], 30, 'errno of writing in a read-only path');
  t.ok(f.stats['/proc/sys']?.vfsflags & 1, '/proc/sys is not read-only');
});

test('linux.readonlyPaths.relative', 'a relative read-only path is an error', (t) => {
  t.mustRefuse((c) => (c.linux.readonlyPaths = ['proc/sys']), 'readonlyPaths ["proc/sys"]');
});

test('linux.sysctl', 'sysctl values are set in the container (not a MUST; a fact for the report)', (t) => {
  const f = t.probe((c) => (c.linux.sysctl = { 'net.ipv4.ip_forward': '1', 'kernel.msgmax': '12345' }), ['--sysctl', 'net.ipv4.ip_forward', '--sysctl', 'kernel.msgmax']);
  t.eq(String(f.sysctls['net.ipv4.ip_forward']).trim(), '1', 'net.ipv4.ip_forward');
  t.eq(String(f.sysctls['kernel.msgmax']).trim(), '12345', 'kernel.msgmax');
});

// ---- seccomp ----

const SECCOMP = (syscalls: Json[], extra: Json = {}) => ({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls, ...extra });

test('linux.seccomp.applied', 'a seccomp rule (names, action, errnoRet) is applied', (t) => {
  const f = t.probe((c) => (c.linux.seccomp = SECCOMP([{ names: ['getpriority'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }])));
  t.eq(f.nice, -100, 'getpriority result (-100: the call failed)');
  t.eq(Number(/Seccomp:\s*(\d)/.exec(f.proc.status)?.[1]), 2, 'Seccomp mode in /proc/self/status');
});

test('linux.seccomp.args', 'a seccomp rule with args (index, value, op) is applied', (t) => {
  const f = t.probe((c) => (c.linux.seccomp = SECCOMP([{ names: ['getpriority'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] }])));
  t.eq(f.nice, -100, 'getpriority(PRIO_PROCESS=0, 0) result');
});

test('linux.seccomp.errnoRet-unsupported', 'errnoRet on an action without errno is an error', (t) => {
  t.mustRefuse((c) => (c.linux.seccomp = SECCOMP([{ names: ['getpriority'], action: 'SCMP_ACT_KILL', errnoRet: 1 }])), 'errnoRet with SCMP_ACT_KILL');
});

test('linux.seccomp.default-errnoRet-unsupported', 'defaultErrnoRet on a default action without errno is an error', (t) => {
  t.mustRefuse((c) => (c.linux.seccomp = { ...SECCOMP([{ names: ['getpriority'], action: 'SCMP_ACT_ERRNO' }]), defaultAction: 'SCMP_ACT_ALLOW', defaultErrnoRet: 1 }), 'defaultErrnoRet with SCMP_ACT_ALLOW');
});

const seccompMissing: [string, (c: Json) => void][] = [
  ['defaultAction', (c) => delete c.linux.seccomp.defaultAction],
  ['names', (c) => delete c.linux.seccomp.syscalls[0].names],
  ['names-empty', (c) => (c.linux.seccomp.syscalls[0].names = [])],
  ['action', (c) => delete c.linux.seccomp.syscalls[0].action],
  ['index', (c) => delete c.linux.seccomp.syscalls[0].args[0].index],
  ['value', (c) => delete c.linux.seccomp.syscalls[0].args[0].value],
  ['op', (c) => delete c.linux.seccomp.syscalls[0].args[0].op],
];
for (const [field, edit] of seccompMissing) {
  test(`linux.seccomp.${field}-required`, `a seccomp profile without ${field} is an error`, (t) => {
    t.mustRefuse((c) => {
      c.linux.seccomp = SECCOMP([{ names: ['getpriority'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] }]);
      edit(c);
    }, `seccomp without ${field}`);
  });
}

test('linux.seccomp.listenerMetadata-without-path', 'listenerMetadata without listenerPath is an error', (t) => {
  t.mustRefuse((c) => (c.linux.seccomp = SECCOMP([{ names: ['getpriority'], action: 'SCMP_ACT_ERRNO' }], { listenerMetadata: 'x' })), 'listenerMetadata alone');
});

test('linux.seccomp.listener-unreachable', 'a listenerPath nobody listens on is an error', (t) => {
  t.mustRefuse((c) => (c.linux.seccomp = SECCOMP([{ names: ['acct'], action: 'SCMP_ACT_NOTIFY' }], { listenerPath: path.join(t.sb.dir, 'no-listener.sock') })), 'an unreachable listenerPath');
});

const AGENT = `
import json, socket, sys, array
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path); s.listen(4); s.settimeout(20)
conns = []
try:
    while True:
        c, _ = s.accept()
        c.settimeout(5)
        msgs = []
        while True:
            fds = array.array('i')
            data, anc, flags, _ = c.recvmsg(1 << 16, socket.CMSG_SPACE(16 * fds.itemsize))
            n = 0
            for level, typ, d in anc:
                if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                    fds.frombytes(d[:len(d) - (len(d) % fds.itemsize)])
            if not data and not anc:
                break
            msgs.append({'data': data.decode(), 'fds': len(fds)})
        conns.append(msgs)
        c.close()
        json.dump(conns, open(out, 'w'))
except socket.timeout:
    pass
`;

test('linux.seccomp.listener', 'SCMP_ACT_NOTIFY: one container process state per connection, fd by SCM_RIGHTS in the first message, connection closed', (t) => {
  const sock = path.join(t.sb.dir, 'agent.sock');
  const out = path.join(t.sb.dir, 'agent.json');
  fs.writeFileSync(path.join(t.sb.dir, 'agent.py'), AGENT);
  const agent = spawn('python3', [path.join(t.sb.dir, 'agent.py'), sock, out], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 200 && !fs.existsSync(sock); i++) sleep(10);
    if (!fs.existsSync(sock)) t.skip('python3 could not start the listener agent');
    let want = '';
    const b = t.sb.bundle((c) => {
      c.process.args = ['/probe'];
      c.linux.seccomp = SECCOMP([{ names: ['acct'], action: 'SCMP_ACT_NOTIFY' }], { listenerPath: sock, listenerMetadata: 'conf-meta' });
      want = c.linux.cgroupsPath;
    });
    void want;
    const id = t.sb.newId();
    const r = t.sb.create(id, b);
    if (r.code !== 0) t.fatal(`create failed: ${r.stderr.trim()}`);
    const pid = t.sb.state(id)?.pid;
    for (let i = 0; i < 300 && !fs.existsSync(out); i++) sleep(10);
    if (!fs.existsSync(out)) t.fatal('the agent received nothing');
    const conns = JSON.parse(fs.readFileSync(out, 'utf8')) as { data: string; fds: number }[][];
    t.eq(conns.length, 1, 'connections');
    const msgs = conns[0] ?? [];
    t.ok(msgs.length >= 1 && msgs[0].fds >= 1, `no fd in the first message: ${JSON.stringify(msgs.map((m) => m.fds))}`);
    t.ok(msgs.slice(1).every((m) => m.fds === 0), 'fds sent after the first message');
    let st: Json = {};
    try {
      st = JSON.parse(msgs.map((m) => m.data).join(''));
    } catch {
      t.fatal(`the payload is not JSON: ${msgs.map((m) => m.data).join('').slice(0, 200)}`);
    }
    t.ok(typeof st.ociVersion === 'string', 'ociVersion missing');
    t.ok(Array.isArray(st.fds) && st.fds.includes('seccompFd'), `fds: ${JSON.stringify(st.fds)}`);
    t.eq(st.pid, pid, 'pid');
    t.eq(st.metadata, 'conf-meta', 'metadata');
    t.eq(st.state?.id, id, 'state.id');
    t.eq(st.state?.bundle, b, 'state.bundle');
  } finally {
    agent.kill('SIGKILL');
  }
});

// ---- personality, intelRdt ----

test('linux.personality', 'personality LINUX32 is applied', (t) => {
  const f = t.probe((c) => (c.linux.personality = { domain: 'LINUX32' }));
  t.eq(String(f.proc.personality).trim(), '00000008', '/proc/self/personality');
});

test('linux.personality.domain-required', 'personality without domain is an error', (t) => {
  t.mustRefuse((c) => (c.linux.personality = { flags: [] }), 'personality without domain');
});

test('linux.intelRdt.no-resctrl', 'intelRdt without a mounted resctrl is an error', (t) => {
  if (fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(' - resctrl ')) t.skip('resctrl is mounted here');
  t.mustRefuse((c) => (c.linux.intelRdt = { closID: 'runts-conf' }), 'intelRdt with no resctrl');
});
