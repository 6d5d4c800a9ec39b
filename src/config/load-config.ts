// Loads and checks config/<env>.json; every problem names the file, the field and the fix.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { configError, usageError } from '../errors.js';
import { parseJsonSource } from '../templates/json-source.js';
import type { EnvironmentConfig, LoadedConfig, ParameterValue } from './config-types.js';
import type { CfnTemplate, RegionRole } from '../templates/template-types.js';

export const DEFAULT_ENVIRONMENT = 'dev';
export const CONFIG_DIR = 'config';
export const SUFFIX_PATTERN = /^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$/;
const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const ENV_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

export async function listEnvironments(root: string): Promise<string[]> {
  try {
    return (await readdir(path.join(root, CONFIG_DIR))).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).sort();
  } catch {
    return [];
  }
}

export async function loadConfig(root: string, env: string = DEFAULT_ENVIRONMENT): Promise<LoadedConfig> {
  const file = path.join(CONFIG_DIR, `${env}.json`);
  if (!ENV_NAME_PATTERN.test(env)) {
    throw usageError('E_ENV_NAME', `--env "${env}" is not a valid environment name`, 'Use lowercase letters, digits and hyphens, naming a file under config/.', { field: '--env' });
  }
  let text: string;
  try {
    text = await readFile(path.join(root, file), 'utf8');
  } catch {
    const known = await listEnvironments(root);
    throw usageError('E_ENV_UNKNOWN', `unknown environment "${env}": ${file} does not exist`, `Use one of: ${known.join(', ') || '(none)'}; or create ${file} from config/dev.json.`, {
      file,
      field: '--env',
    });
  }
  const { value } = parseJsonSource<EnvironmentConfig>(file, text);
  checkConfig(file, env, value);
  return { file, config: value };
}

function fail(file: string, field: string, message: string, fix: string): never {
  throw configError('E_CONFIG_INVALID', `${file}: ${field}: ${message}`, fix, { file, field });
}

/** Structural checks; parameter names are checked against the templates by `resolveParameters`. */
export function checkConfig(file: string, env: string, c: EnvironmentConfig): void {
  if (!c || typeof c !== 'object' || Array.isArray(c)) fail(file, '(root)', 'must be a JSON object', 'Start from config/dev.json.');
  if (c.environment !== env) fail(file, 'environment', `is "${String(c.environment)}" but the file is ${env}.json`, `Set "environment": "${env}".`);
  if (typeof c.environmentSuffix !== 'string' || !SUFFIX_PATTERN.test(c.environmentSuffix)) {
    fail(file, 'environmentSuffix', `"${String(c.environmentSuffix)}" is not a valid suffix`, 'Use 1-20 lowercase letters, digits and hyphens, starting and ending with a letter or digit (e.g. "dev", "prod-1").');
  }
  if (typeof c.application !== 'string' || !c.application) fail(file, 'application', 'is missing', 'Set "application": "trading-platform".');
  if (typeof c.stackPrefix !== 'string' || !ENV_NAME_PATTERN.test(c.stackPrefix)) fail(file, 'stackPrefix', 'is missing or invalid', 'Set "stackPrefix": "trading" (lowercase letters, digits, hyphens).');
  if (c.expectedAccountId !== undefined && !/^\d{12}$/.test(c.expectedAccountId)) fail(file, 'expectedAccountId', 'must be a 12-digit account id', 'Use the 12-digit id of the account this environment lives in, or remove the field.');
  for (const role of ['primary', 'secondary'] as const) {
    const r = c.regions?.[role];
    if (typeof r !== 'string' || !REGION_PATTERN.test(r)) fail(file, `regions.${role}`, `"${String(r)}" is not a region name`, 'Use a region name such as "us-east-1" / "us-west-2".');
  }
  if (c.regions.primary === c.regions.secondary) fail(file, 'regions', 'primary and secondary are the same region', 'Choose two different regions.');
  for (const k of ['rtoSeconds', 'rpoSeconds'] as const) {
    const v = c.objectives?.[k];
    if (typeof v !== 'number' || !(v > 0)) fail(file, `objectives.${k}`, 'must be a positive number of seconds', 'Set e.g. "objectives": { "rtoSeconds": 300, "rpoSeconds": 60 }.');
  }
  const conc = c.deploy?.concurrency;
  if (conc !== undefined && (!Number.isInteger(conc) || conc < 1 || conc > 16)) fail(file, 'deploy.concurrency', 'must be an integer from 1 to 16', 'Set "deploy": { "concurrency": 4 }.');
  if (!c.parameters || typeof c.parameters !== 'object') fail(file, 'parameters', 'is missing', 'Add "parameters": { "common": {}, "primary": {}, "secondary": {} }.');
  for (const [block, values] of Object.entries(c.parameters)) {
    if (!['common', 'primary', 'secondary'].includes(block)) fail(file, `parameters.${block}`, 'is not a parameter block', 'Use only "common", "primary" and "secondary".');
    for (const [name, v] of Object.entries(values ?? {})) {
      const ok = ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
      if (!ok) fail(file, `parameters.${block}.${name}`, 'must be a string, number, boolean or list of strings', 'Give the value as CloudFormation would take it.');
    }
  }
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

/**
 * The literal parameter values for one stack: automatic ones, then config `common`, then the role's block,
 * restricted to what the template declares. Inputs from other stacks are added by the deploy graph.
 */
export function resolveParameters(c: EnvironmentConfig, role: RegionRole, template: CfnTemplate): Record<string, string> {
  const declared = template.Parameters ?? {};
  const merged: Record<string, string> = {};
  const layers: Record<string, ParameterValue>[] = [automaticParameters(c, role), c.parameters.common ?? {}, c.parameters[role] ?? {}];
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) if (k in declared) merged[k] = parameterToString(v);
  }
  return merged;
}

/** Config parameter names that no template declares: almost always a typo. */
export function unknownConfigParameters(c: EnvironmentConfig, templates: CfnTemplate[]): { block: string; name: string }[] {
  const declared = new Set(templates.flatMap((t) => Object.keys(t.Parameters ?? {})));
  const unknown: { block: string; name: string }[] = [];
  for (const [block, values] of Object.entries(c.parameters)) for (const name of Object.keys(values ?? {})) if (!declared.has(name)) unknown.push({ block, name });
  return unknown;
}

export function stackName(c: EnvironmentConfig, layer: string): string {
  return `${c.stackPrefix}-${layer}-${c.environmentSuffix}`;
}
