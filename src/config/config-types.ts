// The per-environment configuration (config/<env>.json); documented in docs/configuration.md.
import type { RegionRole } from '../templates/template-types.js';

export type ParameterValue = string | number | boolean | string[];

export interface EnvironmentConfig {
  /** Must equal the file name without .json. */
  environment: string;
  /** Lowercase letters, digits and hyphens; appended to every resource name. */
  environmentSuffix: string;
  application: string;
  /** Stack names are `<stackPrefix>-<layer>-<environmentSuffix>`. */
  stackPrefix: string;
  /** When set, deploy refuses to run against any other account. */
  expectedAccountId?: string;
  regions: Record<RegionRole, string>;
  objectives: { rtoSeconds: number; rpoSeconds: number };
  deploy?: { concurrency?: number };
  /** Template parameter values: `common` applies in both regions, a role's block overrides it. */
  parameters: { common?: Record<string, ParameterValue> } & Partial<Record<RegionRole, Record<string, ParameterValue>>>;
}

export interface LoadedConfig {
  file: string;
  config: EnvironmentConfig;
}
