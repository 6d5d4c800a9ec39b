// Pure: turns the drill's observations into figures and verdicts against the environment's objectives.
import type { Store } from './canaries.js';
import type { DrillReport, StoreRpo } from './report-types.js';

export interface Observations {
  faultAt: number;
  dnsFlippedAt: number | undefined;
  writesRecoveredAt: number | undefined;
  promotedAt: number | undefined;
  timedOut: boolean;
  canaries: {
    store: Store;
    basis: string;
    writtenAt: number | undefined;
    seenAt: number | undefined;
    figureSeconds?: number | null;
  }[];
}

const secs = (from: number, to: number | undefined): number | null =>
  to === undefined ? null : Math.round((to - from) / 100) / 10;

export function measure(
  obs: Observations,
  objectives: { rtoSeconds: number; rpoSeconds: number },
): Pick<DrillReport, 'rto' | 'rpo' | 'promotion' | 'missed'> {
  const missed: string[] = [];
  const dnsFlipSeconds = secs(obs.faultAt, obs.dnsFlippedAt);
  const writesRecoveredSeconds = secs(obs.faultAt, obs.writesRecoveredAt);
  const rtoSeconds = writesRecoveredSeconds;
  const rtoMet = rtoSeconds !== null && rtoSeconds <= objectives.rtoSeconds;
  if (dnsFlipSeconds === null) missed.push('DNS never answered the secondary before the drill timed out');
  if (rtoSeconds === null)
    missed.push('writes through the public endpoint never succeeded on the secondary before the drill timed out');
  else if (!rtoMet) missed.push(`RTO ${rtoSeconds} s exceeds the objective of ${objectives.rtoSeconds} s`);

  const stores: StoreRpo[] = obs.canaries.map((c) => {
    const seconds =
      c.figureSeconds !== undefined ? c.figureSeconds : c.writtenAt === undefined ? null : secs(c.writtenAt, c.seenAt);
    const met = seconds !== null && seconds <= objectives.rpoSeconds;
    if (seconds === null) missed.push(`${c.store}: canary never seen in the secondary (RPO unknown)`);
    else if (!met) missed.push(`${c.store}: RPO ${seconds} s exceeds the objective of ${objectives.rpoSeconds} s`);
    return {
      store: c.store,
      seconds,
      met,
      basis: c.basis,
      writtenAt: c.writtenAt === undefined ? null : new Date(c.writtenAt).toISOString(),
      seenAt: c.seenAt === undefined ? null : new Date(c.seenAt).toISOString(),
    };
  });
  const figures = stores.map((s) => s.seconds);
  const worst = figures.some((f) => f === null) ? null : Math.max(0, ...(figures as number[]));
  return {
    rto: {
      seconds: rtoSeconds,
      met: rtoMet,
      dnsFlipSeconds,
      writesRecoveredSeconds,
      basis:
        'fault injection → first successful POST /orders through the public domain answered by the secondary region',
    },
    rpo: { worstSeconds: worst, met: stores.every((s) => s.met), stores },
    promotion: { observed: obs.promotedAt !== undefined, seconds: secs(obs.faultAt, obs.promotedAt) },
    missed,
  };
}
