// The controller's settings, read from the Lambda environment the failover template sets; every problem is named.
import { configError } from '../../errors.js';
import type { ControllerConfig } from './model.js';

export interface ControllerSettings {
  decision: ControllerConfig;
  environmentSuffix: string;
  stateTable: string;
  failoverRecordName: string;
  peerHealthUrl: string;
  peerAlbDnsName: string;
  selfHealthUrl: string;
  selfAlbDnsName: string;
  dbIdentifier: string;
  asgName: string;
  failoverCapacity: number;
  writerEndpointParameter: string;
  maintenanceParameter: string;
  alertTopicArn: string;
  probeTimeoutMs: number;
  /** How long one invocation may wait for a started promotion before leaving it to the next. */
  waitBudgetMs: number;
  /** Whether an invocation that is not the schedule (an ARC Region switch plan step) requests promotion. */
  executeOnInvoke: boolean;
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const v = env[name];
  if (!v)
    throw configError(
      'E_CONTROLLER_ENV',
      `environment variable ${name} is not set`,
      'The failover template sets it on the function; redeploy the failover stack.',
      { field: name },
    );
  return v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw configError(
      'E_CONTROLLER_ENV',
      `${name}=${raw} is not an integer in ${min}..${max}`,
      `Set ${name} to a whole number between ${min} and ${max}.`,
      { field: name },
    );
  return n;
}

export function readSettings(env: Env): ControllerSettings {
  const role = required(env, 'REGION_ROLE');
  if (role !== 'primary' && role !== 'secondary')
    throw configError(
      'E_CONTROLLER_ENV',
      `REGION_ROLE=${role} is not primary or secondary`,
      'Set RegionRole on the failover stack.',
      { field: 'REGION_ROLE' },
    );
  const windowSeconds = int(env, 'WINDOW_SECONDS', 180, 60, 3600);
  return {
    decision: {
      role,
      enabled: env.PROMOTION_ENABLED === 'true',
      windowSeconds,
      rpoGuardSeconds: int(env, 'RPO_GUARD_SECONDS', 60, 0, 3600),
      lagMaxAgeSeconds: int(env, 'LAG_MAX_AGE_SECONDS', 180, 60, 3600),
      repageSeconds: int(env, 'REPAGE_SECONDS', 900, 60, 86_400),
      scheduleSeconds: 60 * int(env, 'SCHEDULE_MINUTES', 1, 1, 60),
    },
    environmentSuffix: required(env, 'ENVIRONMENT_SUFFIX'),
    stateTable: required(env, 'STATE_TABLE'),
    failoverRecordName: required(env, 'FAILOVER_RECORD_NAME'),
    peerHealthUrl: required(env, 'PEER_HEALTH_URL'),
    peerAlbDnsName: required(env, 'PEER_ALB_DNS_NAME'),
    selfHealthUrl: required(env, 'SELF_HEALTH_URL'),
    selfAlbDnsName: required(env, 'SELF_ALB_DNS_NAME'),
    dbIdentifier: required(env, 'DB_IDENTIFIER'),
    asgName: required(env, 'ASG_NAME'),
    failoverCapacity: int(env, 'FAILOVER_CAPACITY', 2, 1, 1000),
    writerEndpointParameter: required(env, 'WRITER_ENDPOINT_PARAMETER'),
    maintenanceParameter: required(env, 'MAINTENANCE_PARAMETER'),
    alertTopicArn: required(env, 'ALERT_TOPIC_ARN'),
    probeTimeoutMs: int(env, 'PROBE_TIMEOUT_MS', 3000, 200, 20_000),
    waitBudgetMs: int(env, 'WAIT_BUDGET_MS', 30_000, 0, 600_000),
    executeOnInvoke: env.EXECUTE_ON_INVOKE === 'true',
  };
}
