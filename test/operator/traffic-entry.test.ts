import { describe, expect, it } from 'vitest';
import { DrError } from '../../src/errors.js';
import { trafficEntry, trafficEntryOf } from '../../src/operator/traffic-entry.js';
import { awsError } from '../doubles/aws-error.js';
import { Route53Double } from '../doubles/route53.js';
import { VirtualClock } from '../doubles/virtual-clock.js';

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
  const global = {
    region: 'us-east-1',
    primaryHealthCheckId: 'hp',
    secondaryHealthCheckId: 'hs',
    trafficEntry: 'route53' as const,
  };
  const entry = trafficEntry(global, () => ({ region: 'us-east-1', route53: r53.client('us-east-1') }));
  return { clock, health, r53, entry };
}

describe('traffic entry: which one a global stack declares', () => {
  const stack = (outputs: Record<string, string>) => ({ name: 'trading-global-dev', region: 'us-east-1', outputs });

  it('reads TrafficEntry from the outputs, and takes Route 53 for a stack deployed before the output existed', () => {
    expect(trafficEntryOf(stack({ TrafficEntry: 'route53' }))).toBe('route53');
    expect(trafficEntryOf(stack({}))).toBe('route53');
  });

  it('refuses an entry it cannot shift, naming the stack, the output and the fix', () => {
    let err: unknown;
    try {
      trafficEntryOf(stack({ TrafficEntry: 'global-accelerator' }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DrError);
    expect(err).toMatchObject({ code: 'E_TRAFFIC_ENTRY_UNKNOWN', field: 'Outputs.TrafficEntry' });
    expect((err as DrError).message).toContain('trading-global-dev');
    expect((err as DrError).fix).toContain('TrafficEntry route53');
  });
});

describe('traffic entry: Route 53', () => {
  it('drains the primary by inverting its health check, so the failover record answers the secondary', async () => {
    const { clock, r53, entry } = setup();
    expect(entry.kind).toBe('route53');
    expect((await entry.primaryObserved()).healthy).toBe(true);
    expect(await entry.primaryDrained()).toBe(false);
    expect(await entry.drainPrimary()).toEqual({ changed: true });
    expect(await entry.primaryDrained()).toBe(true);
    expect(r53.inverted('hp')).toBe(true);
    clock.advance(30_000); // the checkers' detection time
    expect(r53.failoverAnswer('trade.example.com')).toBe('alb-s');
    // Idempotent: a resumed runbook drains again without a second update.
    expect(await entry.drainPrimary()).toEqual({ changed: false });
    expect(r53.log.ops('route53', 'UpdateHealthCheck')).toHaveLength(1);
  });

  it('restores the primary, and reports when there was nothing to restore', async () => {
    const { clock, r53, entry } = setup();
    expect(await entry.restorePrimary()).toEqual({ changed: false });
    expect(r53.log.ops('route53', 'UpdateHealthCheck')).toHaveLength(0);
    await entry.drainPrimary();
    clock.advance(30_000);
    expect(await entry.restorePrimary()).toEqual({ changed: true });
    clock.advance(30_000);
    expect(r53.failoverAnswer('trade.example.com')).toBe('alb-p');
  });

  it('sees the secondary through its own health check', async () => {
    const { health, clock, entry } = setup();
    expect((await entry.secondaryObserved()).healthy).toBe(true);
    health.secondary = false;
    await entry.secondaryObserved();
    clock.advance(30_000);
    expect((await entry.secondaryObserved()).healthy).toBe(false);
  });

  it('passes Route 53 errors on as the one AWS error mapping names them', async () => {
    const { r53, entry } = setup();
    r53.failures.failNext('UpdateHealthCheck', () => awsError('InvalidInput', 'Invalid parameter'));
    await expect(entry.drainPrimary()).rejects.toMatchObject({ message: expect.stringContaining('UpdateHealthCheck') });
  });
});
