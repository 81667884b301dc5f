// A foreground `run`/`exec` with process.terminal, as scripts and runc's own
// suite use it: runts under a controlling terminal (script(1) gives one), its
// stdout captured by a pipe, so the pty is proxied to something that is not
// the terminal.
import t from 'tap';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Sandbox, RUNTS, readState } from '../lib/harness';

/**
 * runs `script` (sh) under a fresh controlling tty. script(1)'s own stdin stays
 * open until it is done: at EOF script would type a character into the tty,
 * which a proxied terminal passes on to the container (runc's too).
 */
async function underTty(script: string, typed?: string): Promise<void> {
  const child = spawn('script', ['-qec', script, '/dev/null'], { stdio: ['pipe', 'ignore', 'pipe'] });
  // what a user types, once the container is there to read it (its output says when)
  if (typed !== undefined) child.stdin.write(typed);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`script: ${code} ${err}`);
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

t.test('run with a terminal, stdout captured: the process\'s output and exit status, every time', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.terminal = true;
    c.process.args = ['sh', '-c', 'echo one; echo two; exit 7'];
  });
  const outFile = path.join(s.dir, 'out');
  // ten runs: closing the master raced the read stream's own close (EBADF, exit 1) about every other run
  await underTty(`for i in 1 2 3 4 5 6 7 8 9 10; do out=$(${q(RUNTS)} --root ${q(s.root)} run -b ${q(b)} t$i 2>&1); echo "rc=$? [$out]" >> ${q(outFile)}; done`);
  const lines = fs.readFileSync(outFile, 'utf8');
  t.equal(lines, 'rc=7 [one\ntwo]\n'.repeat(10), 'exit 7 and the output with plain newlines (ONLCR off, as runc), no error');
  t.equal(s.run(['list', '-q']).stdout, '', 'every run removed its container');
});

t.test('the pty belongs to the container user, group tty (5), mode 620: run and exec', async (t) => {
  const s = new Sandbox(t);
  const statTty = ['sh', '-c', 'stat -c %u:%g:%a $(tty)'];
  const outFile = path.join(s.dir, 'out');
  for (const [uid, gid] of [[0, 0], [1000, 100]]) {
    const b = s.bundle((c) => {
      c.process.terminal = true;
      c.process.user = { uid, gid };
      c.process.args = statTty;
    });
    await underTty(`${q(RUNTS)} --root ${q(s.root)} run -b ${q(b)} own${uid} > ${q(outFile)} 2>&1`);
    t.equal(fs.readFileSync(outFile, 'utf8'), `${uid}:5:620\n`, `run as ${uid}:${gid}`);
  }
  const d = s.bundle((c) => (c.process.args = ['sleep', '300']));
  t.equal(s.run(['run', '-d', '-b', d, 'bg'], { detached: true }).code, 0);
  await underTty(`${q(RUNTS)} --root ${q(s.root)} exec -t -u 1000:100 bg ${statTty.map(q).join(' ')} > ${q(outFile)} 2>&1`);
  t.equal(fs.readFileSync(outFile, 'utf8'), '1000:5:620\n', 'exec -t -u 1000:100');
});

t.test('exec -t returns when its process exits although a child still holds the terminal', async (t) => {
  const s = new Sandbox(t);
  const d = s.bundle((c) => (c.process.args = ['sleep', '300']));
  t.equal(s.run(['run', '-d', '-b', d, 'bg'], { detached: true }).code, 0);
  const outFile = path.join(s.dir, 'out');
  // the background sleep keeps the slave open: a blocking read of the master never ends
  await underTty(`${q(RUNTS)} --root ${q(s.root)} exec -t bg sh -c 'sleep 300 & echo started' > ${q(outFile)} 2>&1; echo "rc=$?" >> ${q(outFile)}`);
  t.equal(fs.readFileSync(outFile, 'utf8'), 'started\nrc=0\n');
  t.equal(readState(s, 'bg').status, 'running');
});

t.test('run with a terminal reads what the caller types', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.terminal = true;
    c.process.args = ['sh', '-c', 'read line; echo "got-$line"'];
  });
  const outFile = path.join(s.dir, 'out');
  await underTty(`${q(RUNTS)} --root ${q(s.root)} run -b ${q(b)} typed > ${q(outFile)} 2>&1`, 'abc\r');
  // the pty echoes the line (the container's terminal is not raw), then the answer
  t.match(fs.readFileSync(outFile, 'utf8'), /got-abc\n$/);
});

t.test('a terminal with /dev/ptmx listed again in linux.devices (runc\'s "redundant default /dev/ptmx")', async (t) => {
  const s = new Sandbox(t);
  const b = s.bundle((c) => {
    c.process.terminal = true;
    c.linux.devices = [...(c.linux.devices ?? []), { path: '/dev/ptmx', type: 'c', major: 5, minor: 2 }];
    c.process.args = ['sh', '-c', 'ls -lLn /dev/ptmx'];
  });
  const outFile = path.join(s.dir, 'out');
  await underTty(`${q(RUNTS)} --root ${q(s.root)} run -b ${q(b)} ptmx > ${q(outFile)} 2>&1; echo "rc=$?" >> ${q(outFile)}`);
  // before: "open pty master /dev/ptmx: operation not permitted" (its default device rule was dropped)
  t.match(fs.readFileSync(outFile, 'utf8'), /^crw-rw-rw-\s+1 0\s+0\s+5,\s+2 .*\/dev\/ptmx\nrc=0\n$/);
});
