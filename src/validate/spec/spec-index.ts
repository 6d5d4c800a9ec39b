// The CloudFormation resource specification as shipped in @aws-cdk/aws-service-spec, reduced to what the
// structure rules need (property shapes, required properties, attributes). Reading the full database costs
// ~0.3 s (gunzip + parse of 2.6 MB); the reduced index is cached on disk, keyed by the package version, one resource
// type per line, and a run parses only the lines of the types its templates use.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { cacheRoot } from '../../config/environment-variables.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  /** Attributes whose value is a list; the others named in `scalarAttributes` are single values (Fn::GetAtt shapes). */
  listAttributes?: string[];
  scalarAttributes?: string[];
  /** The nested property types reachable from this resource, by id (what `{kind: 'ref'}` names). */
  types: Record<string, SpecObject>;
}

export interface SpecIndex {
  version: string;
  /** Every resource type the specification knows. */
  resourceTypes(): string[];
  resource(type: string): SpecResource | undefined;
}
const INDEX_FORMAT = 3;

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
    resource: {
      entities: {
        cloudFormationType: string;
        name: string;
        properties: Record<string, RawProperty>;
        attributes?: Record<string, { type?: RawType }>;
      }[];
    };
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

function refsOf(t: SpecType, out: string[]): void {
  if (t.kind === 'ref') out.push(t.ref);
  else if (t.kind === 'array' || t.kind === 'map') refsOf(t.element, out);
  else if (t.kind === 'union') for (const x of t.types) refsOf(x, out);
}

/** Builds every resource type's self-contained entry (its properties, attributes and reachable nested types). */
export function buildSpecEntries(db: RawDb): Map<string, SpecResource> {
  const types = new Map<string, SpecObject>();
  for (const t of db.schema.typeDefinition.entities)
    types.set(t.$id, { name: t.name, properties: convertProperties(t.properties) });
  const entries = new Map<string, SpecResource>();
  for (const r of db.schema.resource.entities) {
    const properties = convertProperties(r.properties);
    const reachable: Record<string, SpecObject> = {};
    const queue: string[] = [];
    const enqueue = (props: Record<string, SpecProperty>): void => {
      for (const p of Object.values(props)) for (const t of [p.type, ...(p.previous ?? [])]) refsOf(t, queue);
    };
    enqueue(properties);
    while (queue.length) {
      const id = queue.pop() as string;
      const def = types.get(id);
      if (!def || reachable[id]) continue;
      reachable[id] = def;
      enqueue(def.properties);
    }
    const attrs = Object.entries(r.attributes ?? {});
    const listAttributes = attrs.filter(([, a]) => a.type?.type === 'array').map(([n]) => n);
    const scalarAttributes = attrs
      .filter(([, a]) => ['string', 'number', 'integer', 'boolean'].includes(a.type?.type ?? ''))
      .map(([n]) => n);
    entries.set(r.cloudFormationType, {
      name: r.cloudFormationType,
      properties,
      attributes: attrs.map(([n]) => n),
      listAttributes,
      scalarAttributes,
      types: reachable,
    });
  }
  return entries;
}

/** An index over cache text: `<header>\n` then one `<type>\t<json>` line per resource type, parsed on first use. */
function indexFromText(text: string, version: string): SpecIndex {
  const offsets = new Map<string, [number, number]>();
  let at = text.indexOf('\n') + 1;
  while (at > 0 && at < text.length) {
    const tab = text.indexOf('\t', at);
    let end = text.indexOf('\n', tab);
    if (end < 0) end = text.length;
    offsets.set(text.slice(at, tab), [tab + 1, end]);
    at = end + 1;
  }
  const parsed = new Map<string, SpecResource>();
  return {
    version,
    resourceTypes: () => [...offsets.keys()],
    resource(type: string): SpecResource | undefined {
      const hit = parsed.get(type);
      if (hit) return hit;
      const range = offsets.get(type);
      if (!range) return undefined;
      const entry = JSON.parse(text.slice(range[0], range[1])) as SpecResource;
      parsed.set(type, entry);
      return entry;
    },
  };
}

function serialise(entries: Map<string, SpecResource>, version: string): string {
  const lines = [JSON.stringify({ version, format: INDEX_FORMAT })];
  for (const [type, entry] of entries) lines.push(`${type}\t${JSON.stringify(entry)}`);
  return `${lines.join('\n')}\n`;
}

function specPackageDir(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('@aws-cdk/aws-service-spec/package.json');
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  return { dir: path.dirname(pkgJson), version };
}

export function defaultCacheDir(): string {
  return cacheRoot(os.tmpdir());
}

let loaded: SpecIndex | undefined;

/** The index written next to the compiled module by `npm run build` (see writeBuiltIndex): what a fresh checkout reads. */
function builtIndexFile(version: string): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), `cfn-spec-index-${version}-v${INDEX_FORMAT}.tsv`);
}

/** The index, loaded once per process: the one built with the package when there, else the cache, else built now. */
export function loadSpecIndex(): SpecIndex {
  if (loaded) return loaded;
  const { version } = specPackageDir();
  try {
    const text = readFileSync(builtIndexFile(version), 'utf8');
    const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as { version: string; format: number };
    if (header.version === version && header.format === INDEX_FORMAT) loaded = indexFromText(text, version);
  } catch {
    // Running from source, or a build without the index: use the cache.
  }
  loaded ??= openSpecIndex(defaultCacheDir()).index;
  return loaded;
}

/**
 * Writes the index beside this module. `npm run build` calls it, so CI and a fresh clone start with the index instead
 * of spending a second of every cold run on decompressing and parsing the specification database.
 */
export function writeBuiltIndex(): string {
  const { dir, version } = specPackageDir();
  const db = JSON.parse(gunzipSync(readFileSync(path.join(dir, 'db.json.gz'))).toString('utf8')) as RawDb;
  const file = builtIndexFile(version);
  writeFileSync(file, serialise(buildSpecEntries(db), version));
  return file;
}

/** Reads the index from the cache in `cacheDir` when it is there and current, else builds it from the package and caches it. */
export function openSpecIndex(cacheDir: string): { index: SpecIndex; fromCache: boolean } {
  const { dir, version } = specPackageDir();
  const cache = path.join(cacheDir, `cfn-spec-index-${version}-v${INDEX_FORMAT}.tsv`);
  try {
    const text = readFileSync(cache, 'utf8');
    const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as { version: string; format: number };
    if (header.version === version && header.format === INDEX_FORMAT)
      return { index: indexFromText(text, version), fromCache: true };
  } catch {
    // No cache yet (or a damaged one): build it below.
  }
  const db = JSON.parse(gunzipSync(readFileSync(path.join(dir, 'db.json.gz'))).toString('utf8')) as RawDb;
  const text = serialise(buildSpecEntries(db), version);
  const index = indexFromText(text, version);
  try {
    mkdirSync(path.dirname(cache), { recursive: true });
    // Write then rename so a concurrent reader never sees half a file.
    const tmp = `${cache}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, cache);
  } catch {
    // A read-only temp dir only costs speed.
  }
  return { index, fromCache: false };
}
