import { GetHealthCheckStatusCommand, GetHostedZoneCommand, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../doubles/virtual-clock.js';
import { FakeDnsResolver } from '../doubles/dns-resolver.js';
import { Route53Double } from '../doubles/route53.js';

function setup() {
  const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
  const health = { primary: true, secondary: true };
  const r53 = new Route53Double({ now: clock.now });
  r53.addHostedZone('Z1', 'example.com', ['ns-1.example.net']);
  r53.addHealthCheck({ id: 'hp', endpointHealthy: () => health.primary });
  r53.addHealthCheck({ id: 'hs', endpointHealthy: () => health.secondary });
  r53.addFailoverRecord('Z1', {
    name: 'trade.example.com',
    primary: { alb: 'alb-p', healthCheckId: 'hp' },
    secondary: { alb: 'alb-s', healthCheckId: 'hs' },
  });
  return { clock, health, r53 };
}

describe('Route 53 double', () => {
  it('flips the failover record only after FailureThreshold × RequestInterval of failures, and fails open', () => {
    const { clock, health, r53 } = setup();
    health.primary = false;
    expect(r53.failoverAnswer('trade.example.com')).toBe('alb-p');
    clock.advance(29_000);
    expect(r53.failoverAnswer('trade.example.com')).toBe('alb-p');
    clock.advance(1_000);
    expect(r53.failoverAnswer('trade.example.com')).toBe('alb-s');
    health.secondary = false;
    r53.healthy('hs'); // checkers are sampled when asked: this is when the failure is first seen
    clock.advance(30_000);
    expect(r53.failoverAnswer('trade.example.com')).toBe('alb-p'); // both unhealthy: Route 53 answers the primary
  });

  it('inverts a check, reports raw observations, checks versions, and serves the delegation set', async () => {
    const { clock, r53 } = setup();
    const c = r53.client('us-east-1');
    expect((await c.send(new GetHostedZoneCommand({ Id: '/hostedzone/Z1' }))).DelegationSet?.NameServers).toEqual([
      'ns-1.example.net',
    ]);
    await c.send(new UpdateHealthCheckCommand({ HealthCheckId: 'hp', Inverted: true }));
    expect(r53.healthy('hp')).toBe(true); // not yet: the inverted status must hold for the detection time
    clock.advance(30_000);
    expect(r53.healthy('hp')).toBe(false);
    const obs = (await c.send(new GetHealthCheckStatusCommand({ HealthCheckId: 'hp' }))).HealthCheckObservations ?? [];
    expect(obs.every((o) => o.StatusReport?.Status?.startsWith('Success'))).toBe(true);
    await expect(
      c.send(new UpdateHealthCheckCommand({ HealthCheckId: 'hp', HealthCheckVersion: 1, Inverted: false })),
    ).rejects.toMatchObject({ name: 'HealthCheckVersionMismatch' });
  });

  it('DNS double: authoritative answers are live, recursive ones are cached for the TTL', async () => {
    const { clock, health, r53 } = setup();
    const dns = new FakeDnsResolver({
      now: clock.now,
      route53: r53,
      albAddresses: { 'alb-p': ['10.0.0.1'], 'alb-s': ['10.1.0.1'] },
      ttlSeconds: 60,
    });
    expect(await dns.resolveA('trade.example.com')).toEqual(['10.0.0.1']);
    health.primary = false;
    await dns.resolveA('trade.example.com', ['ns-1.example.net']);
    clock.advance(30_000);
    expect(await dns.resolveA('trade.example.com', ['ns-1.example.net'])).toEqual(['10.1.0.1']);
    expect(await dns.resolveA('trade.example.com')).toEqual(['10.0.0.1']);
    clock.advance(30_000);
    expect(await dns.resolveA('trade.example.com')).toEqual(['10.1.0.1']);
    expect(await dns.resolveA('trade.example.com', ['ns-9.elsewhere.org'])).toEqual([]);
  });
});
