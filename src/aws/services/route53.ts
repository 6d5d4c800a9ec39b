// Route 53's control plane (us-east-1): health check state and inversion, the hosted zone (name, name servers) and
// the quotas deploy's pre-flight checks.
import {
  GetAccountLimitCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  GetHostedZoneCommand,
  GetHostedZoneLimitCommand,
  UpdateHealthCheckCommand,
  type AccountLimitType,
  type HostedZoneLimitType,
} from '@aws-sdk/client-route-53';
import type { ServiceClients } from '../clients.js';
import { awsCallError, errorName } from '../errors.js';

type Route53 = ServiceClients<'route53'>;

export async function healthCheckInverted(aws: Route53, id: string): Promise<boolean> {
  try {
    const out = await aws.route53.send(new GetHealthCheckCommand({ HealthCheckId: id }));
    return Boolean(out.HealthCheck?.HealthCheckConfig?.Inverted);
  } catch (err) {
    throw awsCallError({ operation: 'route53:GetHealthCheck', resource: id, region: aws.region }, err);
  }
}

/** Sets `Inverted` (Route 53 then treats a healthy endpoint as unhealthy and vice versa); returns the previous value. */
export async function setHealthCheckInverted(aws: Route53, id: string, inverted: boolean): Promise<boolean> {
  const previous = await healthCheckInverted(aws, id);
  if (previous === inverted) return previous;
  try {
    await aws.route53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, Inverted: inverted }));
  } catch (err) {
    throw awsCallError({ operation: 'route53:UpdateHealthCheck', resource: id, region: aws.region }, err, {
      fix: `Set Inverted=${inverted} on health check ${id} in the Route 53 console and re-run.`,
    });
  }
  return previous;
}

export interface HealthCheckObservation {
  healthy: boolean;
  success: number;
  total: number;
}

/**
 * What Route 53's checkers currently observe for the endpoint (before inversion): healthy when more than 18 % of
 * checkers report success, the threshold Route 53 itself applies.
 */
export async function healthCheckObservedHealthy(aws: Route53, id: string): Promise<HealthCheckObservation> {
  let out;
  try {
    out = await aws.route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
  } catch (err) {
    throw awsCallError({ operation: 'route53:GetHealthCheckStatus', resource: id, region: aws.region }, err);
  }
  const observations = out.HealthCheckObservations ?? [];
  const success = observations.filter((o) => /^Success/i.test(o.StatusReport?.Status ?? '')).length;
  return {
    healthy: observations.length > 0 && success / observations.length > 0.18,
    success,
    total: observations.length,
  };
}

/** The hosted zone's authoritative name servers (its DelegationSet). */
export async function authoritativeNameServers(aws: Route53, hostedZoneId: string): Promise<string[]> {
  try {
    const out = await aws.route53.send(new GetHostedZoneCommand({ Id: hostedZoneId }));
    return out.DelegationSet?.NameServers ?? [];
  } catch (err) {
    throw awsCallError({ operation: 'route53:GetHostedZone', resource: hostedZoneId, region: aws.region }, err);
  }
}

export interface HostedZoneView {
  id: string;
  /** Without the trailing dot. */
  name: string;
  privateZone: boolean;
}

/** The hosted zone, or undefined when the account has no zone with this id. */
export async function hostedZone(aws: Route53, hostedZoneId: string): Promise<HostedZoneView | undefined> {
  try {
    const out = await aws.route53.send(new GetHostedZoneCommand({ Id: hostedZoneId }));
    const z = out.HostedZone;
    return {
      id: (z?.Id ?? hostedZoneId).replace(/^\/hostedzone\//, ''),
      name: (z?.Name ?? '').replace(/\.$/, ''),
      privateZone: Boolean(z?.Config?.PrivateZone),
    };
  } catch (err) {
    if (errorName(err) === 'NoSuchHostedZone' || errorName(err) === 'InvalidInput') return undefined;
    throw awsCallError({ operation: 'route53:GetHostedZone', resource: hostedZoneId, region: aws.region }, err);
  }
}

export interface QuotaUse {
  limit: number;
  count: number;
}

/** An account-wide Route 53 quota and its use, e.g. `MAX_HEALTH_CHECKS_BY_OWNER`. */
export async function accountLimit(aws: Route53, type: AccountLimitType): Promise<QuotaUse> {
  try {
    const out = await aws.route53.send(new GetAccountLimitCommand({ Type: type }));
    return { limit: out.Limit?.Value ?? 0, count: out.Count ?? 0 };
  } catch (err) {
    throw awsCallError({ operation: 'route53:GetAccountLimit', resource: type, region: aws.region }, err);
  }
}

/** A hosted zone's quota and its use, e.g. `MAX_RRSETS_BY_ZONE`. */
export async function hostedZoneLimit(
  aws: Route53,
  hostedZoneId: string,
  type: HostedZoneLimitType,
): Promise<QuotaUse> {
  try {
    const out = await aws.route53.send(new GetHostedZoneLimitCommand({ HostedZoneId: hostedZoneId, Type: type }));
    return { limit: out.Limit?.Value ?? 0, count: out.Count ?? 0 };
  } catch (err) {
    throw awsCallError({ operation: 'route53:GetHostedZoneLimit', resource: hostedZoneId, region: aws.region }, err);
  }
}
