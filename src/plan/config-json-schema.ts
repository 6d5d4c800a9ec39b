// The JSON Schema editors use for config/<env>.json (schemas/environment-config.schema.json, referenced by each
// config's "$schema"): generated from the config's zod schema, with every template parameter spelled out under
// parameters.common / primary / secondary (type, allowed values, pattern, range, description, default), so an editor
// completes parameter names and flags a value CloudFormation would refuse. drctl itself checks values with the
// plan's parameter resolution, which also names the nearest valid value and evaluates the templates' Rules.
import { z } from 'zod';
import { environmentConfigSchema } from '../config/config-schema.js';
import type { LoadedTemplate } from '../templates/catalog.js';
import type { CfnParameter } from '../templates/template-types.js';
import { parameterKind } from './parameter-constraints.js';

export const CONFIG_SCHEMA_FILE = 'schemas/environment-config.schema.json';

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Values a JSON config may hold for one allowed value: "2" and 2; "true" and true. */
function literalsFor(v: string): z.ZodType[] {
  const out: z.ZodType[] = [z.literal(v)];
  if (NUMERIC.test(v)) out.push(z.literal(Number(v)));
  if (v === 'true' || v === 'false') out.push(z.literal(v === 'true'));
  return out;
}

function elementSchema(p: CfnParameter): z.ZodType {
  const kind = parameterKind(p.Type ?? 'String');
  if (p.AllowedValues?.length) {
    const options = p.AllowedValues.map(String).flatMap(literalsFor);
    return options.length === 1 ? options[0]! : z.union(options as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  }
  if (kind.numeric) {
    let n = z.number();
    if (p.MinValue !== undefined) n = n.min(Number(p.MinValue));
    if (p.MaxValue !== undefined) n = n.max(Number(p.MaxValue));
    return z.union([n, z.string().regex(NUMERIC)]);
  }
  let s = z.string();
  if (kind.shape) s = s.regex(kind.shape.pattern);
  else if (p.AllowedPattern !== undefined) {
    try {
      s = s.regex(new RegExp(`^(?:${p.AllowedPattern})$`));
    } catch {
      // a pattern JavaScript cannot read: leave the value unconstrained for editors
    }
  }
  if (!kind.list) {
    if (p.MinLength !== undefined) s = s.min(Number(p.MinLength));
    if (p.MaxLength !== undefined) s = s.max(Number(p.MaxLength));
  }
  return s;
}

function valueSchema(name: string, declarations: { file: string; p: CfnParameter }[]): z.ZodType {
  const { p } = declarations[0]!;
  const kind = parameterKind(p.Type ?? 'String');
  const element = elementSchema(p);
  // A list is written as a JSON array or as CloudFormation's comma-separated string.
  const schema = kind.list
    ? z.union([z.array(kind.numeric ? z.union([z.string(), z.number()]) : z.string()), z.string()])
    : element;
  const files = [...new Set(declarations.map((d) => d.file))].join(', ');
  return schema.optional().meta({
    description: `${p.Description ?? name} (${p.Type}; ${files})`,
    ...(p.Default !== undefined ? { default: p.Default } : {}),
  });
}

/** The config schema with one property per template parameter in each parameter block. */
export function editorConfigSchema(layers: Map<string, LoadedTemplate>) {
  const declarations = new Map<string, { file: string; p: CfnParameter }[]>();
  for (const t of [...layers.values()].sort((a, b) => a.file.localeCompare(b.file)))
    for (const [name, p] of Object.entries(t.template.Parameters ?? {}))
      declarations.set(name, [...(declarations.get(name) ?? []), { file: t.file, p }]);
  const shape = Object.fromEntries(
    [...declarations].sort(([a], [b]) => a.localeCompare(b)).map(([name, d]) => [name, valueSchema(name, d)]),
  );
  // One definition shared by the three blocks (a $ref each), so the file lists every parameter once.
  const parameters = z.strictObject(shape).meta({
    id: 'TemplateParameters',
    description: 'Every parameter the layer templates declare.',
  });
  const block = (description: string) => parameters.optional().meta({ description });
  const base = environmentConfigSchema.shape;
  return environmentConfigSchema.extend({
    parameters: z
      .strictObject({
        common: block(base.parameters.shape.common.description ?? 'Both regions.'),
        primary: block(base.parameters.shape.primary.description ?? 'The primary region.'),
        secondary: block(base.parameters.shape.secondary.description ?? 'The secondary region.'),
      })
      .meta({ description: base.parameters.description ?? 'Template parameter values.' }),
  });
}

/** The JSON Schema text as committed: draft-07 (what editors support most widely), two-space indented. */
export function configJsonSchemaText(layers: Map<string, LoadedTemplate>): string {
  const schema = z.toJSONSchema(editorConfigSchema(layers), { target: 'draft-7', io: 'input' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
