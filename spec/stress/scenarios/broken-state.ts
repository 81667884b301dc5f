// State that is not what runts wrote: a truncated or garbage state.json, a
// record whose init pid now belongs to another process, a state root that is
// full or read-only. Each must fail (or succeed) with a clear message and
// leave nothing behind.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JS_ERROR_TEXT, message, type Area, type Result, type Scenario } from '../lib';

function alive(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export const brokenState: Scenario = {
  name: 'broken-state',
  async run(a, counts) {
    const failures: string[] = [];
    let runs = 0;
    const clean = (what: string, r: Result): void => {
      runs++;
      if (JS_ERROR_TEXT.test(r.stderr)) failures.push(`${what}: JS error text: ${r.stderr.trim()}`);
    };
    const bundle = a.bundle(() => {}, 'bs');

    // 1. truncated and garbage state.json of a running container
    for (const [name, mangle] of [
      ['truncated', (t: string) => t.slice(0, Math.floor(t.length / 2))],
      ['garbage', () => '\0\xff{{not json'],
      ['empty', () => ''],
    ] as const) {
      const id = `bs-${name}`;
      const up = await a.runts(['run', '-d', '--bundle', bundle, id]);
      if (up.code !== 0) {
        failures.push(`${name}: run -d: ${up.stderr}`);
        continue;
      }
      const file = path.join(a.root, id, 'state.json');
      fs.writeFileSync(file, mangle(fs.readFileSync(file, 'utf8')));
      const st = await a.runts(['state', id]);
      clean(`${name}: state`, st);
      if (st.code === 0) failures.push(`${name}: state of a broken record exited 0: ${st.stdout}`);
      const ls = await a.runts(['list']);
      clean(`${name}: list`, ls);
      if (ls.code !== 0) failures.push(`${name}: list with one broken record failed: ${ls.stderr.trim()}`);
      const del = await a.runts(['delete', '--force', id]);
      clean(`${name}: delete --force`, del);
      if (del.code !== 0) failures.push(`${name}: delete --force: exit ${del.code}: ${del.stderr.trim()}`);
      if (fs.existsSync(path.join(a.root, id))) failures.push(`${name}: state dir still there after delete --force`);
    }

    // 2. the init died and its pid now names another process (start time differs)
    {
      const id = 'bs-reused';
      const up = await a.runts(['run', '-d', '--bundle', bundle, id]);
      const other = spawn('sleep', ['1000'], { stdio: 'ignore' });
      if (up.code === 0 && other.pid) {
        const file = path.join(a.root, id, 'state.json');
        const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number };
        const initPid = rec.pid;
        await a.runts(['kill', id, 'KILL']);
        // the record keeps its start time; the pid is now the stranger's
        fs.writeFileSync(file, JSON.stringify({ ...rec, pid: other.pid }));
        const st = await a.runts(['state', id]);
        clean('reused pid: state', st);
        const status = st.code === 0 ? (JSON.parse(st.stdout) as { status: string }).status : `exit ${st.code}`;
        if (status !== 'stopped') failures.push(`reused pid: state says ${status}, not stopped`);
        const k = await a.runts(['kill', id, 'KILL']);
        clean('reused pid: kill', k);
        if (k.code === 0 || message(k.stderr) !== 'container not running') failures.push(`reused pid: kill: exit ${k.code}: ${k.stderr.trim()}`);
        const del = await a.runts(['delete', id]);
        clean('reused pid: delete', del);
        if (del.code !== 0) failures.push(`reused pid: delete: ${del.stderr.trim()}`);
        if (!alive(other.pid)) failures.push('reused pid: runts signalled the process that reused the pid');
        if (alive(initPid)) failures.push('reused pid: the real init is still alive');
        other.kill('SIGKILL');
      } else failures.push(`reused pid: set-up failed: ${up.stderr}`);
    }

    // 3. a state root on a full tmpfs and on a read-only one
    for (const kind of ['full', 'read-only'] as const) {
      const root = path.join(a.dir, `root-${kind}`);
      fs.mkdirSync(root);
      const opts = kind === 'full' ? 'size=64k' : 'size=64k,ro';
      if (spawnSync('mount', ['-t', 'tmpfs', '-o', opts, `runts-test-${kind}`, root]).status !== 0) {
        failures.push(`${kind}: cannot mount a tmpfs`);
        continue;
      }
      try {
        if (kind === 'full') spawnSync('dd', ['if=/dev/zero', `of=${root}/fill`, 'bs=4k'], { stdio: 'ignore' });
        const ra = new (a.constructor as new (n: string, r: string) => Area)(`root-${kind}`, root);
        const b = ra.bundle(() => {}, 'c');
        const cr = await ra.runts(['create', '--bundle', b, 'c']);
        clean(`${kind} root: create`, cr);
        if (cr.code === 0) failures.push(`${kind} root: create succeeded`);
        const m = message(cr.stderr);
        const want = kind === 'full' ? /no space left on device/ : /read-only file system/;
        if (!want.test(m)) failures.push(`${kind} root: create failed without saying why: ${m}`);
        const left = ra.leftovers();
        const names = fs.readdirSync(root).filter((n) => n !== 'fill');
        if (names.length) failures.push(`${kind} root: create left ${names.join(', ')} in the root`);
        if (left.cgroups.length || left.processes.length) failures.push(`${kind} root: create left ${JSON.stringify(left)}`);
        await ra.cleanup();
      } finally {
        spawnSync('umount', [root]);
      }
    }
    return { runs, failures, notes: [] };
  },
};
