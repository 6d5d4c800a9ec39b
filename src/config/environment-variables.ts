// The environment variables drctl itself reads, declared once with zod: checked when a command starts, so a bad value
// is a usage error naming the variable and the fix (not an obscure failure later). Empty values count as unset.
// Variables the AWS SDK reads on its own (credentials, AWS_REGION, …) are the SDK's business; the endpoint ones are
// checked here too because drctl interprets them (S3 path-style addressing) and a malformed URL fails late otherwise.
import path from 'node:path';
import { z } from 'zod';
import { usageError } from '../errors.js';
import { schemaProblems } from './schema-errors.js';

const endpoint = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: 'is not an http(s) URL' })
    .optional()
    .meta({ description: `Endpoint for ${what} (an emulator), read by the AWS SDK; S3 then uses path-style.` });

/** AWS_ENDPOINT_URL_<SERVICE> for the services drctl calls (the SDK's service ids, upper-case with underscores). */
const SERVICE_ENDPOINTS = [
  'AUTO_SCALING',
  'CLOUDFORMATION',
  'CLOUDWATCH',
  'DYNAMODB',
  'ELASTIC_LOAD_BALANCING_V2',
  'RDS',
  'ROUTE_53',
  'S3',
  'SECRETS_MANAGER',
  'SNS',
  'SSM',
  'STS',
] as const;

const flag = z
  .string()
  .regex(/^(true|false)$/i, { error: 'must be true or false' })
  .transform((v) => v.toLowerCase() === 'true');

/** CI set to anything but "", 0 or false: nobody answers questions. */
export function onCi(value: string | undefined): boolean {
  return Boolean(value) && !/^(0|false)$/i.test(value ?? '');
}

export const environmentVariablesSchema = z.object({
  DRCTL_CACHE_DIR: z
    .string()
    .optional()
    .meta({ description: 'Where the validator caches the CloudFormation spec index and cfn-guard reports.' }),
  AWS_PROFILE: z
    .string()
    .regex(/^[\w.@+-]+$/, { error: 'is not a profile name' })
    .optional()
    .meta({ description: 'Named profile of ~/.aws/config when --profile is not given.' }),
  AWS_ENDPOINT_URL: endpoint('every AWS service'),
  ...Object.fromEntries(SERVICE_ENDPOINTS.map((s) => [`AWS_ENDPOINT_URL_${s}`, endpoint(s)])),
  AWS_MAX_ATTEMPTS: z
    .string()
    .regex(/^[1-9]\d*$/, { error: 'must be a whole number of attempts, at least 1' })
    .transform(Number)
    .optional()
    .meta({ description: 'Attempts per AWS call, retries included (the SDK convention; default 8).' }),
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: flag
    .optional()
    .meta({ description: 'true: ignore AWS_ENDPOINT_URL* (the SDK does the same).' }),
  CI: z
    .string()
    .optional()
    .transform(onCi)
    .meta({ description: 'Set on CI: never ask questions (confirmations answer no unless --yes).' }),
});

export type DrctlEnvironment = z.output<typeof environmentVariablesSchema>;

const FIXES: Record<string, string> = {
  AWS_PROFILE: 'Set AWS_PROFILE to a profile name from ~/.aws/config, or unset it.',
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'Set it to true or false, or unset it.',
  AWS_MAX_ATTEMPTS: 'Set it to a whole number such as 3, or unset it (default 8).',
};

/** The variables drctl reads, checked; throws E_ENV_VAR_INVALID naming each bad one. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): DrctlEnvironment {
  // An empty variable is how shells unset one for a single command: treat it as unset.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = environmentVariablesSchema.safeParse(given, { reportInput: true });
  if (parsed.success) return parsed.data;
  const problems = schemaProblems(
    parsed.error.issues,
    (field) =>
      FIXES[field] ??
      (field.startsWith('AWS_ENDPOINT_URL')
        ? `Set ${field} to a full URL such as http://localhost:4566, or unset it.`
        : `Fix or unset ${field}.`),
  );
  const first = problems[0]!;
  throw usageError(
    'E_ENV_VAR_INVALID',
    problems.map((p) => `environment variable ${p.field}: ${p.message}`).join('; '),
    first.fix,
    { field: first.field },
  );
}

/** Where the validator keeps its caches: DRCTL_CACHE_DIR, else a folder in the temp directory. */
export function cacheRoot(tmpdir: string, env: NodeJS.ProcessEnv = process.env): string {
  return readEnvironment(env).DRCTL_CACHE_DIR ?? path.join(tmpdir, 'drctl-cache');
}
