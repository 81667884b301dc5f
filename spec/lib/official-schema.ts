// The official runtime-spec JSON schemas, compiled for tests. The files are
// draft-04 and refer to each other by file name ("defs.json#/definitions/...");
// they use no draft-04-only keywords, so dropping "$schema" and registering
// each file under its name lets ajv 8 compile them unchanged.
import Ajv from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/** runtime-spec v1.3.0's schemas: the copy the conformance suite ships in the repository */
export const SPEC_130_SCHEMAS = path.resolve(__dirname, '..', '..', 'conformance', 'spec-v1.3.0', 'schema');

export function officialSchema(dir: string, name: string): Validate {
  if (!fs.existsSync(dir)) throw new Error(`official schemas not found in ${dir}`);
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
  return validate;
}
