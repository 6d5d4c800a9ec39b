// The drill's pre-checks: a drill starts only from a healthy, replicating, quiet environment, and changes nothing
// when one fails or cannot be checked. Every check runs and is reported, whatever the others found.
import { latestReplicaLag } from '../aws/services/cloudwatch.js';
import { describeDbInstance } from '../aws/services/rds.js';
import { authoritativeNameServers, healthCheckInverted, healthCheckObservedHealthy } from '../aws/services/route53.js';
import { rpoGuardSeconds } from '../operator/deps.js';
import { failoverRecordTarget } from '../operator/dns.js';
import { isOk } from '../operator/http-probe.js';
import type { Precheck } from '../operator/prechecks.js';
import { stacksCompleteCheck } from '../operator/topology.js';
import type { DrillDeps } from './deps.js';
import { maintenanceOn } from './fault.js';

export function drillPrechecks(deps: DrillDeps): Precheck[] {
  const { topology, clients, http, dns, clock } = deps;
  const route53 = clients(topology.global.region);
  const roleChecks = (role: 'primary' | 'secondary'): Precheck[] => {
    const healthCheckId =
      role === 'primary' ? topology.global.primaryHealthCheckId : topology.global.secondaryHealthCheckId;
    return [
      {
        check: `${role}-health-endpoint`,
        fix: `Bring the ${role}'s gateways back to health (drctl status; the target group of ${topology[role].albDnsName}).`,
        async run() {
          const answer = await http.request('GET', topology[role].healthCheckUrl);
          return {
            status: isOk(answer) ? 'pass' : 'fail',
            evidence: `GET ${topology[role].healthCheckUrl} → ${answer.status || answer.error}`,
          };
        },
      },
      {
        check: `${role}-route53-health-check`,
        fix: `Find out why Route 53 fails health check ${healthCheckId}; if a drill or failover left it inverted, set Inverted=false.`,
        async run() {
          const observed = await healthCheckObservedHealthy(route53, healthCheckId);
          const inverted = await healthCheckInverted(route53, healthCheckId);
          return {
            status: observed.healthy && !inverted ? 'pass' : 'fail',
            evidence: `${observed.success}/${observed.total} checkers report success${inverted ? '; the check is inverted (a drill or failover in progress?)' : ''}`,
          };
        },
      },
    ];
  };
  return [
    stacksCompleteCheck(topology, 'drill again'),
    ...roleChecks('primary'),
    ...roleChecks('secondary'),
    {
      check: 'primary-not-in-maintenance',
      fix: `Find out who set ${topology.primary.maintenanceParameter} (a drill, failover or maintenance?) and set it off when done.`,
      async run() {
        const on = await maintenanceOn(topology, clients);
        return {
          status: on ? 'fail' : 'pass',
          evidence: on
            ? `${topology.primary.maintenanceParameter} is on (a drill, failover or maintenance in progress?)`
            : `${topology.primary.maintenanceParameter} is off`,
        };
      },
    },
    {
      check: 'dns-answers-primary',
      fix: `Find out why ${topology.global.domainName} does not answer the primary ALB (Route 53 health checks, the failover record).`,
      async run() {
        const nameServers = await authoritativeNameServers(route53, topology.global.hostedZoneId);
        const answer = await failoverRecordTarget(
          dns,
          topology.global.domainName,
          { primary: topology.primary.albDnsName, secondary: topology.secondary.albDnsName },
          nameServers,
        );
        return {
          status: answer.target === 'primary' ? 'pass' : 'fail',
          evidence: `${topology.global.domainName} → ${answer.target} (${answer.addresses.join(', ') || 'no answer'}) from ${nameServers.join(', ')}`,
        };
      },
    },
    {
      check: 'secondary-is-replica',
      fix: 'Rebuild replication toward the secondary (drctl failback after a failover), then drill again.',
      async run() {
        const db = await describeDbInstance(clients(topology.secondary.region), topology.secondary.dbIdentifier);
        return {
          status: db?.sourceArn && db.status === 'available' ? 'pass' : 'fail',
          evidence: db
            ? `${db.identifier} ${db.status}${db.sourceArn ? `, replica of ${db.sourceArn}` : ', standalone (failed over?)'}`
            : 'replica not found',
        };
      },
    },
    {
      check: 'replica-lag-within-rpo-guard',
      fix: 'Wait for ReplicaLag to fall under the RPO guard (or find out why the replica falls behind), then drill again.',
      async run() {
        const guard = rpoGuardSeconds(deps);
        const lag = await latestReplicaLag(
          clients(topology.secondary.region),
          topology.secondary.dbIdentifier,
          clock.now(),
        );
        return {
          status: lag !== undefined && lag.seconds <= guard ? 'pass' : 'fail',
          evidence: lag
            ? `ReplicaLag ${lag.seconds} s (guard ${guard} s)`
            : `no ReplicaLag datapoint (guard ${guard} s)`,
        };
      },
    },
  ];
}
