// lib/sys/path.ts against node:path.posix: the same answer for every input,
// since callers cannot tell which one they got (the compiled executable uses
// ours so that node:path is never loaded at start).
import t from 'tap';
import * as fc from 'fast-check';
import * as nodePath from 'node:path';
import * as ours from '../../lib/sys/path';

const np = nodePath.posix;

// the paths that tell implementations apart
const TRICKY = [
  '', '.', '..', '/', '//', '///', './', '../', '/.', '/..', '//.', '/../..', 'a', 'a/', 'a//', '/a', '//a', '///a',
  '/a/', '/a//', 'a/b', 'a//b', '/a//b', '/a/b/', 'a/./b', 'a/../b', 'a/..', 'a/../', '../a', '../../a/b', './a/./',
  'a/b/../..', 'a/b/../../..', '/a/b/../../..', '..a', 'a..', '.a/..b', '...', '/.../..', 'a/.../b', './/.', '//a//b//',
  '/a/b/c/../../d', 'a\\b', ' /a', 'a b/c', '/x/y/../../../../z',
];

const seg = fc.constantFrom('', '.', '..', 'a', 'b', '...', '.a', 'a.', 'ab');
const arbPath = fc
  .tuple(fc.boolean(), fc.array(seg, { maxLength: 6 }), fc.boolean())
  .map(([abs, segs, trailing]) => (abs ? '/' : '') + segs.join('/') + (trailing ? '/' : ''));
const anyPath = fc.oneof(arbPath, fc.constantFrom(...TRICKY), fc.stringMatching(/^[a/.]{0,10}$/));

t.test('normalize, dirname, basename, isAbsolute as node on the tricky paths', async (t) => {
  for (const p of TRICKY) {
    t.equal(ours.normalize(p), np.normalize(p), `normalize(${JSON.stringify(p)})`);
    t.equal(ours.dirname(p), np.dirname(p), `dirname(${JSON.stringify(p)})`);
    t.equal(ours.basename(p), np.basename(p), `basename(${JSON.stringify(p)})`);
    t.equal(ours.isAbsolute(p), np.isAbsolute(p), `isAbsolute(${JSON.stringify(p)})`);
    t.equal(ours.resolve(p), np.resolve(p), `resolve(${JSON.stringify(p)})`);
  }
});

t.test('join, resolve and relative as node on pairs of the tricky paths', async (t) => {
  let differ = 0;
  for (const a of TRICKY)
    for (const b of TRICKY) {
      for (const [name, got, want] of [
        ['join', ours.join(a, b), np.join(a, b)],
        ['resolve', ours.resolve(a, b), np.resolve(a, b)],
        ['relative', ours.relative(a, b), np.relative(a, b)],
      ] as const)
        if (got !== want) {
          differ++;
          t.equal(got, want, `${name}(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
        }
    }
  t.equal(differ, 0, `all ${TRICKY.length ** 2} pairs agree`);
});

t.test('every function as node on generated paths', async (t) => {
  fc.assert(
    fc.property(fc.array(anyPath, { maxLength: 4 }), (parts) => {
      const p = parts[0] ?? '';
      const q = parts[1] ?? '';
      return (
        ours.join(...parts) === np.join(...parts) &&
        ours.resolve(...parts) === np.resolve(...parts) &&
        ours.normalize(p) === np.normalize(p) &&
        ours.dirname(p) === np.dirname(p) &&
        ours.basename(p) === np.basename(p) &&
        ours.relative(p, q) === np.relative(p, q)
      );
    }),
    { numRuns: 20000 },
  );
  t.pass('20000 generated cases agree');
});

t.test('join with no parts or only empty ones is "."; posix is the same functions', async (t) => {
  t.equal(ours.join(), np.join());
  t.equal(ours.join('', ''), np.join('', ''));
  t.equal(ours.posix.join('a', '..', '..'), np.join('a', '..', '..'));
  t.equal(ours.posix.sep, np.sep);
});
