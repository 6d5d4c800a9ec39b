// The shape of config/<env>.json, declared once with zod: the loader checks files against it, the TypeScript type is
// inferred from it, and the JSON Schema that editors use (schemas/environment-config.schema.json) is generated from it.
import { z } from 'zod';

export const SUFFIX_PATTERN = /^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$/;
export const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** A template parameter's value as CloudFormation takes it; lists may be written as JSON arrays. */
export const parameterValueSchema = z
  .union([z.string(), z.number(), z.boolean(), z.array(z.string())], {
    error: 'must be a string, number, boolean or list of strings',
  })
  .meta({
    description: 'A template parameter value: string, number, boolean, or a list (CommaDelimitedList / List<…>).',
  });

const parameterBlock = (description: string) =>
  z.record(z.string(), parameterValueSchema).optional().meta({ description });

const regionName = (role: string, example: string) =>
  z
    .string({ error: 'must be a region name' })
    .regex(REGION_PATTERN, { error: 'is not a region name' })
    .meta({ description: `The ${role} region, e.g. "${example}".` });

const positiveSeconds = (description: string) =>
  z.number({ error: 'must be a number of seconds' }).positive({ error: 'must be a positive number of seconds' }).meta({
    description,
  });

export const environmentConfigSchema = z
  .strictObject({
    $schema: z
      .string()
      .optional()
      .meta({ description: 'The JSON Schema of this file, for editors (drctl ignores it).' }),
    environment: z
      .string({ error: 'must be the environment name' })
      .meta({ description: 'The environment name: the file name without .json (e.g. "dev").' }),
    environmentSuffix: z
      .string({ error: 'must be a string' })
      .regex(SUFFIX_PATTERN, { error: 'is not a valid suffix' })
      .meta({
        description:
          'Appended to every resource name: 1-20 lowercase letters, digits and hyphens, starting and ending with a letter or digit (e.g. "dev", "prod-1").',
      }),
    application: z
      .string({ error: 'is missing' })
      .min(1, { error: 'is missing' })
      .meta({ description: 'Application tag on every stack, e.g. "trading-platform".' }),
    stackPrefix: z
      .string({ error: 'is missing or invalid' })
      .regex(NAME_PATTERN, { error: 'is missing or invalid' })
      .meta({
        description:
          'Stack names are <stackPrefix>-<layer>-<environmentSuffix>; lowercase letters, digits and hyphens (e.g. "trading").',
      }),
    expectedAccountId: z
      .string({ error: 'must be a 12-digit account id' })
      .regex(/^\d{12}$/, { error: 'must be a 12-digit account id' })
      .optional()
      .meta({ description: 'When set, every command that talks to AWS refuses credentials of any other account.' }),
    regions: z
      .strictObject({
        primary: regionName('primary', 'us-east-1'),
        secondary: regionName('secondary', 'us-west-2'),
      })
      .refine((r) => r.primary !== r.secondary, { error: 'primary and secondary are the same region' })
      .meta({ description: 'The two regions of the environment.' }),
    objectives: z
      .strictObject({
        rtoSeconds: positiveSeconds('Recovery time objective per recovery path, in seconds (e.g. 300).'),
        rpoSeconds: positiveSeconds('Recovery point objective per store holding trading state, in seconds (e.g. 60).'),
      })
      .meta({ description: 'What drctl report and drctl drill measure against.' }),
    deploy: z
      .strictObject({
        concurrency: z
          .number({ error: 'must be an integer from 1 to 16' })
          .int({ error: 'must be an integer from 1 to 16' })
          .min(1, { error: 'must be an integer from 1 to 16' })
          .max(16, { error: 'must be an integer from 1 to 16' })
          .optional()
          .meta({ description: 'Stack operations at once (default 4); --concurrency overrides it.' }),
      })
      .optional()
      .meta({ description: 'Deploy settings.' }),
    parameters: z
      .strictObject({
        common: parameterBlock('Template parameter values used in both regions.'),
        primary: parameterBlock('Template parameter values for the primary region; override common.'),
        secondary: parameterBlock('Template parameter values for the secondary region; override common.'),
      })
      .meta({
        description:
          'Template parameter values: common in both regions, a region block overrides it. Every name must be declared by a template.',
      }),
  })
  .meta({
    title: 'drctl environment configuration',
    description: 'config/<environment>.json: one environment of the trading platform, both regions.',
  });

export type EnvironmentConfigInput = z.input<typeof environmentConfigSchema>;
export type ParsedEnvironmentConfig = z.output<typeof environmentConfigSchema>;

/** How to fix a field, by the first segment(s) of its path: the text every E_CONFIG_INVALID carries. */
const FIXES: [RegExp, string][] = [
  [/^environment$/, 'Set "environment" to the file name without .json.'],
  [
    /^environmentSuffix$/,
    'Use 1-20 lowercase letters, digits and hyphens, starting and ending with a letter or digit (e.g. "dev", "prod-1").',
  ],
  [/^application$/, 'Set "application": "trading-platform".'],
  [/^stackPrefix$/, 'Set "stackPrefix": "trading" (lowercase letters, digits, hyphens).'],
  [
    /^expectedAccountId$/,
    'Use the 12-digit id of the account this environment lives in (as a string), or remove the field.',
  ],
  [/^regions$/, 'Choose two different regions.'],
  [/^regions\./, 'Use a region name such as "us-east-1" / "us-west-2".'],
  [/^objectives/, 'Set e.g. "objectives": { "rtoSeconds": 300, "rpoSeconds": 60 }.'],
  [/^deploy/, 'Set "deploy": { "concurrency": 4 }.'],
  [/^parameters\.(common|primary|secondary)\./, 'Give the value as CloudFormation would take it.'],
  [/^parameters\.[^.]+$/, 'Use only "common", "primary" and "secondary".'],
  [/^parameters$/, 'Add "parameters": { "common": {}, "primary": {}, "secondary": {} }.'],
];

export function fixFor(field: string): string {
  return FIXES.find(([re]) => re.test(field))?.[1] ?? 'Start from config/dev.json.';
}
