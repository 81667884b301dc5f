// The official runtime-spec JSON schemas (draft-04, copied in spec-v1.3.0/schema),
// compiled with ajv 8: "$schema" dropped, each file registered under its name so
// "defs.json#/definitions/..." references resolve.
import Ajv from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SPEC_DIR } from './statements';

export type Validate = ((data: unknown) => boolean) & { errors?: unknown };

const cache = new Map<string, Validate>();

export function officialSchema(name: string): Validate {
  const hit = cache.get(name);
  if (hit) return hit;
  const dir = path.join(SPEC_DIR, 'schema');
  const ajv = new Ajv({ strict: false, allErrors: false });
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const schema = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>;
    delete schema.$schema;
    ajv.addSchema(schema, f);
  }
  const v = ajv.getSchema(name);
  if (!v) throw new Error(`${name} missing from ${dir}`);
  const validate = ((data: unknown) => {
    const ok = v(data) as boolean;
    validate.errors = v.errors;
    return ok;
  }) as Validate;
  cache.set(name, validate);
  return validate;
}
