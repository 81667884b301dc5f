// Bugs the config fuzz (make stress, spec/stress/scenarios/fuzz.ts) found in
// lib/config, one test each: hostile documents must be refused with the field
// named, never crash the loader or the create after it.
import t from 'tap';
import * as fs from 'node:fs';
import { ConfigError, parseConfig, parseProcess } from '../../lib/config/load';
import { SAMPLE_CONFIG } from '../lib/harness';

const sample = (): Record<string, any> => JSON.parse(fs.readFileSync(SAMPLE_CONFIG, 'utf8'));
const nest = (n: number): string => '['.repeat(n) + ']'.repeat(n);

t.test('deep nesting where the schema wants a string: refused at the field, no stack overflow', async (t) => {
  // fuzz case: /process/args/0 = 200,000 nested arrays. Before: the error
  // locator recursed per level and threw "RangeError: Maximum call stack size
  // exceeded", which runts printed as its error.
  const text = JSON.stringify(sample()).replace('"sh"', nest(200000));
  let err: unknown;
  try {
    parseConfig(text, 'config.json');
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof ConfigError, `a ConfigError, not ${String(err)}`);
  t.match((err as Error).message, /^config\.json: \/process\/args\/0[/0.]*: nested more than 1000 levels deep \[depth\] at line 1:\d+$/);
});

t.test('deep nesting in a field the schema lets through is refused, with its pointer', async (t) => {
  // fuzz case: an extra top-level field holding 200,000 nested arrays passed
  // validation, then `create` died writing state.json (JSON.stringify overflowed)
  const c = sample();
  c.extra = '@';
  const text = JSON.stringify(c).replace('"@"', nest(200000));
  t.throws(() => parseConfig(text, 'config.json'), {
    message: /^config\.json: \/extra(\/0)+(\.\.\.)?: nested more than 1000 levels deep \[depth\]/,
  });
  // ordinary depth is fine
  const ok = sample();
  ok.annotations = { a: 'b' };
  t.doesNotThrow(() => parseConfig(JSON.stringify(ok), 'config.json'));
});

t.test('a process.json with deep nesting: refused, named', async (t) => {
  const text = `{"cwd":"/","args":["true"],"x":${nest(5000)}}`;
  t.throws(() => parseProcess(text, 'process.json'), { message: /^process\.json: \/x(\/0)+(\.\.\.)?: nested more than 1000 levels deep/ });
});

t.test('JSON5 with a raw U+2028 in a string: nothing printed behind the caller\'s back', async (t) => {
  // fuzz case: json5 console.warn()s "JSON5: '\u2028' in strings is not valid
  // ECMAScript", which landed on runts' stderr outside runc's log format
  const c = sample();
  c.hostname = 'a\u2028b';
  const text = JSON.stringify(c).replace('"ociVersion"', '// json5\n"ociVersion"');
  const warned: unknown[] = [];
  const orig = console.warn;
  console.warn = (...a: unknown[]) => void warned.push(a);
  try {
    t.equal(parseConfig(text, 'config.json').hostname, 'a\u2028b');
  } finally {
    console.warn = orig;
  }
  t.same(warned, [], 'no warning printed');
});
