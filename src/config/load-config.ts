// Loads config/<env>.json and checks it against the zod schema; every problem names the file, the field (and its
// line), the value found and the fix. Template parameter values are checked by the plan's parameter resolution.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../errors.js';
import { parseJsonSource } from '../templates/json-source.js';
import type { RegionRole } from '../templates/template-types.js';
import { environmentConfigSchema, fixFor, NAME_PATTERN } from './config-schema.js';
import type { EnvironmentConfig, LoadedConfig, ParameterValue } from './config-types.js';
import { schemaError, schemaProblems, type SchemaProblem } from './schema-errors.js';

export { SUFFIX_PATTERN } from './config-schema.js';

export const DEFAULT_ENVIRONMENT = 'dev';
export const CONFIG_DIR = 'config';

export async function listEnvironments(root: string): Promise<string[]> {
  try {
    return (await readdir(path.join(root, CONFIG_DIR)))
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -5))
      .sort();
  } catch {
    return [];
  }
}

/** The keys the object at a config path accepts, for "did you mean" on a misspelt one. */
function knownKeys(field: string): string[] {
  const shape = (
    field === ''
      ? environmentConfigSchema.shape
      : ((environmentConfigSchema.shape as Record<string, unknown>)[field] as { shape?: object } | undefined)?.shape
  ) as Record<string, unknown> | undefined;
  return Object.keys(shape ?? {}).filter((k) => k !== '$schema');
}

export async function loadConfig(root: string, env: string = DEFAULT_ENVIRONMENT): Promise<LoadedConfig> {
  const file = path.join(CONFIG_DIR, `${env}.json`);
  if (!NAME_PATTERN.test(env)) {
    throw usageError(
      'E_ENV_NAME',
      `--env "${env}" is not a valid environment name`,
      'Use lowercase letters, digits and hyphens, naming a file under config/.',
      { field: '--env' },
    );
  }
  let text: string;
  try {
    text = await readFile(path.join(root, file), 'utf8');
  } catch {
    const known = await listEnvironments(root);
    throw usageError(
      'E_ENV_UNKNOWN',
      `unknown environment "${env}": ${file} does not exist`,
      `Use one of: ${known.join(', ') || '(none)'}; or create ${file} from config/dev.json.`,
      { file, field: '--env' },
    );
  }
  const source = parseJsonSource<unknown>(file, text);
  return { file, config: checkConfig(file, env, source.value, source.lineOf), source };
}

/** The config checked against the schema (and against its file name); throws E_CONFIG_INVALID listing every problem. */
export function checkConfig(
  file: string,
  env: string,
  value: unknown,
  lineOf?: (path: (string | number)[]) => number | undefined,
): EnvironmentConfig {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw schemaError('E_CONFIG_INVALID', 'config', file, [
      { field: '(root)', message: 'must be a JSON object', fix: 'Start from config/dev.json.' },
    ]);
  }
  const parsed = environmentConfigSchema.safeParse(value, { reportInput: true });
  const problems: SchemaProblem[] = parsed.success
    ? []
    : schemaProblems(parsed.error.issues, fixFor, { ...(lineOf ? { lineOf } : {}), knownKeys });
  const environment = (value as { environment?: unknown }).environment;
  if (typeof environment === 'string' && environment !== env)
    problems.unshift({
      field: 'environment',
      message: `is "${environment}" but the file is ${env}.json`,
      fix: `Set "environment": "${env}".`,
      line: lineOf?.(['environment']),
    });
  if (problems.length || !parsed.success) throw schemaError('E_CONFIG_INVALID', 'config', file, problems);
  return parsed.data;
}

export function parameterToString(v: ParameterValue): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** Parameters drctl passes itself, when the template declares them. */
export function automaticParameters(c: EnvironmentConfig, role: RegionRole): Record<string, string> {
  return {
    EnvironmentSuffix: c.environmentSuffix,
    RegionRole: role,
    PrimaryRegion: c.regions.primary,
    SecondaryRegion: c.regions.secondary,
  };
}

/** Where each automatic parameter's value comes from in the config, for errors about it. */
export const AUTOMATIC_SOURCES: Record<string, (role: RegionRole) => string> = {
  EnvironmentSuffix: () => 'environmentSuffix',
  RegionRole: () => '(the region role)',
  PrimaryRegion: () => 'regions.primary',
  SecondaryRegion: () => 'regions.secondary',
};

export function stackName(c: EnvironmentConfig, layer: string): string {
  return `${c.stackPrefix}-${layer}-${c.environmentSuffix}`;
}
