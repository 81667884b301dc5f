// node:path's posix functions as lib/ uses them, in plain TypeScript: the
// compiled executable pays ~1 ms for the first builtin it requires, and
// every command joins paths before it does anything. Same results as
// node:path.posix for every input (spec/sys-path.test.ts compares them on
// many), so a caller cannot tell which it got.

/** the segments of p without empty ones and ".", ".." folded in; leading ".." kept unless absolute */
function fold(p: string, absolute: boolean): string[] {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      // above the root is the root; a relative path keeps its way up
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(seg);
  }
  return out;
}

export function isAbsolute(p: string): boolean {
  return p.length > 0 && p.charCodeAt(0) === 47; /* '/' */
}

export function normalize(p: string): string {
  if (p === '') return '.';
  const absolute = isAbsolute(p);
  let out = fold(p, absolute).join('/');
  if (out === '' && !absolute) out = '.';
  // node keeps one trailing slash, even on "." ("./" stays "./")
  if (out !== '' && p.endsWith('/')) out += '/';
  return absolute ? '/' + out : out;
}

export function join(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  return joined === '' ? '.' : normalize(joined);
}

/** an absolute path: the parts from right to left until one is absolute, then the working directory */
export function resolve(...parts: string[]): string {
  let p = '';
  let absolute = false;
  for (let i = parts.length - 1; i >= -1 && !absolute; i--) {
    const part = i >= 0 ? parts[i] : process.cwd();
    if (part === '') continue;
    p = p === '' ? part : `${part}/${p}`;
    absolute = isAbsolute(part);
  }
  const out = fold(p, absolute).join('/');
  if (absolute) return '/' + out;
  return out === '' ? '.' : out;
}

export function dirname(p: string): string {
  if (p === '') return '.';
  // the slash before the last name (trailing slashes skipped); the first
  // character does not count, so "/a" is "/" and "//a" is "//" as in node
  let i = p.length - 1;
  while (i >= 1 && p[i] === '/') i--;
  while (i >= 1 && p[i] !== '/') i--;
  if (i < 1) return isAbsolute(p) ? '/' : '.';
  // node cuts at that one slash: "/a//b" -> "/a/"
  return isAbsolute(p) && i === 1 ? '//' : p.slice(0, i);
}

/** no suffix argument: nothing in lib/ strips one (node's rules for it have corners) */
export function basename(p: string): string {
  let end = p.length;
  while (end > 0 && p[end - 1] === '/') end--;
  if (end === 0) return '';
  return p.slice(p.lastIndexOf('/', end - 1) + 1, end);
}

export function relative(from: string, to: string): string {
  if (from === to) return '';
  const a = fold(resolve(from), true);
  const b = fold(resolve(to), true);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

export const sep = '/';

/** as node's path.posix: the same functions (runts runs on Linux only) */
export const posix = { isAbsolute, normalize, join, resolve, dirname, basename, relative, sep };
