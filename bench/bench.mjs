#!/usr/bin/env node
// runts against runc, side by side in one run (`make bench`).
//
// Every sample is a pair: runts and runc run back to back (the order flips
// each repetition), so machine noise hits both. Reports min and median, their
// runts/runc ratios, and the issue's targets; writes the same as JSON to
// bench/results.json (or to stdout with --json) to compare across commits.
//
// Commands are run by bench/measure (C): a child subreaper that times each
// one from fork to reap and reads its peak RSS from wait4, and that becomes
// the parent of orphaned container inits, as containerd's shim does.
//
// Nothing is left behind: state under /tmp/runts-bench-*, cgroups under
// /runts-bench-*, every container force-deleted and every directory removed
// on exit, error, Ctrl-C or SIGTERM.
//
// usage: node bench/bench.mjs [--reps N] [--json] [--out FILE] [--runc PATH] [--runts PATH]
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const TOP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MEASURE = path.join(TOP, 'bench', 'build', 'measure');
const ROOTFS = path.join(TOP, 'bundles', 'busybox', 'rootfs');
const SAMPLE = path.join(TOP, 'bundles', 'busybox', 'config.json');
const SECCOMP_PROFILE = '/usr/share/containers/seccomp.json';

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
function opt(name, dflt) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
}
const REPS = Number(opt('--reps', process.env.BENCH_REPS ?? '20'));
const JSON_STDOUT = argv.includes('--json');
const OUT = opt('--out', path.join(TOP, 'bench', 'results.json'));
const RUNTS = opt('--runts', path.join(TOP, 'bin', 'runts'));
const RUNC = opt('--runc', ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => fs.existsSync(p)));
const PAR = 20;
const say = (s) => process.stderr.write(s + '\n');

if (!fs.existsSync(MEASURE)) throw new Error(`${MEASURE} is missing: run 'make bench'`);
if (!RUNC) throw new Error('runc is not installed (apt-get install runc)');
if (!fs.existsSync(path.join(ROOTFS, 'bin', 'busybox'))) throw new Error(`${ROOTFS} is missing: run 'make rootfs'`);

// ---------------------------------------------------------------- scratch
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-bench-'));
const CG_PARENT = '/' + path.basename(DIR);
const LOG = path.join(DIR, 'commands.log');
const RT = {
  runts: { name: 'runts', bin: RUNTS, root: path.join(DIR, 'runts-root') },
  runc: { name: 'runc', bin: RUNC, root: path.join(DIR, 'runc-root') },
};

// ---------------------------------------------------------------- measure
class Measure {
  constructor() {
    this.proc = spawn(MEASURE, [LOG], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = readline.createInterface({ input: this.proc.stdout });
    this.waiting = [];
    this.lines.on('line', (l) => this.waiting.shift()?.(l));
    this.exited = new Promise((r) => this.proc.on('exit', r));
  }
  async ask(...fields) {
    const line = await new Promise((resolve) => {
      this.waiting.push(resolve);
      this.proc.stdin.write(fields.join('\t') + '\n');
    });
    const [tag, ...rest] = line.split(' ');
    if (tag !== 'ok') throw new Error(`measure: ${line}`);
    return rest.map(Number);
  }
  /** runs argv; {ms, rssKb, status} */
  async x(...cmd) {
    const [ns, rss, status] = await this.ask('x', ...cmd);
    return { ms: ns / 1e6, rssKb: rss, status };
  }
  async close() {
    this.proc.stdin.end();
    await this.exited;
  }
}
const m = new Measure();

function logTail() {
  try {
    return fs.readFileSync(LOG, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

/** runs and insists on `want` (0 by default) */
async function must(what, cmd, want = 0) {
  const r = await m.x(...cmd);
  if (r.status !== want) throw new Error(`${what}: exit ${r.status} (wanted ${want}): ${cmd.join(' ')}\n${logTail()}`);
  return r;
}

const rt = (r, ...args) => [r.bin, '--root', r.root, ...args];

// ---------------------------------------------------------------- bundles
const sample = JSON.parse(fs.readFileSync(SAMPLE, 'utf8'));
function bundle(r, name, args, edit = () => {}) {
  const dir = path.join(DIR, 'bundles', r.name, name);
  fs.mkdirSync(dir, { recursive: true });
  const c = structuredClone(sample);
  c.root = { path: ROOTFS, readonly: true };
  c.process.args = args;
  c.linux.cgroupsPath = `${CG_PARENT}/${r.name}-${name}`;
  edit(c);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(c, null, 2));
  return dir;
}

/** podman's default profile (containers-common's format) in the OCI form podman gives runc, for x86_64 */
function podmanSeccomp(caps) {
  const p = JSON.parse(fs.readFileSync(SECCOMP_PROFILE, 'utf8'));
  const [kmaj, kmin] = os.release().split('.').map(Number);
  const kernelAtLeast = (v) => {
    const [a, b] = v.split('.').map(Number);
    return kmaj > a || (kmaj === a && kmin >= b);
  };
  const arch = p.archMap.find((a) => a.architecture === 'SCMP_ARCH_X86_64');
  const syscalls = [];
  for (const s of p.syscalls) {
    const inc = s.includes ?? {};
    const exc = s.excludes ?? {};
    if (inc.arches?.length && !inc.arches.includes('amd64')) continue;
    if (exc.arches?.includes('amd64')) continue;
    if (inc.caps?.length && !inc.caps.every((c) => caps.includes(c))) continue;
    if (exc.caps?.some((c) => caps.includes(c))) continue;
    if (inc.minKernel && !kernelAtLeast(inc.minKernel)) continue;
    const out = { names: s.names, action: s.action };
    if (s.errnoRet !== undefined) out.errnoRet = s.errnoRet;
    if (s.args?.length) out.args = s.args.map(({ index, value, valueTwo, op }) => ({ index, value, valueTwo, op }));
    syscalls.push(out);
  }
  const seccomp = {
    defaultAction: p.defaultAction,
    architectures: [arch.architecture, ...arch.subArchitectures],
    syscalls,
  };
  if (p.defaultErrnoRet !== undefined) seccomp.defaultErrnoRet = p.defaultErrnoRet;
  return seccomp;
}

// ---------------------------------------------------------------- cleanup
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const r of Object.values(RT)) {
    if (!fs.existsSync(r.root)) continue;
    const ids = spawnSync(r.bin, ['--root', r.root, 'list', '-q'], { encoding: 'utf8' }).stdout ?? '';
    for (const id of ids.split('\n').filter(Boolean)) await m.x(...rt(r, 'delete', '--force', id)).catch(() => {});
  }
  await m.close();
  for (const h of fs.existsSync('/sys/fs/cgroup') ? fs.readdirSync('/sys/fs/cgroup') : []) {
    const parent = path.join('/sys/fs/cgroup', h, CG_PARENT);
    if (!fs.existsSync(parent)) continue;
    for (const child of fs.readdirSync(parent, { withFileTypes: true })) {
      if (child.isDirectory()) tryRmdir(path.join(parent, child.name));
    }
    tryRmdir(parent);
  }
  fs.rmSync(DIR, { recursive: true, force: true });
}
function tryRmdir(p) {
  try {
    fs.rmdirSync(p);
  } catch {
    // gone already, or not ours
  }
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    say(`\n${sig}: cleaning up`);
    cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- stats
const min = (xs) => Math.min(...xs);
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
const summary = (xs) => (xs.length ? { min: min(xs), median: median(xs), n: xs.length, samples: xs } : null);

// ---------------------------------------------------------------- scenarios
const samples = {}; // key -> runtime -> number[]
function add(key, who, v) {
  ((samples[key] ??= {})[who] ??= []).push(v);
}
const order = (rep) => (rep % 2 ? [RT.runc, RT.runts] : [RT.runts, RT.runc]);

async function detect() {
  const features = {};
  features.exec = spawnSync(RUNTS, ['exec', '--help'], { stdio: 'ignore' }).status === 0;
  // seccomp counts as implemented only when a filter is enforced: chdir is
  // refused, so the shell exits 42; an ignored section would let it exit 0
  const probe = bundle(RT.runts, 'seccomp-probe', ['sh', '-c', 'cd /proc || exit 42'], (c) => {
    c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['chdir'], action: 'SCMP_ACT_ERRNO' }] };
  });
  const r = await m.x(...rt(RT.runts, 'run', '--bundle', probe, 'bench-seccomp-probe'));
  features.seccomp = r.status === 42;
  features.seccompProfile = fs.existsSync(SECCOMP_PROFILE);
  return features;
}

async function main() {
  say(`runts-bench: ${REPS} repetitions, scratch ${DIR}, cgroups ${CG_PARENT}`);
  const features = await detect();
  say(`features: exec ${features.exec ? 'yes' : 'no'}, seccomp ${features.seccomp ? 'yes' : 'no'}${features.seccompProfile ? '' : ` (no ${SECCOMP_PROFILE})`}`);

  const b = {};
  for (const r of Object.values(RT)) {
    b[r.name] = {
      true: bundle(r, 'true', ['/bin/true']),
      sleep: bundle(r, 'sleep', ['sleep', '100000']),
      mem: bundle(r, 'mem', ['sleep', '100000']),
      par: Array.from({ length: PAR }, (_, i) => bundle(r, `par-${i}`, ['/bin/true'])),
    };
    if (features.seccomp && features.seccompProfile) {
      b[r.name].seccomp = bundle(r, 'seccomp', ['/bin/true'], (c) => {
        c.linux.seccomp = podmanSeccomp(c.process.capabilities.bounding);
      });
    }
  }
  const parDir = (r) => path.join(DIR, 'bundles', r.name, 'par-%i');

  // memory first, while no other container is our child: a created init's
  // anonymous memory, the started container's, and any runtime process left
  say('memory: created and running containers');
  for (let rep = 0; rep < 3; rep++) {
    for (const r of order(rep)) {
      const id = `bench-mem-${rep}`;
      const pidFile = path.join(DIR, `${r.name}-mem.pid`);
      await must('create', rt(r, 'create', '--bundle', b[r.name].mem, '--pid-file', pidFile, id));
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      const [createdAnon, createdRss, createdOthers] = await m.ask('mem', pid);
      await must('start', rt(r, 'start', id));
      const [runningAnon, , runningOthers] = await m.ask('mem', pid);
      await must('kill', rt(r, 'kill', id, 'KILL'));
      await m.ask('wait', pid, 5000);
      await must('delete', rt(r, 'delete', id));
      add('mem.createdAnon', r.name, createdAnon);
      add('mem.createdRss', r.name, createdRss);
      add('mem.runningAnon', r.name, runningAnon);
      add('mem.leftCreated', r.name, createdOthers);
      add('mem.leftRunning', r.name, runningOthers);
    }
  }

  // a running container per runtime for state and exec
  for (const r of Object.values(RT)) {
    await must('create', rt(r, 'create', '--bundle', b[r.name].sleep, 'bench-sleep'));
    await must('start', rt(r, 'start', 'bench-sleep'));
  }

  const nodeEnv = { ...process.env };
  delete nodeEnv.NODE_EXTRA_CA_CERTS;
  const nodeFloor = ['env', '-u', 'NODE_EXTRA_CA_CERTS', process.execPath, '-e', '0'];

  for (let rep = 0; rep < REPS; rep++) {
    process.stderr.write(`\rrepetition ${rep + 1}/${REPS}`);
    // the floor, between the runtimes' samples
    const n = await must('node', nodeFloor);
    add('node', 'node', n.ms);
    add('nodeRss', 'node', n.rssKb);

    for (const r of order(rep)) {
      const run = await must('run', rt(r, 'run', '--bundle', b[r.name].true, `bench-run-${rep}`));
      add('run', r.name, run.ms);

      // containerd's sequence, each step a new process; the shim waits for the init
      const id = `bench-life-${rep}`;
      const pidFile = path.join(DIR, `${r.name}-life.pid`);
      const c = await must('create', rt(r, 'create', '--bundle', b[r.name].true, '--pid-file', pidFile, id));
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      const s = await must('start', rt(r, 'start', id));
      const [waitNs, st] = await m.ask('wait', pid, 10000);
      if (st !== 0) throw new Error(`${r.name} lifecycle: the container exited ${st}`);
      const d = await must('delete', rt(r, 'delete', id));
      add('create', r.name, c.ms);
      add('start', r.name, s.ms);
      add('delete', r.name, d.ms);
      add('lifecycle', r.name, c.ms + s.ms + waitNs / 1e6 + d.ms);
      add('createRss', r.name, c.rssKb);

      const st2 = await must('state', rt(r, 'state', 'bench-sleep'));
      add('state', r.name, st2.ms);

      if (features.exec) {
        const e = await must('exec', rt(r, 'exec', 'bench-sleep', '/bin/true'));
        add('exec', r.name, e.ms);
      }
      if (b[r.name].seccomp) {
        const sc = await must('seccomp run', rt(r, 'run', '--bundle', b[r.name].seccomp, `bench-seccomp-${rep}`));
        add('seccomp', r.name, sc.ms);
      }
      // the parallel burst is the slowest row: a third of the repetitions
      if (rep % 3 === 0) {
        const [ns, , failed] = await m.ask('par', PAR, ...rt(r, 'run', '--bundle', parDir(r), `bench-par-%i-${rep}`));
        if (failed) throw new Error(`${r.name}: ${failed} of ${PAR} parallel runs failed\n${logTail()}`);
        add('par', r.name, ns / 1e6);
      }
    }
  }
  process.stderr.write('\n');
  for (const r of Object.values(RT)) {
    await must('delete', rt(r, 'delete', '--force', 'bench-sleep'));
  }
  return { features, nodeEnvDropped: true };
}

// ---------------------------------------------------------------- report
function row(name, key, a, bKey, bWho, target, unit = 'ms', note = '') {
  const A = summary(samples[key]?.[a] ?? []);
  const B = summary(samples[bKey]?.[bWho] ?? []);
  const r = { name, unit, target, note, a: a, b: bWho, [a]: A, [bWho]: B };
  if (A && B) r.ratio = { min: A.min / B.min, median: A.median / B.median };
  return r;
}

function report(info) {
  const f = info.features;
  const na = 'n/a (not implemented yet)';
  const rows = [
    row('run /bin/true', 'run', 'runts', 'run', 'runc', 1.5),
    row('lifecycle: create, start, wait, delete', 'lifecycle', 'runts', 'lifecycle', 'runc', 2),
    row('  create', 'create', 'runts', 'create', 'runc'),
    row('  start', 'start', 'runts', 'start', 'runc'),
    row('  delete', 'delete', 'runts', 'delete', 'runc'),
    row('state (running)', 'state', 'runts', 'state', 'runc'),
    row('state vs bare `node -e 0`', 'state', 'runts', 'node', 'node', 1.25),
    { ...row('exec /bin/true', 'exec', 'runts', 'exec', 'runc', 1.5), note: f.exec ? '' : na },
    row(`${PAR} x run in parallel (wall)`, 'par', 'runts', 'par', 'runc'),
    {
      ...row('run with podman seccomp profile', 'seccomp', 'runts', 'seccomp', 'runc'),
      note: !f.seccomp ? na : f.seccompProfile ? '' : `n/a (${SECCOMP_PROFILE} missing)`,
    },
    row('peak RSS of create', 'createRss', 'runts', 'createRss', 'runc', undefined, 'MB'),
    row('peak RSS of create vs `node -e 0`', 'createRss', 'runts', 'nodeRss', 'node', 1.2, 'MB'),
    row('init anon memory while created', 'mem.createdAnon', 'runts', 'mem.createdAnon', 'runc', undefined, 'kB'),
    row('container anon memory running', 'mem.runningAnon', 'runts', 'mem.runningAnon', 'runc', undefined, 'kB'),
    row('runtime processes left: created', 'mem.leftCreated', 'runts', 'mem.leftCreated', 'runc', 0, 'procs'),
    row('runtime processes left: running', 'mem.leftRunning', 'runts', 'mem.leftRunning', 'runc', 0, 'procs'),
  ];
  return rows;
}

function fmt(v, unit) {
  if (v === undefined || v === null) return '-';
  if (unit === 'MB') return (v / 1024).toFixed(1);
  if (unit === 'procs' || unit === 'kB') return String(Math.round(v));
  return v.toFixed(1);
}

function table(rows) {
  const head = ['benchmark', 'unit', 'runts min', 'runts med', 'other', 'min', 'med', 'ratio min', 'ratio med', 'target'];
  const lines = rows.map((r) => {
    const A = r[r.a];
    const B = r[r.b];
    if (r.note) return [r.name, '', r.note, '', '', '', '', '', '', r.target ? `<= ${r.target}x` : ''];
    let target = '';
    if (r.unit === 'procs') target = r.target === 0 ? (A && A.median === 0 ? 'zero: ok' : 'zero: MISSED') : '';
    else if (r.target && r.ratio) target = `<= ${r.target}x: ${r.ratio.median <= r.target ? 'ok' : 'MISSED'}`;
    else if (r.target) target = `<= ${r.target}x`;
    const ratio = (x) => (r.unit === 'procs' || !r.ratio ? '-' : x.toFixed(2) + 'x');
    return [
      r.name,
      r.unit,
      fmt(A?.min, r.unit),
      fmt(A?.median, r.unit),
      r.b,
      fmt(B?.min, r.unit),
      fmt(B?.median, r.unit),
      r.ratio ? ratio(r.ratio.min) : '-',
      r.ratio ? ratio(r.ratio.median) : '-',
      target,
    ];
  });
  const all = [head, ...lines];
  const w = head.map((_, i) => Math.max(...all.map((l) => String(l[i]).length)));
  const fmtLine = (l) => '| ' + l.map((c, i) => String(c).padEnd(w[i])).join(' | ') + ' |';
  return [fmtLine(head), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...lines.map(fmtLine)].join('\n');
}

function machine() {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1];
  const git = (args) => spawnSync('git', args, { cwd: TOP, encoding: 'utf8' }).stdout?.trim();
  return {
    date: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: Boolean(git(['status', '--porcelain', '--untracked-files=no'])),
    cpu,
    cpus: os.cpus().length,
    memMB: Math.round(os.totalmem() / 2 ** 20),
    kernel: os.release(),
    node: process.version,
    runc: spawnSync(RUNC, ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0],
    loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
    reps: REPS,
  };
}

let exitCode = 0;
try {
  const info = await main();
  const rows = report(info);
  const result = { machine: machine(), features: info.features, rows };
  const mc = result.machine;
  const text =
    `runts vs ${mc.runc}, ${mc.date.slice(0, 10)}, ${mc.cpus} x ${mc.cpu}, kernel ${mc.kernel}, node ${mc.node}, ` +
    `commit ${mc.commit}${mc.dirty ? '+dirty' : ''}, ${REPS} repetitions, load ${mc.loadavg.join(' ')}\n` +
    `times in ms from fork to reaped exit; \`node -e 0\` without NODE_EXTRA_CA_CERTS\n\n` +
    table(rows) +
    '\n';
  if (JSON_STDOUT) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(text);
  if (OUT !== '-') fs.writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
  if (!JSON_STDOUT) say(`results: ${OUT}`);
} catch (e) {
  say(`runts-bench: ${e.message ?? e}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exitCode = exitCode;
