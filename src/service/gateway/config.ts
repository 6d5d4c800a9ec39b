// The gateway's settings from the environment the compute layer's systemd unit sets (docs/architecture.md).
import { configError } from '../../errors.js';

export interface GatewayConfig {
  port: number;
  region: string;
  role: 'primary' | 'secondary';
  environmentSuffix: string;
  ordersTable: string;
  dbEndpoint: string;
  dbPort: number;
  dbSecretArn: string;
  /** Optional SSM parameter naming this region's copy of the master secret (read before `dbSecretArn`). */
  dbSecretArnParameter: string | undefined;
  writerEndpointParameter: string;
  maintenanceParameter: string;
  /** Per-dependency timeout of the deep health check. */
  checkTimeoutMs: number;
  /** How long a health result is reused, so ALB and Route 53 checkers do not hammer the dependencies. */
  healthCacheMs: number;
  /** Optional CA bundle (the RDS certificate bundle) to verify the database's TLS certificate. */
  dbCaFile: string | undefined;
}

type Env = Record<string, string | undefined>;

function need(env: Env, name: string): string {
  const v = env[name];
  if (!v)
    throw configError(
      'E_GATEWAY_ENV',
      `environment variable ${name} is not set`,
      'The compute layer sets it in the trading-gateway systemd unit; check the launch template user data.',
      { field: name },
    );
  return v;
}

function num(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw configError(
      'E_GATEWAY_ENV',
      `${name}=${raw} is not an integer in ${min}..${max}`,
      `Set ${name} to a whole number between ${min} and ${max}.`,
      { field: name },
    );
  return n;
}

export function readGatewayConfig(env: Env): GatewayConfig {
  const role = need(env, 'REGION_ROLE');
  if (role !== 'primary' && role !== 'secondary')
    throw configError(
      'E_GATEWAY_ENV',
      `REGION_ROLE=${role} is not primary or secondary`,
      'Set REGION_ROLE to primary or secondary.',
      { field: 'REGION_ROLE' },
    );
  return {
    port: num(env, 'GATEWAY_PORT', 8080, 0, 65535),
    region: need(env, 'AWS_REGION'),
    role,
    environmentSuffix: need(env, 'ENVIRONMENT_SUFFIX'),
    ordersTable: need(env, 'ORDERS_TABLE'),
    dbEndpoint: need(env, 'DB_ENDPOINT'),
    dbPort: num(env, 'DB_PORT', 5432, 1, 65535),
    dbSecretArn: need(env, 'DB_SECRET_ARN'),
    dbSecretArnParameter: env.DB_SECRET_ARN_PARAMETER || undefined,
    writerEndpointParameter: need(env, 'WRITER_ENDPOINT_PARAMETER'),
    maintenanceParameter: need(env, 'MAINTENANCE_PARAMETER'),
    checkTimeoutMs: num(env, 'HEALTH_CHECK_TIMEOUT_MS', 1500, 50, 10_000),
    healthCacheMs: num(env, 'HEALTH_CACHE_MS', 2000, 0, 60_000),
    dbCaFile: env.DB_CA_FILE || undefined,
  };
}
