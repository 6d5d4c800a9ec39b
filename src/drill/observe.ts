// The measurement loop after the fault: every poll asks the zone's authoritative name servers where the failover
// record points, tries a write through the public endpoint, looks for the canaries in the secondary and checks
// whether the controller promoted the replica — until everything is seen, the timeout, or Ctrl-C.
import { describeDbInstance } from '../aws/services/rds.js';
import { failoverRecordTarget } from '../operator/dns.js';
import { isOk, type HttpAnswer } from '../operator/http-probe.js';
import type { Canary } from './canaries.js';
import type { DrillDeps, DrillOptions } from './deps.js';
import type { Observations } from './measure.js';
import type { Timeline } from './timeline.js';

export interface ObserveInput {
  deps: DrillDeps;
  opts: DrillOptions;
  drillId: string;
  canaries: Canary[];
  obs: Observations;
  timeline: Timeline;
  nameServers: string[];
}

function regionOf(a: HttpAnswer): string | undefined {
  const b = a.body as { order?: { region?: string }; region?: string } | undefined;
  return b?.order?.region ?? b?.region;
}

export async function observe(input: ObserveInput): Promise<'settled' | 'timeout' | 'interrupted'> {
  const { deps, opts, obs, timeline, canaries } = input;
  const { topology, clock } = deps;
  const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
  const pollMs = opts.pollMs ?? 5_000;
  const albs = { primary: topology.primary.albDnsName, secondary: topology.secondary.albDnsName };
  const ordersUrl = `${new URL(topology.primary.healthCheckUrl).protocol}//${topology.global.domainName}/orders`;
  let writeSeq = 0;
  let writesFailing = false;
  const deadline = obs.faultAt + timeoutMs;
  for (;;) {
    if (obs.dnsFlippedAt === undefined) {
      const answer = await failoverRecordTarget(deps.dns, topology.global.domainName, albs, input.nameServers);
      if (answer.target === 'secondary') {
        obs.dnsFlippedAt = clock.now();
        timeline.record('dns-flipped', 'authoritative DNS answers the secondary ALB', { addresses: answer.addresses });
      }
    }
    if (obs.writesRecoveredAt === undefined) {
      // A valid limit order (the gateway's contract), idempotent by its client order id.
      const body = {
        clientOrderId: `${input.drillId}-w${++writeSeq}`,
        symbol: 'DRILL',
        side: 'buy',
        type: 'limit',
        quantity: 1,
        price: 1,
        timeInForce: 'IOC',
      };
      const a = await deps.http.request('POST', ordersUrl, body);
      const region = regionOf(a);
      if (isOk(a) && (region ? region === topology.secondary.region : obs.dnsFlippedAt !== undefined)) {
        obs.writesRecoveredAt = clock.now();
        timeline.record(
          'writes-recovered',
          `POST /orders through ${topology.global.domainName} succeeded on the secondary`,
          {
            status: a.status,
            region: region ?? null,
            attempt: writeSeq,
          },
        );
      } else if (!isOk(a) && !writesFailing) {
        writesFailing = true;
        timeline.record(
          'writes-failing',
          `POST /orders through ${topology.global.domainName} fails (${a.status || a.error})`,
          { status: a.status },
        );
      }
    }
    for (const c of canaries) {
      const o = obs.canaries.find((y) => y.store === c.store);
      if (o && o.seenAt === undefined && (await c.present(input.drillId))) {
        o.seenAt = clock.now();
        timeline.record('canary-replicated', `canary present in the secondary: ${c.store}`, {
          store: c.store,
          seconds: Math.round((o.seenAt - (o.writtenAt ?? o.seenAt)) / 100) / 10,
        });
      }
    }
    if (obs.promotedAt === undefined) {
      const db = await describeDbInstance(deps.clients(topology.secondary.region), topology.secondary.dbIdentifier);
      if (db && !db.sourceArn) {
        obs.promotedAt = clock.now();
        timeline.record(
          'replica-promoted',
          `${topology.secondary.dbIdentifier} is no longer a replica (the controller promoted it)`,
          { status: db.status },
          'warn',
        );
      }
    }
    const canariesDone = obs.canaries.every((c) => c.figureSeconds !== undefined || c.seenAt !== undefined);
    if (obs.dnsFlippedAt !== undefined && obs.writesRecoveredAt !== undefined && canariesDone) return 'settled';
    if (opts.signal?.aborted) {
      timeline.record('interrupted', 'interrupted by the operator: undoing the fault', undefined, 'warn');
      return 'interrupted';
    }
    if (clock.now() >= deadline) {
      obs.timedOut = true;
      const waitingFor = [
        obs.dnsFlippedAt === undefined && 'dns',
        obs.writesRecoveredAt === undefined && 'writes',
        !canariesDone && 'canaries',
      ].filter(Boolean);
      timeline.record('timeout', `gave up after ${Math.round(timeoutMs / 1000)} s`, { waitingFor }, 'warn');
      return 'timeout';
    }
    await clock.sleep(pollMs, opts.signal);
  }
}
