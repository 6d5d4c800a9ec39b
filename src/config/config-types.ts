// The per-environment configuration (config/<env>.json). The type is inferred from the zod schema, so the checks and
// the type cannot drift apart; docs/parameters.md lists the template parameters it sets.
import type { z } from 'zod';
import type { environmentConfigSchema, parameterValueSchema } from './config-schema.js';
import type { JsonSource } from '../templates/json-source.js';

export type ParameterValue = z.output<typeof parameterValueSchema>;

export type EnvironmentConfig = z.output<typeof environmentConfigSchema>;

export interface LoadedConfig {
  /** e.g. `config/dev.json`, relative to the project root. */
  file: string;
  config: EnvironmentConfig;
  /** The parsed file with positions, so errors about a value can name its line. */
  source?: JsonSource<unknown>;
}
