// Undoing the fault and watching DNS come back to the primary — unless the replica was promoted meanwhile: then
// traffic must not return to a stale primary, the fault stays, and the way back is drctl failback.
import { describeDbInstance } from '../aws/services/rds.js';
import { failoverRecordTarget } from '../operator/dns.js';
import type { DrillDeps, DrillOptions } from './deps.js';
import { restoreFault, type InjectedFault } from './fault.js';
import type { Observations } from './measure.js';
import type { DrillReport } from './report-types.js';
import type { Timeline } from './timeline.js';

export async function restore(
  deps: DrillDeps,
  opts: DrillOptions,
  fault: InjectedFault,
  obs: Observations,
  timeline: Timeline,
  nameServers: string[],
): Promise<DrillReport['restore']> {
  const { topology, clients, clock } = deps;
  const result: DrillReport['restore'] = { action: 'none', restored: false, dnsRestoredSeconds: null };
  const restoreTimeoutMs = opts.restoreTimeoutMs ?? 10 * 60_000;
  const pollMs = opts.pollMs ?? 5_000;
  try {
    if (obs.promotedAt !== undefined) {
      result.action = 'withheld';
      result.note = `the replica was promoted during the drill: the fault stays in place so traffic does not return to the stale primary; run drctl failback --env ${topology.environment}`;
      timeline.record('restore-withheld', result.note, undefined, 'warn');
      return result;
    }
    result.action = await restoreFault(fault, topology, clients);
    timeline.record('fault-restored', `fault undone: ${result.action}`);
    const start = clock.now();
    for (;;) {
      const answer = await failoverRecordTarget(
        deps.dns,
        topology.global.domainName,
        { primary: topology.primary.albDnsName, secondary: topology.secondary.albDnsName },
        nameServers,
      );
      if (answer.target === 'primary') {
        result.restored = true;
        result.dnsRestoredSeconds = Math.round((clock.now() - start) / 100) / 10;
        timeline.record('dns-restored', 'authoritative DNS answers the primary ALB again', {
          afterSeconds: result.dnsRestoredSeconds,
        });
        break;
      }
      if (clock.now() - start >= restoreTimeoutMs) {
        timeline.record(
          'restore-timeout',
          `DNS still answers ${answer.target} ${Math.round(restoreTimeoutMs / 1000)} s after the restore`,
          undefined,
          'warn',
        );
        break;
      }
      await clock.sleep(pollMs);
    }
    // A promotion that started while the fault was being undone leaves two writers: say so loudly.
    const db = await describeDbInstance(clients(topology.secondary.region), topology.secondary.dbIdentifier);
    if (db && !db.sourceArn) {
      obs.promotedAt = clock.now();
      result.note = `the replica was promoted while the fault was undone: ${topology.secondary.dbIdentifier} no longer replicates; run drctl failback --env ${topology.environment}`;
      timeline.record('replica-promoted', result.note, { status: db.status }, 'warn');
    }
  } catch (err) {
    result.note = `restore failed: ${err instanceof Error ? err.message : String(err)}; undo ${fault.description} by hand`;
    timeline.record('restore-failed', result.note, undefined, 'warn');
  }
  return result;
}
