// Loading and validating config.json.
//
// The schema (lib/config/schema.ts) is compiled to standalone code at build
// time (scripts/build-validator.mjs -> validate.generated.ts), so loading a
// config never compiles a schema. json5 is only required when JSON.parse
// fails, to accept comments and trailing commas.

import { ConfigRefusal } from '../errors';
import * as fs from '../sys/fs';
import * as path from '../sys/path';
import type { ErrorObject } from 'ajv';
import { errnoText } from '../errno';
import { validateConfig, validateProcess } from './validate.generated';
import type { Process, Spec } from './types';

export type * from './types';

/** An invalid or unreadable config; the message is one line for the user. */
export class ConfigError extends ConfigRefusal {
  override name = 'ConfigError';
}

const SUPPORTED = 'runts supports 1.0.0 to 1.3.x';
const VERSION_RE = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:[-+].*)?$/;

/** Reads and validates `<bundleDir>/config.json`. */
export function loadConfig(bundleDir: string): Spec {
  const file = path.join(bundleDir, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(fsErrorMessage(e, file));
  }
  return parseConfig(text, file);
}

/**
 * Parses config.json text (JSON, or JSON5 as a fallback) and validates it.
 * `file` is used in messages only.
 */
export function parseConfig(text: string, file: string): Spec {
  return checkSpec(parseText(text, file), file, text);
}

/** JSON.parse first; json5 (loaded only now) on a syntax error, for comments and trailing commas. */
function parseText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    return parseJson5(text, file);
  }
}

/** A process.json (runtime-spec "process" object, for exec --process), checked like config.json. */
export function parseProcess(text: string, file: string): Process {
  const data = parseText(text, file);
  checkDepth(data, file, text);
  if (!validateProcess(data)) throw new ConfigError(formatError(pickError(validateProcess.errors ?? []), data, file, text));
  const proc = data as Process;
  checkUnique(
    proc.rlimits?.map((r) => r.type),
    '/rlimits',
    'rlimit type',
    file,
    text,
  );
  return proc;
}

export function loadProcess(file: string): Process {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(fsErrorMessage(e, file));
  }
  return parseProcess(text, path.basename(file));
}

/**
 * Validates an already parsed config. With `text` (the source it was parsed
 * from) messages carry a line:column.
 */
export function checkSpec(data: unknown, file: string, text?: string): Spec {
  checkDepth(data, file, text);
  checkVersion(data, file);
  if (!validateConfig(data)) {
    const errors = validateConfig.errors ?? [];
    throw new ConfigError(formatError(pickError(errors), data, file, text));
  }
  const spec = data as Spec;
  checkUnique(
    spec.linux?.namespaces?.map((n) => n.type),
    '/linux/namespaces',
    'namespace type',
    file,
    text,
  );
  checkUnique(
    spec.process?.rlimits?.map((r) => r.type),
    '/process/rlimits',
    'rlimit type',
    file,
    text,
  );
  return spec;
}

// ---- parsing ----

interface Json5 {
  parse(text: string): unknown;
}

interface Json5SyntaxError extends SyntaxError {
  lineNumber?: number;
  columnNumber?: number;
}

function parseJson5(text: string, file: string): unknown {
  // Lazily: JSON5 costs a few ms to load and is rarely needed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const json5: Json5 = require('json5');
  // json5 console.warn()s about U+2028/U+2029 in strings: that would reach
  // runts' stderr outside runc's log format (found by the config fuzz)
  const warn = console.warn;
  console.warn = () => {};
  try {
    return json5.parse(text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    const err: Json5SyntaxError = e;
    const what = err.message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '');
    const where = err.lineNumber !== undefined ? `:${err.lineNumber}:${err.columnNumber ?? 1}` : '';
    throw new ConfigError(`${file}${where}: invalid JSON: ${what}`);
  } finally {
    console.warn = warn;
  }
}

function fsErrorMessage(e: unknown, file: string): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EISDIR') return `read ${file}: is a directory`;
  return `open ${file}: ${errnoText(e)}`;
}

// ---- semantic checks the schema cannot express ----

/**
 * Deeper than any real config (the schema's own is under 10): JSON.parse
 * takes 200,000 levels, but the JSON.stringify of the state record and other
 * recursive walks after it overflow the stack. Go's encoding/json (runc)
 * stops at 10,000; runts at 1,000, where node is still far from its limit.
 */
export const MAX_DEPTH = 1000;

/** Refuses a document nested deeper than MAX_DEPTH, naming the first place too deep. Iterative. */
function checkDepth(data: unknown, file: string, text: string | undefined): void {
  const stack: [unknown, string, number][] = [[data, '', 0]];
  while (stack.length) {
    const [v, pointer, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_DEPTH) {
      // the pointer of a 200,000-deep value is long: its head says enough
      const shown = pointer.length > 200 ? `${pointer.slice(0, 200)}...` : pointer;
      throw new ConfigError(`${file}: ${shown}: nested more than ${MAX_DEPTH} levels deep [depth]${at(text, pointer)}`);
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (const [k, x] of entries) stack.push([x, `${pointer}/${escapePointer(k)}`, depth + 1]);
  }
}

function checkVersion(data: unknown, file: string): void {
  if (!isObject(data) || typeof data.ociVersion !== 'string') return; // the schema reports it
  const v = data.ociVersion;
  const m = VERSION_RE.exec(v);
  if (!m) return; // not SemVer: the schema's pattern reports it
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major !== 1 || minor > 3) {
    throw new ConfigError(`${file}: /ociVersion: unsupported version ${JSON.stringify(v)} (${SUPPORTED})`);
  }
}

function checkUnique(
  values: string[] | undefined,
  base: string,
  what: string,
  file: string,
  text: string | undefined,
): void {
  if (!values) return;
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    const first = seen.get(v);
    if (first === undefined) {
      seen.set(v, i);
      return;
    }
    const pointer = `${base}/${i}/type`;
    throw new ConfigError(
      `${file}: ${pointer}: duplicate ${what} ${JSON.stringify(v)} (already at ${base}/${first})${at(text, pointer)}`,
    );
  });
}

// ---- error reporting ----

/** Keywords whose own error only says "a subschema failed". */
const WRAPPERS = new Set(['if', 'anyOf', 'oneOf', 'allOf', 'not', '$ref', 'propertyNames']);

/**
 * Picks the most useful of ajv's errors. With allErrors off there is usually
 * one, but combinators (anyOf, if/else, propertyNames) add a wrapper error
 * after the errors of their branches.
 */
export function pickError(errors: ErrorObject[]): ErrorObject {
  if (errors.length === 0) {
    return { keyword: 'unknown', instancePath: '', schemaPath: '#', params: {}, message: 'is invalid' };
  }
  const last = errors[errors.length - 1];
  if (last.keyword === 'anyOf' || last.keyword === 'oneOf') {
    const branches = errors.filter((e) => e !== last && e.schemaPath.startsWith(last.schemaPath + '/'));
    // anyOf [{required:[a]}, {required:[b]}] -> "must have at least one of 'a', 'b'"
    if (
      last.keyword === 'anyOf' &&
      branches.length > 0 &&
      branches.every((e) => e.keyword === 'required' && e.instancePath === last.instancePath)
    ) {
      const names = branches.map((e) => `'${String(e.params.missingProperty)}'`);
      return { ...last, message: `must have at least one of the properties ${names.join(', ')}` };
    }
    if (branches.length > 0) return deepest(branches);
    return last;
  }
  const specific = errors.filter((e) => !WRAPPERS.has(e.keyword));
  return deepest(specific.length > 0 ? specific : errors);
}

function deepest(errors: ErrorObject[]): ErrorObject {
  let best = errors[0];
  for (const e of errors) if (depth(e.instancePath) > depth(best.instancePath)) best = e;
  return best;
}

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length - 1;
}

function formatError(err: ErrorObject, data: unknown, file: string, text: string | undefined): string {
  const pointer = err.instancePath;
  let locate = pointer;
  let locateKey = false;
  let message = err.message ?? 'is invalid';
  const params = err.params as Record<string, unknown>;
  const value = valueAt(data, pointer);

  if (err.propertyName !== undefined) {
    // propertyNames: the error is about a key of the object at instancePath.
    locate = `${pointer}/${escapePointer(err.propertyName)}`;
    locateKey = true;
    message = `property name ${JSON.stringify(err.propertyName)} ${message}`;
  }
  switch (err.keyword) {
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const short = allowed.length <= 10;
      const list = short ? allowed.join(', ') : `${allowed.slice(0, 5).join(', ')}, ... ${allowed.length} in all`;
      if (err.propertyName !== undefined) {
        message = `property name ${JSON.stringify(err.propertyName)} must be one of (${list})`;
      } else {
        message = `must be equal to one of the allowed values (${list})`;
        if (!short) message += `; got ${JSON.stringify(value)}`;
      }
      break;
    }
    case 'type':
      message += ` (got ${jsonType(value)})`;
      break;
    case 'pattern':
      if (params.pattern === '^/') message = `must be an absolute path (got ${JSON.stringify(value)})`;
      else if (pointer === '/ociVersion') message = `must be a SemVer version (got ${JSON.stringify(value)})`;
      else message = `${message} (got ${JSON.stringify(value)})`;
      break;
    case 'additionalProperties':
      locate = `${pointer}/${escapePointer(String(params.additionalProperty))}`;
      locateKey = true;
      message = `must NOT have additional property '${String(params.additionalProperty)}'`;
      break;
    case 'minimum':
    case 'maximum':
      message += ` (got ${JSON.stringify(value)})`;
      break;
  }
  return `${file}: ${pointer === '' ? '/' : pointer}: ${message} [${err.keyword}]${at(text, locate, locateKey)}`;
}

function at(text: string | undefined, pointer: string, key = false): string {
  if (text === undefined) return '';
  const pos = locatePointer(text, pointer, key);
  return pos ? ` at line ${pos.line}:${pos.column}` : '';
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(data: unknown, pointer: string): unknown {
  let v: unknown = data;
  for (const seg of splitPointer(pointer)) {
    if (Array.isArray(v)) v = v[Number(seg)];
    else if (isObject(v)) v = v[seg];
    else return undefined;
  }
  return v;
}

// ---- locating a JSON pointer in the source text ----

export interface Position {
  /** 1-based */
  line: number;
  /** 1-based, in UTF-16 code units */
  column: number;
}

/**
 * Finds where the value at a JSON pointer starts in JSON (or JSON5) text.
 * For a duplicated key the last occurrence wins, as with JSON.parse.
 * Returns undefined if the pointer is not found.
 */
export function locatePointer(text: string, pointer: string, key = false): Position | undefined {
  const offset = new Locator(text, key).find(splitPointer(pointer));
  return offset === undefined ? undefined : position(text, offset);
}

function position(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */ || c === 0x2028 || c === 0x2029 || (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** A tolerant scanner of JSON/JSON5 that only tracks positions. */
class Locator {
  private i = 0;
  /** With wantKey, the last segment's key (not its value) is located. */
  constructor(
    private readonly s: string,
    private readonly wantKey = false,
  ) {}

  find(path: string[]): number | undefined {
    this.ws();
    return this.value(path, 0);
  }

  /** Consumes one value; returns the offset of path[depth..] inside it. */
  private value(path: string[], depth: number): number | undefined {
    this.ws();
    const start = this.i;
    const c = this.s[this.i];
    if (depth === path.length) {
      this.skipValue();
      return start;
    }
    if (c === '{') return this.object(path, depth);
    if (c === '[') return this.array(path, depth);
    this.skipValue();
    return undefined;
  }

  private object(path: string[], depth: number): number | undefined {
    let found: number | undefined;
    this.i++; // {
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) return found;
      if (this.s[this.i] === '}') {
        this.i++;
        return found;
      }
      const keyStart = this.i;
      const key = this.key();
      this.ws();
      if (this.s[this.i] !== ':' || this.i === keyStart) return found; // malformed
      this.i++;
      if (key === path[depth] && this.wantKey && depth === path.length - 1) {
        found = keyStart;
        this.ws();
        this.skipValue();
      } else if (key === path[depth]) {
        const r = this.value(path, depth + 1);
        if (r !== undefined) found = r;
      } else {
        this.ws();
        this.skipValue();
      }
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') return found;
    }
  }

  private array(path: string[], depth: number): number | undefined {
    let found: number | undefined;
    this.i++; // [
    for (let index = 0; ; index++) {
      this.ws();
      if (this.i >= this.s.length) return found;
      if (this.s[this.i] === ']') {
        this.i++;
        return found;
      }
      const before = this.i;
      if (String(index) === path[depth]) found = this.value(path, depth + 1);
      else this.skipValue();
      if (this.i === before) return found; // no progress: malformed
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ']') return found;
    }
  }

  private key(): string {
    const c = this.s[this.i];
    if (c === '"' || c === "'") return this.string();
    const start = this.i;
    while (this.i < this.s.length && /[\p{L}\p{N}_$\\\u200c\u200d]/u.test(this.s[this.i])) this.i++;
    return this.s.slice(start, this.i);
  }

  /**
   * Skips one value. Containers are skipped by counting brackets, not by
   * recursion: a hostile document nests 200,000 deep and would overflow the
   * stack (found by the config fuzz).
   */
  private skipValue(): void {
    const s = this.s;
    const c = s[this.i];
    if (c === '"' || c === "'") {
      this.string();
      return;
    }
    if (c !== '{' && c !== '[') {
      while (this.i < s.length && !/[,\]}\s/]/.test(s[this.i])) this.i++;
      return;
    }
    let depth = 0;
    while (this.i < s.length) {
      const ch = s[this.i];
      if (ch === '"' || ch === "'") {
        this.string();
        continue;
      }
      if (ch === '/' && (s[this.i + 1] === '/' || s[this.i + 1] === '*')) {
        this.ws();
        continue;
      }
      this.i++;
      if (ch === '{' || ch === '[') depth++;
      else if ((ch === '}' || ch === ']') && --depth === 0) return;
    }
  }

  /** Reads a quoted string at i and returns its decoded content. */
  private string(): string {
    const quote = this.s[this.i++];
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++];
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'v':
          out += '\v';
          break;
        case '0':
          out += '\0';
          break;
        case 'u':
          out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + 4), 16));
          this.i += 4;
          break;
        case 'x':
          out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + 2), 16));
          this.i += 2;
          break;
        case '\r':
          if (this.s[this.i] === '\n') this.i++;
          break;
        case '\n':
        case '\u2028':
        case '\u2029':
          break; // JSON5 line continuation
        default:
          out += e ?? '';
      }
    }
    return out;
  }

  /** Skips whitespace and comments. */
  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i];
      if (/\s/.test(c)) {
        this.i++;
      } else if (c === '/' && s[this.i + 1] === '/') {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
      } else if (c === '/' && s[this.i + 1] === '*') {
        const end = s.indexOf('*/', this.i + 2);
        this.i = end < 0 ? s.length : end + 2;
      } else {
        return;
      }
    }
  }
}
