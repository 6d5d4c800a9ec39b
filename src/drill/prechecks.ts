// The drill's pre-checks: a drill starts only from a healthy, replicating, quiet environment, and changes nothing
// when one fails.
import {
  describeDb,
  healthCheckInverted,
  healthCheckObservedHealthy,
  latestReplicaLag,
} from '../failover/runbooks/aws-ops.js';
import { rpoGuardSeconds } from '../failover/runbooks/deps.js';
import { authoritativeNameServers, currentDnsTarget } from '../failover/runbooks/dns.js';
import { isOk } from '../failover/runbooks/http-probe.js';
import { incompleteStacks } from '../failover/runbooks/topology.js';
import type { DrillDeps } from './deps.js';
import { maintenanceOn } from './fault.js';

export type Precheck = { check: string; ok: boolean; detail: string };

export async function drillPrechecks(d: DrillDeps): Promise<Precheck[]> {
  const { topology: t, clients, http, dns, clock } = d;
  const out: Precheck[] = [];
  const bad = incompleteStacks(t);
  out.push({
    check: 'stacks-complete',
    ok: bad.length === 0,
    detail: bad.length
      ? bad.map((s) => `${s.name}@${s.region} ${s.status}`).join(', ')
      : `${t.stacks.length} stacks complete`,
  });
  for (const role of ['primary', 'secondary'] as const) {
    const h = await http.request('GET', t[role].healthCheckUrl);
    out.push({
      check: `${role}-health-endpoint`,
      ok: isOk(h),
      detail: `GET ${t[role].healthCheckUrl} → ${h.status || h.error}`,
    });
    const id = role === 'primary' ? t.global.primaryHealthCheckId : t.global.secondaryHealthCheckId;
    const r53 = clients(t.global.region).route53;
    const [obs, inverted] = [await healthCheckObservedHealthy(r53, id), await healthCheckInverted(r53, id)];
    out.push({
      check: `${role}-route53-health-check`,
      ok: obs.healthy && !inverted,
      detail: `${obs.success}/${obs.total} checkers report success${inverted ? '; the check is inverted (a drill or failover in progress?)' : ''}`,
    });
  }
  const flag = await maintenanceOn(t, clients);
  out.push({
    check: 'primary-not-in-maintenance',
    ok: !flag,
    detail: flag
      ? `${t.primary.maintenanceParameter} is on (a drill, failover or maintenance in progress?)`
      : `${t.primary.maintenanceParameter} is off`,
  });
  const ns = await authoritativeNameServers(clients(t.global.region).route53, t.global.hostedZoneId);
  const target = await currentDnsTarget(dns, t.global.domainName, ns, {
    primary: t.primary.albDnsName,
    secondary: t.secondary.albDnsName,
  });
  out.push({
    check: 'dns-answers-primary',
    ok: target.role === 'primary',
    detail: `${t.global.domainName} → ${target.role} (${target.addresses.join(', ') || 'no answer'}) from ${ns.join(', ')}`,
  });
  const db = await describeDb(clients(t.secondary.region).rds, t.secondary.dbIdentifier);
  out.push({
    check: 'secondary-is-replica',
    ok: Boolean(db?.sourceArn && db.status === 'available'),
    detail: db
      ? `${db.id} ${db.status}${db.sourceArn ? `, replica of ${db.sourceArn}` : ', standalone (failed over?)'}`
      : 'replica not found',
  });
  const guard = rpoGuardSeconds(d);
  const lag = await latestReplicaLag(clients(t.secondary.region).cloudwatch, t.secondary.dbIdentifier, clock.now());
  out.push({
    check: 'replica-lag-within-rpo-guard',
    ok: lag !== undefined && lag.seconds <= guard,
    detail: lag ? `ReplicaLag ${lag.seconds} s (guard ${guard} s)` : `no ReplicaLag datapoint (guard ${guard} s)`,
  });
  return out;
}
