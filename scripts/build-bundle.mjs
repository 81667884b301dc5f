// Builds what bin/runts starts from: dist/runts.js, the whole CLI bundled by
// esbuild into one CommonJS file, and dist/runts.cache, V8's code cache for it.
//
// Why (measured on a 2-core VM, see bench/): loading the CLI from dist/ file by
// file and compiling the generated validator on its first call cost ~17 ms
// before `create` did any work; the bundle with a warmed code cache costs ~3 ms,
// and `state` is no slower than from dist/. A V8 startup snapshot
// (--build-snapshot) saved less for run/create and cost ~2 ms (and 2 MB) on
// every `state`, so it is not used.
//
// The cache is made after a warm-up that evaluates every command module and
// validates the sample bundle's config, so the functions those run are in it
// already compiled. The warm-up has no side effects. V8 refuses a cache made by
// another node/V8 version or flags; bin/runts then compiles the bundle as
// usual (correct, just slower) until the next build.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const TOP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(TOP, 'dist', 'runts.js');
const CACHE = path.join(TOP, 'dist', 'runts.cache');

// every lib/cli module (the subcommands and their helpers), so the warm-up
// picks up new ones by itself
const NOT_COMMANDS = new Set(['main']);
const commands = fs
  .readdirSync(path.join(TOP, 'lib', 'cli'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !NOT_COMMANDS.has(f.slice(0, -3)))
  .map((f) => `./lib/cli/${f.slice(0, -3)}`);

// Nothing but main.ts and what it imports is evaluated when the bundle loads:
// the warm-up requires config/load (and through it the validator) only when
// called, as every command module is required only when its command runs.
//
// The last lines start the CLI when the bundle is the program's main module:
// the compiled executable (bun build --compile takes this bundle as its
// entry) or \`node dist/runts.js\`. bin/runts-node evaluates it in a vm, where
// require.main is the launcher: there it only exports main.
const entry = `
import { main } from './lib/cli/main';
export { main };
/** for the build's code cache only: compile what commands run, run nothing */
export function warm(sampleBundle: string): void {
${commands.map((c) => `  require(${JSON.stringify(c)});`).join('\n')}
  require('./lib/config/load').loadConfig(sampleBundle);
}
if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 1;
    },
  );
}
`;

// tsc leaves a require() of a missing module to fail when it runs; so does
// the bundle (a command wired in main.ts before its file is committed)
const missingStaysRequire = {
  name: 'missing-stays-require',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const base = path.resolve(args.resolveDir, args.path);
      const found = ['', '.ts', '.js', '.json', '/index.ts', '/index.js'].some((ext) => fs.existsSync(base + ext));
      if (found) return undefined;
      console.warn(`build-bundle: ${args.importer}: ${args.path} does not exist; left to fail at run time`);
      return { path: args.path, external: true };
    });
  },
};

// never a stale bundle: bin/runts runs from dist/cli when there is none
fs.rmSync(OUT, { force: true });
fs.rmSync(CACHE, { force: true });
try {
  await esbuild.build({
    stdin: { contents: entry, resolveDir: TOP, sourcefile: 'runts-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // json5 is bundled too (a module left external is not found at run time
    // inside the compiled executable); it is still only evaluated on a config
    // syntax error, as load.ts requires it lazily
    plugins: [missingStaysRequire],
    outfile: OUT,
    logLevel: 'error',
  });
} catch (e) {
  // the build stays usable (from dist/cli, slower): tsc has checked the code
  console.warn(`build-bundle: NOT BUNDLED, bin/runts runs from dist/cli: ${e.message}`);
  process.exit(0);
}

// esbuild's __toESM copies every property of a CommonJS module (node:fs has
// ~100) into a new object for each file that does `import * as fs`: ~1 ms on
// every call. One copy per module does; the copies are live getters anyway.
let source = fs.readFileSync(OUT, 'utf8');
const helper = source.indexOf('var __toESM = ');
const helperEnd = helper < 0 ? -1 : source.indexOf('\n// ', helper);
if (helperEnd > 0) {
  source =
    source.slice(0, helperEnd) +
    '\n__toESM = ((f, seen = [new WeakMap(), new WeakMap()]) => (mod, node) => {' +
    "\n  if (mod === null || (typeof mod !== 'object' && typeof mod !== 'function')) return f(mod, node);" +
    '\n  const c = seen[node ? 1 : 0];' +
    '\n  let r = c.get(mod);' +
    '\n  if (r === undefined) c.set(mod, (r = f(mod, node)));' +
    '\n  return r;' +
    '\n})(__toESM);' +
    source.slice(helperEnd);
  fs.writeFileSync(OUT, source);
} else {
  console.warn('build-bundle: no __toESM helper found; bundle left as esbuild wrote it');
}

// the same wrapper bin/runts compiles the bundle in: the cache only matches identical source
const script = new vm.Script(wrap(source), { filename: OUT });
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(OUT), mod, OUT, path.dirname(OUT));
try {
  mod.exports.warm(path.join(TOP, 'bundles', 'busybox'));
} catch (e) {
  // a warm-up that fails only makes a smaller cache
  console.warn(`build-bundle: warm-up: ${e.message}`);
}
fs.writeFileSync(CACHE, script.createCachedData());
console.log(`wrote dist/runts.js (${source.length} bytes) and dist/runts.cache (${fs.statSync(CACHE).size} bytes)`);

function wrap(src) {
  return `(function (exports, require, module, __filename, __dirname) {${src}\n})`;
}
