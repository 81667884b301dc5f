// Hostile versions of valid documents, drawn by fast-check from a fixed seed:
// a few mutations at places picked in the document's tree (wrong types,
// missing and extra fields, huge and negative numbers, deep nesting, long
// strings, NULs, unicode, duplicated array items such as mounts, paths with
// ..), then sometimes a mutation of the text itself (truncated, garbage, BOM).
import fc from 'fast-check';

type J = unknown;

/** Marks where nested text goes: JSON.stringify of a deep value would itself overflow the stack. */
const DEEP = (depth: number, open: string): string => `@@DEEP:${depth}:${open}@@`;

export const hostileValue: fc.Arbitrary<J> = fc.oneof(
  // wrong types
  fc.constantFrom<J>(null, true, false, 0, 1, -1, 1.5, '', 'x', [], {}, [1, 'a'], { a: 1 }, [[]], [null], [{}]),
  // huge, negative, fractional and boundary numbers
  fc.constantFrom<J>(2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 64, 1e308, -1e308, -(2 ** 31) - 1, -(2 ** 63), -0, 1e-300, 0.1),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  // long strings
  fc.constantFrom<J>('a'.repeat(4097), '/' + 'a/'.repeat(3000), 'b'.repeat(70000), '/' + 'c'.repeat(256), 'd'.repeat(1 << 18)),
  // NULs and control characters
  fc.constantFrom<J>('\0', 'a\0b', '/bin/\0sh', '/proc\0', 'CAP_\0KILL', '\n', '\r\n', '\x1b[2J', '\x7f', 'a=b\0c'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // unicode: full range, lone surrogates, right-to-left, combining marks
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom<J>('\ud800', '\udfff', '\u202e/proc', '/dev/\u0301', 'é', '\ufeff', '\u2028', '😀', '/mnt/😀'),
  // paths that climb
  fc.constantFrom<J>('..', '../..', '/..', '/../../../etc', '/proc/../..', 'a/../../b', '/dev/../../tmp', '/./.', '//', '/proc/self/root/..', '../../../../../../../../etc/passwd', '/sys/../proc/sys'),
  // deep nesting (text-level, see DEEP): past runts' limit of 1000, and past where a recursive walk overflows node's stack (~5000)
  fc.constantFrom(100, 1500, 20000).chain((d) => fc.constantFrom<J>(DEEP(d, '['), DEEP(d, '{'))),
);

const extraKey = fc.oneof(
  fc.constantFrom('x', '', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '\0', 'a/b', '~0', '~1', 'process', 'type', 'path', 'é'),
  fc.string({ maxLength: 12 }),
);

export type Mutation =
  | { kind: 'replace'; at: number; value: J }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: J }
  | { kind: 'duplicate'; at: number; times: number }
  | { kind: 'graft'; at: number; from: number };

export type TextMutation = { kind: 'none' } | { kind: 'truncate'; keep: number } | { kind: 'garbage'; at: number; text: string } | { kind: 'bom' } | { kind: 'trailing'; text: string };

export interface Case {
  mutations: Mutation[];
  text: TextMutation;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: extraKey, value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), times: fc.constantFrom(1, 2, 50, 3000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('graft' as const), at: fc.nat(), from: fc.nat() }) },
);

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), at: fc.nat(), text: fc.constantFrom('\0', '\xff', '}', ',,', '/*', '"', '\\', 'NaN', 'Infinity', "'") }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('trailing' as const), text: fc.constantFrom('x', '{}', '\0', '// c', ',') }) },
);

export const hostileCase: fc.Arbitrary<Case> = fc.record({
  mutations: fc.array(mutation, { minLength: 2, maxLength: 4 }),
  text: textMutation,
});

/** Every place in a document: its JSON pointer segments, parents before children. */
export function places(doc: J): string[][] {
  const out: string[][] = [];
  const walk = (v: J, at: string[]): void => {
    out.push(at);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, String(i)]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v as Record<string, J>)) walk(x, [...at, k]);
  };
  walk(doc, []);
  return out;
}

function get(doc: J, at: string[]): J {
  let v = doc;
  for (const k of at) v = (v as Record<string, J>)[k];
  return v;
}

export interface Guard {
  /** false: this value must not go there (it would reach the host outside the test's area) */
  allows(pointer: string, value: J): boolean;
}

/** The mutated document (a copy); `guard` vetoes replacements that would aim outside the test area. */
export function applyMutations(base: J, ms: Mutation[], guard: Guard): J {
  let doc = structuredClone(base);
  for (const m of ms) {
    const all = places(doc);
    const at = all[m.at % all.length];
    const pointer = '/' + at.join('/');
    const parentAt = at.slice(0, -1);
    const key = at[at.length - 1];
    const parent = at.length ? (get(doc, parentAt) as Record<string, J> | J[]) : undefined;
    const set = (value: J): void => {
      if (!guard.allows(pointer, value)) return;
      if (!parent) doc = value;
      else (parent as Record<string, J>)[key] = value;
    };
    switch (m.kind) {
      case 'replace':
        set(m.value);
        break;
      case 'graft':
        set(structuredClone(get(doc, all[m.from % all.length])));
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else if (parent) delete (parent as Record<string, J>)[key];
        break;
      case 'add': {
        const target = get(doc, at);
        if (target && typeof target === 'object' && !Array.isArray(target)) {
          // defineProperty: '__proto__' becomes an own key, as JSON.parse makes it
          Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        } else if (Array.isArray(target)) target.push(m.value);
        break;
      }
      case 'duplicate': {
        // many copies of small items (3,000 mounts), two of big ones: a
        // gigabyte document tests memory, not runts
        const size = (v: J): number => JSON.stringify(v)?.length ?? 0;
        const target = get(doc, at);
        const times = size(Array.isArray(target) ? target[0] : target) > 10000 ? Math.min(m.times, 2) : m.times;
        if (Array.isArray(target) && target.length) for (let i = 0; i < times; i++) target.push(structuredClone(target[i % target.length]));
        else if (Array.isArray(parent)) for (let i = 0; i < times; i++) parent.push(structuredClone(get(doc, at)));
        break;
      }
    }
  }
  return doc;
}

/** The document's text: JSON with the deep markers expanded, then the text mutation. */
export function render(doc: J, t: TextMutation): string {
  let text = JSON.stringify(doc, null, 1).replace(/"@@DEEP:(\d+):([[{])@@"/g, (_m, d: string, open: string) => {
    const n = Number(d);
    // an object's members need keys: {"a":{"a":...{}}}
    return open === '[' ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '{}' + '}'.repeat(n);
  });
  switch (t.kind) {
    case 'truncate':
      text = text.slice(0, t.keep % (text.length + 1));
      break;
    case 'garbage': {
      const i = t.at % (text.length + 1);
      text = text.slice(0, i) + t.text + text.slice(i);
      break;
    }
    case 'bom':
      text = '\ufeff' + text;
      break;
    case 'trailing':
      text += t.text;
      break;
  }
  return text;
}
