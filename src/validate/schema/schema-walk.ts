// Walks a resource's Properties in one condition scenario alongside its registry schema: each value present there is
// handed over with the subschema that constrains it. Values that are intrinsic functions are visited (rules skip what
// they cannot judge) but not entered: their content is only known at deploy time.
import { isIntrinsic, items, members, type Conditions, type View } from '../scenario/view.js';
import { branches, deref, type JsonSchema } from './registry-schemas.js';

export interface SchemaVisit {
  view: View;
  /** The subschema, `$ref` resolved. */
  schema: JsonSchema;
  root: JsonSchema;
}

const patternCache = new Map<string, RegExp | null>();

function cacheAs(pattern: string, re: RegExp | null): RegExp | null {
  patternCache.set(pattern, re);
  return re;
}

/** A registry pattern as a RegExp; null when JavaScript cannot compile it (the pattern is then not checked). */
export function schemaRegExp(pattern: string): RegExp | null {
  let re = patternCache.get(pattern);
  if (re !== undefined) return re;
  // Registry patterns are written for Java / Python engines: leading inline flags and \A, \Z, \z anchors.
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline) {
    if ((inline[1] as string).includes('x')) return cacheAs(pattern, null);
    flags = [...new Set(inline[1])].join('');
    source = source.slice(inline[0].length);
  }
  source = source.replace(/\\A/g, '^').replace(/\\[Zz]/g, '$');
  re = null;
  for (const f of [`${flags}u`, flags]) {
    try {
      re = new RegExp(source, f);
      break;
    } catch {
      // Not compilable with these flags: try without Unicode mode, else leave the pattern unchecked.
    }
  }
  return cacheAs(pattern, re);
}

/** The subschema of member `key`: from properties, patternProperties, allOf, an unambiguous oneOf/anyOf branch, or additionalProperties. */
export function propertySchema(s: JsonSchema, key: string, root: JsonSchema, depth = 0): JsonSchema | undefined {
  if (depth > 8) return undefined;
  const props = s.properties as Record<string, JsonSchema> | undefined;
  if (props && typeof props[key] === 'object') return deref(props[key], root);
  const patterns = s.patternProperties as Record<string, JsonSchema> | undefined;
  if (patterns)
    for (const [p, sub] of Object.entries(patterns)) if (schemaRegExp(p)?.test(key)) return deref(sub, root);
  for (const b of branches(s, 'allOf', root)) {
    const found = propertySchema(b, key, root, depth + 1);
    if (found) return found;
  }
  const alternatives = [...branches(s, 'oneOf', root), ...branches(s, 'anyOf', root)]
    .map((b) => propertySchema(b, key, root, depth + 1))
    .filter((x): x is JsonSchema => x !== undefined);
  if (alternatives.length && alternatives.every((a) => JSON.stringify(a) === JSON.stringify(alternatives[0])))
    return alternatives[0];
  const extra = s.additionalProperties;
  if (extra && typeof extra === 'object') return deref(extra as JsonSchema, root);
  return undefined;
}

export function walkSchema(
  view: View,
  schema: JsonSchema,
  root: JsonSchema,
  conds: Conditions,
  visit: (v: SchemaVisit) => void,
): void {
  const s = deref(schema, root);
  visit({ view, schema: s, root });
  if (isIntrinsic(view)) return;
  const list = items(view, conds);
  if (list) {
    const itemSchema = s.items;
    if (itemSchema && typeof itemSchema === 'object' && !Array.isArray(itemSchema))
      for (const item of list) walkSchema(item, itemSchema as JsonSchema, root, conds, visit);
    return;
  }
  for (const [key, child] of members(view, conds)) {
    const sub = propertySchema(s, key, root);
    if (sub) walkSchema(child, sub, root, conds, visit);
  }
}
