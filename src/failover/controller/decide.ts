// The failover decision as a pure function: observations + remembered state + config → action, new state, reason.
// Promote only when every signal has said "peer down" for the whole window, this region is healthy and the
// last ReplicaLag seen before the outage is fresh and within the RPO guard; otherwise page with the reason.
import { PROMOTION_STEPS, type StepName } from '../steps.js';
import {
  HISTORY_LIMIT,
  LAG_SAMPLE_LIMIT,
  type Action,
  type ControllerConfig,
  type ControllerState,
  type Decision,
  type LagSample,
  type Observation,
} from './model.js';

function mergeLag(previous: LagSample[], fresh: LagSample[]): LagSample[] {
  const byTime = new Map<number, LagSample>();
  for (const s of [...previous, ...fresh]) if (Number.isFinite(s.seconds) && Number.isFinite(s.at)) byTime.set(s.at, s);
  return [...byTime.values()].sort((a, b) => a.at - b.at).slice(-LAG_SAMPLE_LIMIT);
}

/**
 * The lag that bounds data loss is the one at the moment the peer went away. RDS keeps reporting (growing)
 * lag while the source is unreachable, so later datapoints overstate it: use the last one taken before the outage.
 */
export function lagAtOutage(samples: LagSample[], outageStart: number): LagSample | undefined {
  return samples.filter((s) => s.at <= outageStart).at(-1);
}

function secs(ms: number): number {
  return Math.round(ms / 1000);
}

/**
 * An operator-requested promotion (ARC Region switch plan, or drctl): no signal checks, the person decided;
 * still at most once, and a started promotion is resumed rather than restarted.
 */
export function decideRequested(at: number, prev: ControllerState): Decision {
  const state: ControllerState = {
    ...prev,
    promotion: { ...prev.promotion, completedSteps: [...prev.promotion.completedSteps] },
  };
  if (prev.promotion.status === 'completed')
    return {
      action: { kind: 'already-promoted' },
      code: 'ALREADY_PROMOTED',
      reason: 'this region was promoted earlier',
      state,
    };
  if (prev.promotion.status === 'started') {
    const remaining = PROMOTION_STEPS.filter((x) => !prev.promotion.completedSteps.includes(x));
    return {
      action: { kind: 'resume-promotion', steps: remaining },
      code: 'PROMOTION_IN_PROGRESS',
      reason: `promotion requested again; remaining: ${remaining.join(', ') || 'none'}`,
      state,
    };
  }
  state.promotion = { status: 'started', startedAt: at, completedSteps: [] };
  return {
    action: { kind: 'promote', steps: [...PROMOTION_STEPS] },
    code: 'PROMOTION_REQUESTED',
    reason: 'promotion requested by an operator (Region switch plan or drctl)',
    state,
  };
}

export function decide(obs: Observation, prev: ControllerState, cfg: ControllerConfig): Decision {
  const last = prev.history.at(-1);
  // A gap longer than the window and two schedule intervals (controller not running) breaks any streak:
  // we cannot vouch for what happened in it.
  const maxGapMs = Math.max(cfg.windowSeconds, 2 * (cfg.scheduleSeconds ?? 60)) * 1000;
  const gap = last !== undefined && obs.at - last.at > maxGapMs;
  const probesDown = obs.peerHealth === 'unhealthy' && obs.peerAlb === 'unhealthy';
  // DNS pointing at us is the failover signal for the secondary; for the primary it is the normal state.
  const allDown = cfg.role === 'primary' ? probesDown : probesDown && obs.dns === 'self';
  const anyDown =
    obs.peerHealth === 'unhealthy' ||
    obs.peerAlb === 'unhealthy' ||
    obs.dns === 'self' ||
    obs.peerHealth === 'unknown' ||
    obs.peerAlb === 'unknown' ||
    obs.dns === 'unknown';
  const state: ControllerState = {
    ...prev,
    firstUnhealthyAt: allDown
      ? gap || prev.firstUnhealthyAt === undefined
        ? obs.at
        : prev.firstUnhealthyAt
      : undefined,
    firstDisagreeAt:
      anyDown && !allDown ? (gap || prev.firstDisagreeAt === undefined ? obs.at : prev.firstDisagreeAt) : undefined,
    outageStartedAt: anyDown
      ? gap
        ? obs.at
        : (prev.outageStartedAt ?? prev.firstDisagreeAt ?? prev.firstUnhealthyAt ?? obs.at)
      : undefined,
    history: [
      ...prev.history,
      { at: obs.at, peerHealth: obs.peerHealth, peerAlb: obs.peerAlb, dns: obs.dns, selfHealth: obs.selfHealth },
    ].slice(-HISTORY_LIMIT),
    lagSamples: mergeLag(prev.lagSamples, obs.replicaLag),
    promotion: { ...prev.promotion, completedSteps: [...prev.promotion.completedSteps] },
  };
  const out = (action: Action, code: string, reason: string): Decision => ({ action, code, reason, state });
  const page = (code: string, reason: string): Decision => {
    // Same reason again within the re-page interval: keep paging state, do not spam the on-call.
    const repeat = prev.lastPage?.code === code && obs.at - prev.lastPage.at < cfg.repageSeconds * 1000;
    if (!repeat) state.lastPage = { code, at: obs.at };
    return out({ kind: 'page', notify: !repeat }, code, reason);
  };

  // 1. A promotion once started is finished, whatever the signals say now: half a failover is the worst state.
  if (prev.promotion.status === 'completed') {
    // Failback rebuilt this region's database as a replica again: arm the controller for the next outage.
    if (obs.database?.isReplica && obs.database.status === 'available') {
      state.promotion = { status: 'none', completedSteps: [] };
      state.lastPage = undefined;
      return out(
        { kind: 'none' },
        'REARMED',
        'the local database is a replica again (failback done); automatic promotion is armed',
      );
    }
    return out(
      { kind: 'already-promoted' },
      'ALREADY_PROMOTED',
      'this region was promoted earlier; failback is an operator action (drctl failback)',
    );
  }
  if (prev.promotion.status === 'started') {
    const remaining: StepName[] = PROMOTION_STEPS.filter((s) => !prev.promotion.completedSteps.includes(s));
    return out(
      { kind: 'resume-promotion', steps: remaining },
      'PROMOTION_IN_PROGRESS',
      `promotion started ${secs(obs.at - (prev.promotion.startedAt ?? obs.at))}s ago; remaining: ${remaining.join(', ') || 'none'}`,
    );
  }

  // 2. Nothing to promote here: the primary never promotes, and a database that is already a writer cannot be.
  if (cfg.role === 'primary') {
    // After a failover this region comes back with a stale standalone writer and, if nobody could fence it while it
    // was away, its flag off: its /health would pass and Route 53 would send traffic back to it. When the other
    // region's gateways report a writer that is not this region's database, fence this region (its own flag).
    const pw = obs.peerWriter;
    const writerElsewhere =
      obs.database?.isReplica === false &&
      obs.database.endpoint !== undefined &&
      pw?.databaseRole === 'writer' &&
      pw.writerEndpoint !== undefined &&
      pw.writerEndpoint !== obs.database.endpoint;
    // An unreadable flag is not known to be on: try to set it (the write is idempotent).
    if (writerElsewhere && obs.maintenanceOn !== true) {
      state.lastPage = { code: 'PEER_IS_WRITER', at: obs.at };
      return out(
        { kind: 'fence-self' },
        'PEER_IS_WRITER',
        `the other region holds the writer (${pw?.writerEndpoint}) and this region's database is a stale standalone writer: fencing this region (maintenance flag on) until drctl failback`,
      );
    }
    if (writerElsewhere)
      return out(
        { kind: 'none' },
        'FENCED',
        `the other region holds the writer (${pw?.writerEndpoint}); this region stays fenced until drctl failback`,
      );
  }
  if (cfg.role === 'primary' || (obs.database && !obs.database.isReplica)) {
    if (cfg.role === 'secondary') {
      state.promotion = { status: 'completed', completedAt: obs.at, completedSteps: [] };
      return out(
        { kind: 'already-promoted' },
        'ALREADY_WRITER',
        'the local database is already a standalone writer (promoted outside the controller)',
      );
    }
    if (state.firstUnhealthyAt !== undefined && obs.at - state.firstUnhealthyAt >= cfg.windowSeconds * 1000)
      return page(
        'PEER_DOWN',
        `the secondary region has failed its probes for ${secs(obs.at - state.firstUnhealthyAt)}s: standby capacity is lost`,
      );
    return out({ kind: 'none' }, 'LOCAL_WRITER', 'this region holds the writer; watching the other region');
  }

  // 3. Signals disagree or are missing: never act on a partial picture; page once it persists.
  if (!allDown) {
    if (!anyDown) return out({ kind: 'none' }, 'PEER_HEALTHY', 'the peer region is healthy and DNS points to it');
    const since = state.firstDisagreeAt ?? obs.at;
    const sustained = obs.at - since >= cfg.windowSeconds * 1000;
    const probesDown = obs.peerHealth === 'unhealthy' && obs.peerAlb === 'unhealthy';
    const probesUp = obs.peerHealth === 'healthy' && obs.peerAlb === 'healthy';
    let code: string;
    let reason: string;
    if (probesDown && obs.dns === 'peer')
      [code, reason] = [
        'DNS_NOT_FAILED_OVER',
        'the peer fails its probes but DNS still sends traffic to it (Route 53 has not failed over)',
      ];
    else if (probesUp && obs.dns === 'self')
      [code, reason] = [
        'PEER_ALIVE_DNS_FAILED_OVER',
        'DNS has failed over to this region but the peer answers its probes from here',
      ];
    else if ([obs.peerHealth, obs.peerAlb, obs.dns].includes('unknown'))
      [code, reason] = [
        'SIGNALS_MISSING',
        `some signals are missing (health ${obs.peerHealth}, ALB ${obs.peerAlb}, DNS ${obs.dns})`,
      ];
    else
      [code, reason] = [
        'SIGNALS_DISAGREE',
        `signals disagree (health ${obs.peerHealth}, ALB ${obs.peerAlb}, DNS ${obs.dns})`,
      ];
    if (!sustained)
      return out(
        { kind: 'none' },
        'SUSPECT',
        `${reason}; watching (${secs(obs.at - since)}s of ${cfg.windowSeconds}s)`,
      );
    return page(code, `${reason} for ${secs(obs.at - since)}s; not promoting on a partial picture`);
  }

  // 4. Every signal says the peer is down: wait out the window so a blip never promotes.
  const down = obs.at - (state.firstUnhealthyAt ?? obs.at);
  const samples = state.history.filter((h) => h.at >= (state.firstUnhealthyAt ?? obs.at)).length;
  if (down < cfg.windowSeconds * 1000 || samples < 2)
    return out(
      { kind: 'none' },
      'WINDOW_NOT_ELAPSED',
      `peer down by every signal for ${secs(down)}s of the ${cfg.windowSeconds}s window`,
    );

  // 5. Guards: every one must hold, or a person decides.
  const prefix = `peer down by every signal for ${secs(down)}s, but`;
  if (!cfg.enabled)
    return page(
      'PROMOTION_DISABLED',
      `${prefix} automatic promotion is disabled in ${cfg.role}; promote with drctl failover`,
    );
  if (obs.selfHealth !== 'healthy')
    return page('SELF_UNHEALTHY', `${prefix} this region is not healthy itself (${obs.selfHealth})`);
  if (!obs.database) return page('DATABASE_UNKNOWN', `${prefix} the local replica could not be described`);
  if (obs.database.status !== 'available')
    return page('REPLICA_NOT_AVAILABLE', `${prefix} the local replica is ${obs.database.status}`);
  // Read the lag at the first failed signal of this episode, not at the (later) DNS failover: by then the replica
  // has reported minutes of growing lag that only measure the outage's length.
  const outageStart = Math.min(state.outageStartedAt ?? Infinity, state.firstUnhealthyAt ?? obs.at);
  const lag = lagAtOutage(state.lagSamples, outageStart);
  if (!lag)
    return page('LAG_MISSING', `${prefix} no ReplicaLag datapoint from before the outage: the RPO cannot be bounded`);
  const age = secs(outageStart - lag.at);
  if (age > cfg.lagMaxAgeSeconds)
    return page(
      'LAG_STALE',
      `${prefix} the last ReplicaLag datapoint is ${age}s older than the outage (limit ${cfg.lagMaxAgeSeconds}s)`,
    );
  if (lag.seconds < 0 || lag.seconds > cfg.rpoGuardSeconds)
    return page(
      'LAG_TOO_HIGH',
      `${prefix} ReplicaLag at the outage was ${lag.seconds}s, above the RPO guard of ${cfg.rpoGuardSeconds}s`,
    );

  state.promotion = { status: 'started', startedAt: obs.at, completedSteps: [], lagAtDecision: lag };
  state.lastPage = undefined;
  return out(
    { kind: 'promote', steps: [...PROMOTION_STEPS] },
    'PROMOTE',
    `peer down by every signal for ${secs(down)}s, this region healthy, ReplicaLag ${lag.seconds}s within ${cfg.rpoGuardSeconds}s`,
  );
}
