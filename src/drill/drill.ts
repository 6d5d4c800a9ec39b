// A DR drill: pre-checks, canaries, fault injection, measurement, restore, report. The fault is always undone
// (after a timeout, an error or Ctrl-C too) unless the replica was promoted meanwhile.
import { authoritativeNameServers } from '../aws/services/route53.js';
import { DrError } from '../errors.js';
import { enforcePrechecks } from '../operator/prechecks.js';
import { dynamoCanary, rdsCanary, rdsLagFigure, s3Canary, type Canary } from './canaries.js';
import type { DrillDeps, DrillOptions } from './deps.js';
import { injectFault, type InjectedFault } from './fault.js';
import { measure, type Observations } from './measure.js';
import { observe } from './observe.js';
import { drillPrechecks } from './prechecks.js';
import type { DrillReport } from './report-types.js';
import { restore } from './restore.js';
import { Timeline } from './timeline.js';

export type { DrillDeps, DrillOptions } from './deps.js';

/** Writes each canary in the primary; an unreachable database only downgrades the RDS figure to ReplicaLag. */
async function writeCanaries(
  deps: DrillDeps,
  drillId: string,
  obs: Observations,
  timeline: Timeline,
): Promise<{ canaries: Canary[]; rdsByLag: boolean }> {
  const { topology, clients, clock } = deps;
  const canaries: Canary[] = [];
  let rdsByLag = !deps.db;
  for (const c of [
    dynamoCanary(topology, clients),
    s3Canary(topology, clients),
    ...(deps.db ? [rdsCanary(topology, deps.db)] : []),
  ]) {
    const at = clock.now();
    let where: Record<string, unknown>;
    try {
      where = await c.write(drillId, at);
    } catch (err) {
      // The database is often unreachable from where drills run (private subnets).
      if (c.store !== 'rds') throw err;
      rdsByLag = true;
      timeline.record(
        'rds-canary-unavailable',
        `cannot write the RDS canary row (${err instanceof Error ? err.message : String(err)}); the RDS figure falls back to ReplicaLag`,
        undefined,
        'warn',
      );
      continue;
    }
    canaries.push(c);
    obs.canaries.push({ store: c.store, basis: c.basis, writtenAt: at, seenAt: undefined });
    timeline.record('canary-written', `canary written to ${c.store}`, { store: c.store, ...where });
  }
  return { canaries, rdsByLag };
}

export async function runDrill(deps: DrillDeps, opts: DrillOptions): Promise<DrillReport> {
  const { topology, clients, clock, reporter, config } = deps;
  const startedAt = clock.now();
  const drillId = `drill-${topology.environment}-${new Date(startedAt)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .toLowerCase()}`;
  const timeline = new Timeline(reporter, clock, drillId);
  // The environment lock (taken by the command) keeps other drills, failovers and deploys out meanwhile.
  const prechecks = await enforcePrechecks(reporter, 'drill', drillPrechecks(deps), {
    acceptUnchecked: Boolean(opts.acceptUnchecked),
  });
  if (
    !opts.yes &&
    !(await reporter.confirm(
      `Inject a real fault (${opts.mode}) into ${topology.environment}'s primary region ${topology.primary.region}?`,
    ))
  ) {
    throw new DrError({
      code: 'E_CONFIRM_REFUSED',
      kind: 'interrupted',
      message: 'drill not confirmed; nothing was changed',
      fix: 'Re-run with --yes to confirm non-interactively.',
    });
  }

  // Canaries just before the fault: their replication is what a failure at that moment would put at risk.
  const obs: Observations = {
    faultAt: 0,
    dnsFlippedAt: undefined,
    writesRecoveredAt: undefined,
    promotedAt: undefined,
    timedOut: false,
    canaries: [],
  };
  const { canaries, rdsByLag } = await writeCanaries(deps, drillId, obs, timeline);
  const nameServers = await authoritativeNameServers(clients(topology.global.region), topology.global.hostedZoneId);

  let fault: InjectedFault | undefined;
  let failure: unknown;
  let ending: Awaited<ReturnType<typeof observe>> | 'error' = 'error';
  try {
    fault = await injectFault(opts.mode, topology, clients, () => clock.now());
    obs.faultAt = fault.injectedAt;
    timeline.setFault(fault.injectedAt);
    timeline.record('fault-injected', `fault injected: ${fault.description}`, { mode: opts.mode });
    if (rdsByLag) {
      const lag = await rdsLagFigure(topology, clients, fault.injectedAt);
      obs.canaries.push({
        store: 'rds',
        basis: lag.basis,
        writtenAt: undefined,
        seenAt: undefined,
        figureSeconds: lag.seconds,
      });
      timeline.record('rds-lag-at-fault', `RDS ReplicaLag at fault injection: ${lag.seconds ?? 'unknown'} s`, {
        seconds: lag.seconds,
      });
    }
    ending = await observe({ deps, opts, drillId, canaries, obs, timeline, nameServers });
  } catch (err) {
    failure = err;
    timeline.record(
      'error',
      `drill interrupted: ${err instanceof Error ? err.message : String(err)}`,
      undefined,
      'warn',
    );
  }
  if (!fault) throw failure;
  const restored = await restore(deps, opts, fault, obs, timeline, nameServers);

  const m = measure(obs, config.objectives);
  if (failure)
    m.missed.unshift(`the drill stopped on an error: ${failure instanceof Error ? failure.message : String(failure)}`);
  if (ending === 'interrupted') m.missed.unshift('the drill was interrupted before every measurement was taken');
  if (restored.action !== 'withheld' && !restored.restored)
    m.missed.push('DNS did not return to the primary after the restore');
  if (restored.action !== 'withheld' && obs.promotedAt !== undefined)
    m.missed.push('the replica was promoted after the measurement; replication must be rebuilt (drctl failback)');
  return {
    kind: 'drctl-drill',
    environment: topology.environment,
    mode: opts.mode,
    drillId,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(clock.now()).toISOString(),
    outcome: ending === 'interrupted' ? 'interrupted' : m.missed.length ? 'failed' : 'passed',
    missed: m.missed,
    objectives: { ...config.objectives },
    rto: m.rto,
    rpo: m.rpo,
    promotion: m.promotion,
    restore: restored,
    prechecks,
    timeline: timeline.finish(),
  };
}
