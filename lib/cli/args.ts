// A small parser with urfave/cli's rules, which runc uses: long flags as
// `--flag v`, `--flag=v`, `-flag v`; short aliases `-b v`; booleans take no
// value unless written `--flag=false`; parsing of a subcommand's flags stops
// at the first positional argument (so `exec ID sh -c x` keeps `-c x` for sh).
// yargs was not used: its boolean negation (`--no-pivot` becoming pivot=false)
// and its option grammar differ from runc's.

export type FlagKind = 'bool' | 'string' | 'strings' | 'int';

export interface FlagSpec {
  /** long name without dashes, e.g. "pid-file" */
  name: string;
  /** other names, e.g. ["b"] */
  aliases?: string[];
  kind: FlagKind;
  usage: string;
  default?: string | boolean | number | string[];
}

export type FlagValues = Record<string, string | boolean | number | string[] | undefined>;

export class UsageError extends Error {}

export interface Parsed {
  flags: FlagValues;
  args: string[];
}

/**
 * urfave/cli v1's reorderArgs (runc 1.1 vendors it): every argument that
 * starts with "-" (and the one after it, if that does not and the flag has no
 * "=") moves to the front; the rest keep their order; nothing after "--" moves.
 * So `update ID --memory-swap -1` is `update --memory-swap -1 ID`.
 */
export function reorderArgs(argv: string[]): string[] {
  const flags: string[] = [];
  const rest: string[] = [];
  let valueMayFollow = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (valueMayFollow && !a.startsWith('-')) {
      valueMayFollow = false;
      flags.push(a);
      continue;
    }
    valueMayFollow = false;
    if (a !== '-' && a.startsWith('-')) {
      flags.push(a);
      valueMayFollow = !a.includes('=');
    } else {
      rest.push(a);
    }
  }
  return [...flags, ...rest];
}

/**
 * Parses argv against the flag table. When stopAtPositional is set, the first
 * non-flag argument and everything after it are positional.
 */
export function parseFlags(argv: string[], specs: FlagSpec[], stopAtPositional = true): Parsed {
  const byName = new Map<string, FlagSpec>();
  for (const s of specs) {
    byName.set(s.name, s);
    for (const a of s.aliases ?? []) byName.set(a, s);
  }
  const flags: FlagValues = {};
  for (const s of specs) if (s.default !== undefined) flags[s.name] = s.default;
  const args: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (a.length < 2 || a[0] !== '-' || a === '-') {
      if (stopAtPositional) break;
      args.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`flag provided but not defined: -${name}`);
    let value: string | undefined = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (spec.kind === 'bool') {
      if (value === undefined) flags[spec.name] = true;
      else if (/^(1|t|true|TRUE|True)$/.test(value)) flags[spec.name] = true;
      else if (/^(0|f|false|FALSE|False)$/.test(value)) flags[spec.name] = false;
      else throw new UsageError(`invalid boolean value "${value}" for -${name}`);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${name}`);
      value = argv[++i];
    }
    if (spec.kind === 'int') {
      if (!/^-?\d+$/.test(value)) throw new UsageError(`invalid value "${value}" for flag -${name}: parse error`);
      flags[spec.name] = Number(value);
    } else if (spec.kind === 'strings') {
      const prev = flags[spec.name];
      flags[spec.name] = [...(Array.isArray(prev) && prev !== spec.default ? prev : []), value];
    } else {
      flags[spec.name] = value;
    }
  }
  args.push(...argv.slice(i));
  return { flags, args };
}

export function str(v: FlagValues, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}
export function bool(v: FlagValues, name: string): boolean {
  return v[name] === true;
}
export function int(v: FlagValues, name: string): number | undefined {
  const x = v[name];
  return typeof x === 'number' ? x : undefined;
}
export function strs(v: FlagValues, name: string): string[] {
  const x = v[name];
  return Array.isArray(x) ? x : [];
}
