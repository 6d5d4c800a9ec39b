// Route 53's control plane (us-east-1): health check state and inversion, and the hosted zone's name servers.
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  GetHostedZoneCommand,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import type { ServiceClients } from '../clients.js';
import { awsCallError } from '../errors.js';

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
