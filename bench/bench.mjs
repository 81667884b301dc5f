#!/usr/bin/env node
// runts against runc, side by side in one run (`make bench`): the compiled
// executable (bin/runts), the node launcher of the same bundle
// (bin/runts-node), runc, and crun when it is installed and runs here.
//
// Every repetition runs each scenario once per runtime, back to back, the
// order rotated each repetition, so machine noise hits them all. Reports min
// and median, the ratios of medians to runc, and the targets of issue 21
// marked met or missed; writes the same as JSON to bench/results.json (or to
// stdout with --json) to compare across commits, and with --readme FILE puts
// the table in that file between its bench markers.
//
// Commands are run by bench/measure (C): a child subreaper that times each
// one from fork to reap and reads its peak RSS from wait4, and that becomes
// the parent of orphaned container inits, as containerd's shim does.
//
// Nothing is left behind: state under /tmp/runts-bench-*, cgroups under
// /runts-bench-*, every container force-deleted and every directory removed
// on exit, error, Ctrl-C or SIGTERM.
//
// usage: node bench/bench.mjs [--reps N] [--json] [--out FILE] [--readme FILE]
//          [--runc PATH] [--runts PATH] [--runts-node PATH] [--crun PATH|none]
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const TOP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MEASURE = path.join(TOP, 'bench', 'build', 'measure');
// an empty program compiled as dist/runts is: Bun's own start, the floor
const BUN_EMPTY = path.join(TOP, 'bench', 'build', 'bun-empty');
const ROOTFS = path.join(TOP, 'bundles', 'busybox', 'rootfs');
const SAMPLE = path.join(TOP, 'bundles', 'busybox', 'config.json');
const SECCOMP_PROFILE = '/usr/share/containers/seccomp.json';
const README_BEGIN = '<!-- bench:begin (written by make bench) -->';
const README_END = '<!-- bench:end -->';

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
function opt(name, dflt) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
}
const REPS = Number(opt('--reps', process.env.BENCH_REPS ?? '20'));
const JSON_STDOUT = argv.includes('--json');
const OUT = opt('--out', path.join(TOP, 'bench', 'results.json'));
const README = opt('--readme', undefined);
const RUNTS = opt('--runts', path.join(TOP, 'bin', 'runts'));
const RUNTS_NODE = opt('--runts-node', path.join(TOP, 'bin', 'runts-node'));
const RUNC = opt('--runc', ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => fs.existsSync(p)));
const CRUN_OPT = opt('--crun', ['/usr/bin/crun', '/usr/sbin/crun'].find((p) => fs.existsSync(p)) ?? 'none');
const PAR = 20;
const say = (s) => process.stderr.write(s + '\n');

if (!fs.existsSync(MEASURE)) throw new Error(`${MEASURE} is missing: run 'make bench'`);
if (!RUNC) throw new Error('runc is not installed (apt-get install runc)');
if (!fs.existsSync(path.join(ROOTFS, 'bin', 'busybox'))) throw new Error(`${ROOTFS} is missing: run 'make rootfs'`);

// ---------------------------------------------------------------- scratch
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'runts-bench-'));
const CG_PARENT = '/' + path.basename(DIR);
const LOG = path.join(DIR, 'commands.log');
const runtime = (name, bin) => ({ name, bin, root: path.join(DIR, `${name}-root`) });
/** every runtime measured; crun joins when its probe run works */
const RT = [runtime('runts', RUNTS), runtime('runts-node', RUNTS_NODE), runtime('runc', RUNC)];
const CANDIDATES = ['runts', 'runts-node'];
let crunNote = CRUN_OPT === 'none' ? 'not installed' : '';

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

// ---------------------------------------------------------------- samples
const samples = {}; // key -> runtime -> number[]
function add(key, who, v) {
  ((samples[key] ??= {})[who] ??= []).push(v);
}

/** runs and insists on `want` (0 by default); every runtime command's peak RSS is kept */
async function must(what, cmd, want = 0, who) {
  const r = await m.x(...cmd);
  if (r.status !== want) throw new Error(`${what}: exit ${r.status} (wanted ${want}): ${cmd.join(' ')}\n${logTail()}`);
  if (who) {
    add('peakRss', who, r.rssKb);
    // per command too (in results.json): which one is the peak
    add(`rss.${what}`, who, r.rssKb);
  }
  return r;
}

const rt = (r, ...args) => [r.bin, '--root', r.root, ...args];

// ---------------------------------------------------------------- bundles
const sample = JSON.parse(fs.readFileSync(SAMPLE, 'utf8'));
function bundle(r, name, args, edit = () => {}) {
  const dir = path.join(DIR, 'bundles', r.name, name);
  fs.mkdirSync(dir, { recursive: true });
  const c = structuredClone(sample);
  // crun 1.8 knows spec versions up to 1.0.x; the fields used here are the same
  if (r.name === 'crun') c.ociVersion = '1.0.2';
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
  for (const r of RT) {
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
const summary = (xs) => (xs?.length ? { min: min(xs), median: median(xs), max: Math.max(...xs), n: xs.length, samples: xs } : null);

// ---------------------------------------------------------------- scenarios
/** the runtimes in a different order each repetition */
const order = (rep) => RT.map((_, i) => RT[(i + rep) % RT.length]);

async function detect() {
  const features = {};
  features.exec = spawnSync(RUNTS, ['exec', '--help'], { stdio: 'ignore' }).status === 0;
  // seccomp counts as implemented only when a filter is enforced: chdir is
  // refused, so the shell exits 42; an ignored section would let it exit 0
  const probe = bundle(RT[0], 'seccomp-probe', ['sh', '-c', 'cd /proc || exit 42'], (c) => {
    c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['chdir'], action: 'SCMP_ACT_ERRNO' }] };
  });
  const r = await m.x(...rt(RT[0], 'run', '--bundle', probe, 'bench-seccomp-probe'));
  features.seccomp = r.status === 42;
  features.seccompProfile = fs.existsSync(SECCOMP_PROFILE);
  if (CRUN_OPT !== 'none') {
    const crun = runtime('crun', CRUN_OPT);
    const before = fs.existsSync(LOG) ? fs.statSync(LOG).size : 0;
    const c = await m.x(...rt(crun, 'run', '--bundle', bundle(crun, 'probe', ['/bin/true']), 'bench-crun-probe'));
    if (c.status === 0) RT.push(crun);
    else crunNote = `does not run here: ${fs.readFileSync(LOG, 'utf8').slice(before).trim().split('\n').pop()}`;
  }
  return features;
}

async function main() {
  say(`runts-bench: ${REPS} repetitions, scratch ${DIR}, cgroups ${CG_PARENT}`);
  const features = await detect();
  say(`features: exec ${features.exec ? 'yes' : 'no'}, seccomp ${features.seccomp ? 'yes' : 'no'}${features.seccompProfile ? '' : ` (no ${SECCOMP_PROFILE})`}; crun: ${crunNote || 'yes'}`);

  const b = {};
  for (const r of RT) {
    b[r.name] = {
      true: bundle(r, 'true', ['/bin/true']),
      // one cgroup each: deleting a container empties its cgroup
      sleep: bundle(r, 'sleep', ['sleep', '100000']),
      life: bundle(r, 'life', ['sleep', '100000']),
      mem: bundle(r, 'mem', ['sleep', '100000']),
      par: Array.from({ length: PAR }, (_, i) => bundle(r, `par-${i}`, ['/bin/true'])),
    };
    if (features.seccomp && features.seccompProfile) {
      b[r.name].seccomp = bundle(r, 'seccomp', ['/bin/true'], (c) => {
        c.linux.seccomp = podmanSeccomp(c.process.capabilities.bounding);
      });
      // Kubernetes' allowPrivilegeEscalation=false: the filter is loaded late
      b[r.name].memNnp = bundle(r, 'mem-nnp', ['sleep', '100000'], (c) => {
        c.process.noNewPrivileges = true;
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
      await must('create', rt(r, 'create', '--bundle', b[r.name].mem, '--pid-file', pidFile, id), 0, r.name);
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      const [createdAnon, createdRss, createdOthers] = await m.ask('mem', pid);
      await must('start', rt(r, 'start', id), 0, r.name);
      const [runningAnon, , runningOthers] = await m.ask('mem', pid);
      await must('kill', rt(r, 'kill', id, 'KILL'), 0, r.name);
      await m.ask('wait', pid, 5000);
      await must('delete', rt(r, 'delete', id), 0, r.name);
      add('mem.createdAnon', r.name, createdAnon);
      add('mem.createdRss', r.name, createdRss);
      add('mem.runningAnon', r.name, runningAnon);
      add('mem.leftCreated', r.name, createdOthers);
      add('mem.leftRunning', r.name, runningOthers);
      if (b[r.name].memNnp) {
        // the same for a created container whose filter is loaded late
        await must('create', rt(r, 'create', '--bundle', b[r.name].memNnp, '--pid-file', pidFile, id), 0, r.name);
        const nnpPid = Number(fs.readFileSync(pidFile, 'utf8'));
        const [nnpAnon] = await m.ask('mem', nnpPid);
        await must('kill', rt(r, 'kill', id, 'KILL'), 0, r.name);
        await m.ask('wait', nnpPid, 5000);
        await must('delete', rt(r, 'delete', id), 0, r.name);
        add('mem.createdAnonNnp', r.name, nnpAnon);
      }
    }
  }

  // a running container per runtime for state and exec
  for (const r of RT) {
    await must('create', rt(r, 'create', '--bundle', b[r.name].sleep, 'bench-sleep'), 0, r.name);
    await must('start', rt(r, 'start', 'bench-sleep'), 0, r.name);
  }

  const nodeFloor = ['env', '-u', 'NODE_EXTRA_CA_CERTS', process.execPath, '-e', '0'];
  for (let rep = 0; rep < REPS; rep++) {
    process.stderr.write(`\rrepetition ${rep + 1}/${REPS}`);
    // the engines' own start, between the runtimes' samples
    add('floor.node', 'node', (await must('node', nodeFloor)).ms);
    if (fs.existsSync(BUN_EMPTY)) add('floor.bun', 'bun', (await must('bun', [BUN_EMPTY])).ms);

    for (const r of order(rep)) {
      const run = await must('run', rt(r, 'run', '--bundle', b[r.name].true, `bench-run-${rep}`), 0, r.name);
      add('run', r.name, run.ms);

      // containerd's sequence, each step a new process; the shim waits for the init
      const id = `bench-life-${rep}`;
      const pidFile = path.join(DIR, `${r.name}-life.pid`);
      const c = await must('create', rt(r, 'create', '--bundle', b[r.name].life, '--pid-file', pidFile, id), 0, r.name);
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      const s = await must('start', rt(r, 'start', id), 0, r.name);
      const k = await must('kill', rt(r, 'kill', id, 'KILL'), 0, r.name);
      const [, st] = await m.ask('wait', pid, 10000);
      if (st !== 128 + 9) throw new Error(`${r.name} lifecycle: the container ended with ${st}, not SIGKILL`);
      const d = await must('delete', rt(r, 'delete', id), 0, r.name);
      add('create', r.name, c.ms);
      add('start', r.name, s.ms);
      add('kill', r.name, k.ms);
      add('delete', r.name, d.ms);
      add('csd', r.name, c.ms + s.ms + d.ms);

      add('state', r.name, (await must('state', rt(r, 'state', 'bench-sleep'), 0, r.name)).ms);

      if (features.exec) add('exec', r.name, (await must('exec', rt(r, 'exec', 'bench-sleep', '/bin/true'), 0, r.name)).ms);
      if (b[r.name].seccomp) {
        const sc = await must('seccomp run', rt(r, 'run', '--bundle', b[r.name].seccomp, `bench-seccomp-${rep}`), 0, r.name);
        add('seccomp', r.name, sc.ms);
      }
      // the parallel burst is the slowest row: a third of the repetitions
      if (rep % 3 === 0) {
        const [ns, rss, failed] = await m.ask('par', PAR, ...rt(r, 'run', '--bundle', parDir(r), `bench-par-%i-${rep}`));
        if (failed) throw new Error(`${r.name}: ${failed} of ${PAR} parallel runs failed\n${logTail()}`);
        add('par', r.name, ns / 1e6);
        add('peakRss', r.name, rss);
      }
    }
  }
  process.stderr.write('\n');
  for (const r of RT) await must('delete', rt(r, 'delete', '--force', 'bench-sleep'), 0, r.name);
  return { features };
}

// ---------------------------------------------------------------- report
// issue 21's targets: a ratio of medians to runc's, an absolute bound, or zero
const ROWS = [
  { name: 'run /bin/true', key: 'run', ratio: 1.1 },
  { name: 'exec /bin/true', key: 'exec', ratio: 1.1, needs: 'exec' },
  { name: 'create', key: 'create', ratio: 0.9 },
  { name: 'create+start+delete (3 calls)', key: 'csd', ratio: 1.4 },
  { name: 'start', key: 'start', ratio: 2.0 },
  { name: 'kill', key: 'kill', ratio: 2.0 },
  { name: 'delete', key: 'delete', ratio: 2.0 },
  { name: 'state (running)', key: 'state', ratio: 2.0 },
  { name: `${PAR} x run in parallel (wall)`, key: 'par', ratio: 1.2 },
  { name: 'run, podman seccomp profile', key: 'seccomp', ratio: 1.2, needs: 'seccomp' },
  { name: 'peak RSS, any command', key: 'peakRss', unit: 'MB', stat: 'max', atMost: 45 * 1024 },
  { name: 'init anon memory, created', key: 'mem.createdAnon', unit: 'kB', ratio: 1.0 },
  { name: 'init anon memory, created, NNP + podman seccomp', key: 'mem.createdAnonNnp', unit: 'kB', ratio: 1.0, needs: 'seccomp' },
  { name: 'container anon memory, running', key: 'mem.runningAnon', unit: 'kB' },
  { name: 'runtime processes left: created', key: 'mem.leftCreated', unit: 'procs', stat: 'max', atMost: 0 },
  { name: 'runtime processes left: running', key: 'mem.leftRunning', unit: 'procs', stat: 'max', atMost: 0 },
];

function evaluate(features) {
  return ROWS.map((row) => {
    const unit = row.unit ?? 'ms';
    const stat = row.stat ?? 'median';
    const per = {};
    for (const r of RT) per[r.name] = summary(samples[row.key]?.[r.name]);
    const out = { name: row.name, key: row.key, unit, stat, target: null, runtimes: per, verdict: {}, ratio: {} };
    if (row.needs && !features[row.needs]) out.note = 'n/a (not implemented yet)';
    if (row.needs === 'seccomp' && !features.seccompProfile) out.note = `n/a (${SECCOMP_PROFILE} missing)`;
    if (row.ratio !== undefined) out.target = `<= ${row.ratio.toFixed(1)}x runc`;
    if (row.atMost !== undefined) out.target = unit === 'MB' ? `<= ${row.atMost / 1024} MB` : `<= ${row.atMost}`;
    for (const who of [...CANDIDATES, 'crun']) {
      const A = per[who];
      const R = per.runc;
      if (!A) continue;
      if (R && R[stat] > 0) out.ratio[who] = A[stat] / R[stat];
      if (who === 'crun' || out.note) continue;
      if (row.ratio !== undefined && out.ratio[who] !== undefined) out.verdict[who] = out.ratio[who] <= row.ratio ? 'met' : 'MISSED';
      if (row.atMost !== undefined) out.verdict[who] = A[stat] <= row.atMost ? 'met' : 'MISSED';
    }
    return out;
  });
}

function fmt(v, unit) {
  if (v === undefined || v === null) return '-';
  if (unit === 'MB') return (v / 1024).toFixed(1);
  if (unit === 'procs' || unit === 'kB') return String(Math.round(v));
  return v.toFixed(1);
}

function table(rows) {
  const hasCrun = RT.some((r) => r.name === 'crun');
  const head = ['benchmark', 'unit', 'runc min', 'runc med', 'runts min', 'runts med', 'runts/runc', 'runts-node med', 'node/runc', 'target', 'runts', 'runts-node'];
  if (hasCrun) head.push('crun med', 'crun/runc');
  const ratio = (r, who) => (r.ratio[who] === undefined || r.unit === 'procs' ? '-' : r.ratio[who].toFixed(2) + 'x');
  const val = (r, who, s) => fmt(r.runtimes[who]?.[s], r.unit);
  const lines = rows.map((r) => {
    const s = r.stat;
    const line = r.note
      ? [r.name, r.unit, '', '', r.note, '', '', '', '', r.target ?? '', '', '']
      : [
          r.name,
          r.unit,
          s === 'max' ? '' : val(r, 'runc', 'min'),
          val(r, 'runc', s),
          s === 'max' ? '' : val(r, 'runts', 'min'),
          val(r, 'runts', s),
          ratio(r, 'runts'),
          val(r, 'runts-node', s),
          ratio(r, 'runts-node'),
          r.target ?? '',
          r.verdict.runts ?? '',
          r.verdict['runts-node'] ?? '',
        ];
    if (hasCrun) line.push(r.note ? '' : val(r, 'crun', s), r.note ? '' : ratio(r, 'crun'));
    return line;
  });
  const all = [head, ...lines];
  const w = head.map((_, i) => Math.max(...all.map((l) => String(l[i]).length)));
  const fmtLine = (l) => '| ' + l.map((c, i) => String(c).padEnd(w[i])).join(' | ') + ' |';
  return [fmtLine(head), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...lines.map(fmtLine)].join('\n');
}

function machine(loadBefore) {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1];
  const git = (args) => spawnSync('git', args, { cwd: TOP, encoding: 'utf8' }).stdout?.trim();
  const version = (bin, args) => spawnSync(bin, args, { encoding: 'utf8' }).stdout?.split('\n')[0];
  return {
    date: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: Boolean(git(['status', '--porcelain', '--untracked-files=no'])),
    cpu,
    cpus: os.cpus().length,
    memMB: Math.round(os.totalmem() / 2 ** 20),
    kernel: os.release(),
    node: process.version,
    bun: version(path.join(TOP, 'node_modules', '.bin', 'bun'), ['--version']),
    runc: version(RUNC, ['--version']),
    crun: CRUN_OPT !== 'none' ? version(CRUN_OPT, ['--version']) : undefined,
    crunNote,
    loadavgBefore: loadBefore,
    loadavgAfter: os.loadavg().map((x) => Number(x.toFixed(2))),
    reps: REPS,
  };
}

function text(result) {
  const mc = result.machine;
  const floor = (k, who) => summary(samples[k]?.[who]);
  const bun = floor('floor.bun', 'bun');
  const node = floor('floor.node', 'node');
  const ms = (s) => (s ? `${s.min.toFixed(1)}/${s.median.toFixed(1)} ms` : 'n/a');
  return (
    `${mc.date.slice(0, 10)}, commit ${mc.commit}${mc.dirty ? '+dirty' : ''}: ${mc.cpus} x ${mc.cpu}, ${Math.round(mc.memMB / 1024)} GB, kernel ${mc.kernel}; ` +
    `${mc.runc}, bun ${mc.bun}, node ${mc.node}; crun: ${mc.crun && !mc.crunNote ? mc.crun : mc.crunNote}\n` +
    `${REPS} repetitions, interleaved; load average ${mc.loadavgBefore.join(' ')} before, ${mc.loadavgAfter.join(' ')} after\n` +
    `times in ms from fork to reaped exit (min, median); ratios of medians to runc; runts = dist/runts (bin/runts), runts-node = bin/runts-node\n` +
    `engines' own start (min/median): empty Bun executable ${ms(bun)}, \`node -e 0\` ${ms(node)}\n\n` +
    table(result.rows) +
    '\n'
  );
}

/** puts the table between the README's bench markers */
function intoReadme(file, body) {
  const src = fs.readFileSync(file, 'utf8');
  const a = src.indexOf(README_BEGIN);
  const b = src.indexOf(README_END);
  if (a < 0 || b < a) throw new Error(`${file}: no "${README_BEGIN}" ... "${README_END}" markers`);
  fs.writeFileSync(file, src.slice(0, a + README_BEGIN.length) + '\n```\n' + body + '```\n' + src.slice(b));
}

let exitCode = 0;
const loadBefore = os.loadavg().map((x) => Number(x.toFixed(2)));
try {
  const info = await main();
  const rssByCommand = {};
  for (const [k, per] of Object.entries(samples)) {
    if (!k.startsWith('rss.')) continue;
    for (const [who, xs] of Object.entries(per)) (rssByCommand[who] ??= {})[k.slice(4)] = Math.max(...xs);
  }
  const result = { machine: machine(loadBefore), features: info.features, runtimes: RT.map((r) => r.name), rows: evaluate(info.features), peakRssKbByCommand: rssByCommand };
  const body = text(result);
  if (JSON_STDOUT) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(body);
  if (OUT !== '-') fs.writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
  if (README) intoReadme(README, body);
  if (!JSON_STDOUT) say(`results: ${OUT}${README ? `, table in ${README}` : ''}`);
} catch (e) {
  say(`runts-bench: ${e.message ?? e}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exitCode = exitCode;
