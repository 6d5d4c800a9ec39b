// The CloudFormation resource specification as shipped in @aws-cdk/aws-service-spec, reduced to what the
// structure rules need (property shapes, required properties, attributes). Reading the full database costs
// ~0.3 s (gunzip + parse of 2.6 MB); the reduced index is cached on disk, keyed by the package version.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A property's shape. `ref` names an entry of `SpecIndex.types`. */
export type SpecType =
  | { kind: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'tag' | 'date-time' | 'any' }
  | { kind: 'array' | 'map'; element: SpecType }
  | { kind: 'ref'; ref: string }
  | { kind: 'union'; types: SpecType[] };

export interface SpecProperty {
  type: SpecType;
  /** Older shapes CloudFormation still accepts for this property. */
  previous?: SpecType[];
  required?: boolean;
}

export interface SpecObject {
  name: string;
  properties: Record<string, SpecProperty>;
}

export interface SpecResource extends SpecObject {
  attributes: string[];
}

export interface SpecIndex {
  version: string;
  resources: Record<string, SpecResource>;
  types: Record<string, SpecObject>;
}

const INDEX_FORMAT = 1;

interface RawType {
  type: string;
  element?: RawType;
  reference?: { $ref: string };
  types?: RawType[];
}
interface RawProperty {
  type: RawType;
  previousTypes?: RawType[];
  required?: boolean;
}
interface RawDb {
  schema: {
    resource: { entities: { cloudFormationType: string; name: string; properties: Record<string, RawProperty>; attributes?: Record<string, unknown> }[] };
    typeDefinition: { entities: { $id: string; name: string; properties: Record<string, RawProperty> }[] };
  };
}

function convertType(t: RawType): SpecType {
  switch (t.type) {
    case 'array':
    case 'map':
      return { kind: t.type, element: t.element ? convertType(t.element) : { kind: 'any' } };
    case 'ref':
      return { kind: 'ref', ref: t.reference?.$ref ?? '' };
    case 'union':
      return { kind: 'union', types: (t.types ?? []).map(convertType) };
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
    case 'json':
    case 'tag':
    case 'date-time':
      return { kind: t.type };
    default:
      // A shape this code does not know yet: accept anything rather than report false errors.
      return { kind: 'any' };
  }
}

function convertProperties(props: Record<string, RawProperty>): Record<string, SpecProperty> {
  const out: Record<string, SpecProperty> = {};
  for (const [name, p] of Object.entries(props)) {
    out[name] = {
      type: convertType(p.type),
      ...(p.previousTypes?.length ? { previous: p.previousTypes.map(convertType) } : {}),
      ...(p.required ? { required: true } : {}),
    };
  }
  return out;
}

/** Builds the reduced index from the raw database JSON (exported for tests of the reduction). */
export function buildSpecIndex(db: RawDb, version: string): SpecIndex {
  const resources: Record<string, SpecResource> = {};
  for (const r of db.schema.resource.entities) {
    resources[r.cloudFormationType] = { name: r.cloudFormationType, properties: convertProperties(r.properties), attributes: Object.keys(r.attributes ?? {}) };
  }
  const types: Record<string, SpecObject> = {};
  for (const t of db.schema.typeDefinition.entities) types[t.$id] = { name: t.name, properties: convertProperties(t.properties) };
  return { version, resources, types };
}

function specPackageDir(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('@aws-cdk/aws-service-spec/package.json');
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  return { dir: path.dirname(pkgJson), version };
}

function cacheFile(version: string): string {
  const base = process.env.DRCTL_CACHE_DIR ?? path.join(os.tmpdir(), 'drctl-cache');
  return path.join(base, `cfn-spec-index-${version}-v${INDEX_FORMAT}.json`);
}

let loaded: SpecIndex | undefined;

/** The index, loaded once per process: from the on-disk cache when present, else from the package (and cached). */
export function loadSpecIndex(): SpecIndex {
  if (loaded) return loaded;
  const { dir, version } = specPackageDir();
  const cache = cacheFile(version);
  try {
    const cached = JSON.parse(readFileSync(cache, 'utf8')) as SpecIndex;
    if (cached.version === version) return (loaded = cached);
  } catch {
    // No cache yet (or a damaged one): build it below.
  }
  const db = JSON.parse(gunzipSync(readFileSync(path.join(dir, 'db.json.gz'))).toString('utf8')) as RawDb;
  loaded = buildSpecIndex(db, version);
  try {
    mkdirSync(path.dirname(cache), { recursive: true });
    // Write then rename so a concurrent reader never sees half a file.
    const tmp = `${cache}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(loaded));
    renameSync(tmp, cache);
  } catch {
    // A read-only temp dir only costs speed.
  }
  return loaded;
}
