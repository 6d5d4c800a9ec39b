// The gateway's settings from the environment the compute layer's systemd unit sets (docs/architecture.md).
import { isIP } from 'node:net';
import { configError } from '../../errors.js';
import { HEARTBEAT_INTERVAL_RANGE } from './heartbeat.js';

/** Defaults of the settings the compute template passes as parameters (its Defaults must equal these). */
export const GATEWAY_DEFAULTS = {
  /** Every IPv4 interface: the ALB reaches the instance on its private address; the app security group admits only the ALB. */
  listenAddress: '0.0.0.0',
  requestDeadlineMs: 2000,
  maintenanceMaxAgeMs: 2000,
  heartbeatIntervalSeconds: HEARTBEAT_INTERVAL_RANGE.default,
} as const;

/** Bounds of GATEWAY_REQUEST_DEADLINE_MS: the top stays far below the ALB's 60 s idle timeout. */
export const REQUEST_DEADLINE_RANGE = { min: 100, max: 20_000 } as const;
/** Bounds of MAINTENANCE_FLAG_MAX_AGE_MS: the bottom keeps Parameter Store reads to a few per second per instance. */
export const MAINTENANCE_MAX_AGE_RANGE = { min: 250, max: 10_000 } as const;

export interface GatewayConfig {
  port: number;
  /** Address the server binds (GATEWAY_LISTEN_ADDRESS). */
  listenAddress: string;
  /**
   * Budget of every dependency call a request makes (DynamoDB, Parameter Store): past it the SDK abandons the call and
   * the gateway answers 504, for a write with OUTCOME_UNKNOWN.
   */
  requestDeadlineMs: number;
  /** A write is checked against a maintenance flag read that started at most this long before (the fence's bound). */
  maintenanceMaxAgeMs: number;
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
  /** Seconds between heartbeat writes while this instance's database is the writer (HEARTBEAT_INTERVAL_SECONDS, 1..10). */
  heartbeatIntervalSeconds: number;
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
  const listenAddress = env.GATEWAY_LISTEN_ADDRESS || GATEWAY_DEFAULTS.listenAddress;
  if (isIP(listenAddress) === 0)
    throw configError(
      'E_GATEWAY_ENV',
      `GATEWAY_LISTEN_ADDRESS=${listenAddress} is not an IP address`,
      'Set GATEWAY_LISTEN_ADDRESS to an IPv4 or IPv6 address, e.g. 0.0.0.0 (every IPv4 interface) or 127.0.0.1.',
      { field: 'GATEWAY_LISTEN_ADDRESS' },
    );
  return {
    port: num(env, 'GATEWAY_PORT', 8080, 0, 65535),
    listenAddress,
    requestDeadlineMs: num(
      env,
      'GATEWAY_REQUEST_DEADLINE_MS',
      GATEWAY_DEFAULTS.requestDeadlineMs,
      REQUEST_DEADLINE_RANGE.min,
      REQUEST_DEADLINE_RANGE.max,
    ),
    maintenanceMaxAgeMs: num(
      env,
      'MAINTENANCE_FLAG_MAX_AGE_MS',
      GATEWAY_DEFAULTS.maintenanceMaxAgeMs,
      MAINTENANCE_MAX_AGE_RANGE.min,
      MAINTENANCE_MAX_AGE_RANGE.max,
    ),
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
    heartbeatIntervalSeconds: num(
      env,
      'HEARTBEAT_INTERVAL_SECONDS',
      GATEWAY_DEFAULTS.heartbeatIntervalSeconds,
      HEARTBEAT_INTERVAL_RANGE.min,
      HEARTBEAT_INTERVAL_RANGE.max,
    ),
    healthCacheMs: num(env, 'HEALTH_CACHE_MS', 2000, 0, 60_000),
    dbCaFile: env.DB_CA_FILE || undefined,
  };
}
