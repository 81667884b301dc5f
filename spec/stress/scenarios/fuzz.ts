// Hostile config.json and `exec --process` files (spec/stress/fuzz): FUZZ_RUNS
// cases (10,000 in CI) from the fixed seed FUZZ_SEED. Each goes through the
// CLI's validation and plan in this process (fuzz/check.ts says why); those
// that pass run through bin/runts for real (create, start, delete; exec into
// a running container), and a sample of the refusals goes through bin/runts
// too and must print the same words. Nothing may crash, print a stack or a
// JS error, refuse without naming a JSON pointer, or leave anything behind.
// Failing cases are written to .stress/fuzz-failures/ (gitignored) to replay.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ROOTFS, SAMPLE_CONFIG, TOP, type Json } from '../../lib/harness';
import { checkConfig, checkProcess, type Running, type Verdict } from '../fuzz/check';
import { applyMutations, hostileCase, render, type Guard } from '../fuzz/mutate';
import { JS_ERROR_TEXT, message, pool, type Area, type Result, type Scenario } from '../lib';

const FAILURES_DIR = path.join(TOP, '.stress', 'fuzz-failures');
/** how many refusals go through bin/runts as well, at most */
const REFUSAL_SAMPLE = 100;

function baseConfigs(a: Area, rootfs: string): Json[] {
  const sample = JSON.parse(fs.readFileSync(SAMPLE_CONFIG, 'utf8')) as Json;
  sample.root.path = rootfs;
  sample.process.args = ['true'];
  sample.linux.cgroupsPath = `${a.cgroupParent}/fz`;
  const rich = structuredClone(sample);
  const bindSource = path.join(a.dir, 'bind-source');
  fs.mkdirSync(bindSource, { recursive: true });
  rich.mounts.push({ destination: '/mnt', type: 'bind', source: bindSource, options: ['rbind', 'ro'] });
  rich.process.user.additionalGids = [1, 2];
  rich.process.oomScoreAdj = 100;
  rich.process.env.push('A=b');
  rich.linux.resources = {
    devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' }],
    memory: { limit: 67108864 },
    pids: { limit: 100 },
    cpu: { shares: 512 },
  };
  rich.linux.devices = [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 }];
  rich.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getcwd'], action: 'SCMP_ACT_ERRNO' }] };
  return [sample, rich];
}

function baseProcess(): Json {
  return {
    args: ['true'],
    cwd: '/',
    env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'],
    user: { uid: 0, gid: 0 },
    capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
    rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
    noNewPrivileges: true,
  };
}

/**
 * The rootfs and the cgroup path are the test's environment, not input under
 * test: a string there could aim the container at the host's / or its root
 * cgroup (runc would follow such a config too). Other types are refused.
 */
const guard: Guard = {
  allows(pointer, value) {
    if (pointer === '/root/path' || pointer === '/linux/cgroupsPath' || pointer === '/root' || pointer === '/linux') return typeof value !== 'string' && (typeof value !== 'object' || value === null || Array.isArray(value));
    return true;
  },
};

interface Tally {
  configs: number;
  processes: number;
  valid: number;
  refused: number;
  refusedNoPointer: number;
  crashes: number;
  viaCli: number;
  started: number;
  kernelRefusals: Map<string, number>;
}

export const fuzz: Scenario = {
  name: 'fuzz-hostile-configs',
  async run(a, counts) {
    const failures: string[] = [];
    const rootfs = path.join(a.dir, 'rootfs');
    const cp = spawnSync('cp', ['-a', fs.realpathSync(ROOTFS) + '/.', rootfs]);
    if (cp.status !== 0) return { runs: 0, failures: ['cannot copy the rootfs'], notes: [] };
    const bases = baseConfigs(a, rootfs);

    // a running container for the exec cases
    const target = 'runts-test-fz-target';
    const targetBundle = a.bundle((c) => {
      c.root.path = rootfs;
    }, 'target');
    const up = await a.runts(['run', '-d', '--bundle', targetBundle, target]);
    if (up.code !== 0) return { runs: 0, failures: [`the exec target did not start: ${up.stderr}`], notes: [] };
    const running = JSON.parse(fs.readFileSync(path.join(a.root, target, 'state.json'), 'utf8')) as Running;

    const cases = fc.sample(
      fc.record({ process: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }), base: fc.nat(), c: hostileCase }),
      { seed: counts.fuzzSeed, numRuns: counts.fuzz },
    );
    const t: Tally = { configs: 0, processes: 0, valid: 0, refused: 0, refusedNoPointer: 0, crashes: 0, viaCli: 0, started: 0, kernelRefusals: new Map() };
    const fail = (i: number, what: string, text: string, extra = ''): void => {
      fs.mkdirSync(FAILURES_DIR, { recursive: true });
      const f = path.join(FAILURES_DIR, `case-${counts.fuzzSeed}-${i}.json`);
      fs.writeFileSync(f, text);
      failures.push(`case ${i} (${f}): ${what}${extra ? ': ' + extra.split('\n').slice(0, 3).join(' | ') : ''}`);
    };

    const bundleDir = path.join(a.dir, 'fz');
    fs.mkdirSync(bundleDir);
    const planned: { i: number; text: string; verdict: Verdict; process: boolean }[] = [];
    cases.forEach((k, i) => {
      const isProc = k.process;
      const base = isProc ? baseProcess() : bases[k.base % bases.length];
      const text = render(applyMutations(base, k.c.mutations, guard), k.c.text);
      const verdict = isProc ? checkProcess(text, running) : checkConfig(text, bundleDir, `runts-test-fz${i}`);
      if (isProc) t.processes++;
      else t.configs++;
      if (verdict.kind === 'crash') {
        t.crashes++;
        fail(i, 'a JS error, not a refusal', text, verdict.text);
      } else if (verdict.kind === 'refused') {
        t.refused++;
        if (!verdict.names) {
          t.refusedNoPointer++;
          fail(i, 'a refusal that names no JSON pointer', text, verdict.words);
        }
        if (JS_ERROR_TEXT.test(verdict.words)) fail(i, 'JS error text in a refusal', text, verdict.words);
      } else t.valid++;
      planned.push({ i, text, verdict, process: isProc });
    });

    // through bin/runts: every valid case, a sample of the refusals
    const refusals = planned.filter((p) => p.verdict.kind === 'refused');
    const every = Math.max(1, Math.ceil(refusals.length / REFUSAL_SAMPLE));
    const viaCli = [...planned.filter((p) => p.verdict.kind !== 'refused'), ...refusals.filter((_, n) => n % every === 0)];
    let slot = 0;
    await pool(
      3,
      viaCli.map((p) => async () => {
        t.viaCli++;
        const dir = path.join(a.dir, `cli-${slot++ % 3}-${p.i}`);
        fs.mkdirSync(dir);
        try {
          if (p.process) await viaExec(a, p, dir, target, fail);
          else await viaCreate(a, p, dir, t, fail);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
    );
    const del = await a.runts(['delete', '--force', target]);
    if (del.code !== 0) failures.push(`delete --force of the exec target: ${del.stderr}`);

    const notes = [
      `seed ${counts.fuzzSeed}: ${t.configs} configs, ${t.processes} process files; ${t.valid} valid, ${t.refused} refused (${t.refusedNoPointer} naming no field), ${t.crashes} JS errors`,
      `through bin/runts: ${t.viaCli} cases (every valid one, ${Math.ceil(refusals.length / every)} refusals); ${t.started} containers ran (run: create, start, wait, delete)`,
      ...[...t.kernelRefusals].sort((x, y) => y[1] - x[1]).slice(0, 8).map(([w, n]) => `refused by the kernel or failed at run time (${n}x): ${w}`),
    ];
    return { runs: counts.fuzz, failures, notes };

    async function viaCreate(a: Area, p: (typeof planned)[number], dir: string, t: Tally, fail: (i: number, w: string, text: string, extra?: string) => void): Promise<void> {
      // the in-process verdict used bundleDir; its name appears in the words.
      // Each case its own cgroup: three run at once
      fs.writeFileSync(path.join(dir, 'config.json'), p.text.split(`"${a.cgroupParent}/fz"`).join(`"${a.cgroupParent}/fz${p.i}"`));
      const id = `runts-test-fz${p.i}`;
      // one `run` (create, start, wait, delete) per case: a third of the
      // node starts of create + start + delete, the same code paths
      const r = await a.runts(['run', '--bundle', dir, id], { timeoutMs: 30000 });
      checkStderr(p, r, fail);
      if (p.verdict.kind === 'refused') {
        const want = `runts run failed: ${p.verdict.words}`.split(bundleDir).join(dir);
        if (r.code !== 1 || message(r.stderr) !== want) fail(p.i, 'bin/runts and the in-process check disagree', p.text, `want exit 1 "${want}", got exit ${r.code} "${message(r.stderr)}"`);
      } else if (r.code === 0) {
        // a warning (a relative mount destination...) may come with it
        t.started++;
      } else {
        // the kernel or the addon refused what the schema and plan allowed
        // (or the process itself failed: its exit status comes back)
        const w = message(r.stderr).replace(/runts-test-fz\d+/g, 'ID').split(dir).join('BUNDLE') || `exit ${r.code}`;
        t.kernelRefusals.set(w, (t.kernelRefusals.get(w) ?? 0) + 1);
      }
      if (fs.existsSync(path.join(a.root, id))) {
        fail(p.i, 'state dir left after run', p.text);
        await a.runts(['delete', '--force', id]);
      }
      a.ids.delete(id);
    }

    async function viaExec(a: Area, p: (typeof planned)[number], dir: string, target: string, fail: (i: number, w: string, text: string, extra?: string) => void): Promise<void> {
      const file = path.join(dir, 'process.json');
      fs.writeFileSync(file, p.text);
      const r = await a.runts(['exec', '--process', file, target], { timeoutMs: 30000 });
      checkStderr(p, r, fail);
      if (p.verdict.kind === 'refused') {
        const want = `exec failed: ${p.verdict.words}`;
        if (r.code !== 255 || message(r.stderr) !== want) fail(p.i, 'bin/runts and the in-process check disagree', p.text, `want exit 255 "${want}", got exit ${r.code} "${message(r.stderr)}"`);
      }
      if (r.signal) fail(p.i, `exec was killed (${r.signal}): it hung`, p.text);
    }
  },
};

function checkStderr(p: { i: number; text: string }, r: Result, fail: (i: number, w: string, text: string, extra?: string) => void): void {
  if (JS_ERROR_TEXT.test(r.stderr)) fail(p.i, 'JS error text on stderr', p.text, r.stderr);
  if (r.code > 128 && r.signal) fail(p.i, `the runtime died of ${r.signal}`, p.text);
}
