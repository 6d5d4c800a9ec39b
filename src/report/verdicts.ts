// One verdict per objective (RTO, RPO), the line both the text and the HTML report open with, and what
// `drctl report --check` turns into its exit code.
import type { Report } from './report-types.js';

export interface Verdict {
  objective: 'rto' | 'rpo';
  targetSeconds: number;
  meets: boolean;
  /** What misses the target (recovery paths, stores), with its figure. */
  missed: { name: string; seconds: number | null }[];
  /** The worst figure among what is held to the target. */
  worst: { name: string; seconds: number | null } | undefined;
  text: string;
}

const figure = (s: number | null) => (s === null ? 'unbounded' : `${s} s`);
const list = (xs: { name: string; seconds: number | null }[]) =>
  xs.map((x) => `${x.name} ${figure(x.seconds)}`).join(', ');

export function verdicts(r: Report): Verdict[] {
  const paths = r.rto.paths;
  const rtoMissed = paths.filter((p) => !p.meets).map((p) => ({ name: p.name, seconds: p.worstCaseSeconds }));
  const rtoWorst = [...paths].sort((a, b) => b.worstCaseSeconds - a.worstCaseSeconds)[0];
  const rto: Verdict = {
    objective: 'rto',
    targetSeconds: r.rto.targetSeconds,
    meets: r.rto.meets,
    missed: rtoMissed,
    worst: rtoWorst && { name: rtoWorst.name, seconds: rtoWorst.worstCaseSeconds },
    text: r.rto.meets
      ? `RTO ≤ ${r.rto.targetSeconds} s: met by all ${paths.length} recovery paths (worst: ${rtoWorst ? list([{ name: rtoWorst.name, seconds: rtoWorst.worstCaseSeconds }]) : 'none'})`
      : `RTO ≤ ${r.rto.targetSeconds} s: MISSED by ${rtoMissed.length} of ${paths.length} recovery paths (${list(rtoMissed)})`,
  };
  // Read-mostly stores are judged on their own terms (DESIGN §4); the worst figure counts the stores held to the target.
  const held = r.rpo.stores.filter((s) => s.class === 'transactional');
  const rpoMissed = r.rpo.stores.filter((s) => !s.meets).map((s) => ({ name: s.name, seconds: s.seconds }));
  const rpoWorst = [...held].sort((a, b) => (b.seconds ?? Infinity) - (a.seconds ?? Infinity))[0];
  const rpo: Verdict = {
    objective: 'rpo',
    targetSeconds: r.rpo.targetSeconds,
    meets: r.rpo.meets,
    missed: rpoMissed,
    worst: rpoWorst && { name: rpoWorst.name, seconds: rpoWorst.seconds },
    text: r.rpo.meets
      ? `RPO ≤ ${r.rpo.targetSeconds} s: met by all ${held.length} stores holding trading state (worst: ${rpoWorst ? list([{ name: rpoWorst.name, seconds: rpoWorst.seconds }]) : 'none'})`
      : `RPO ≤ ${r.rpo.targetSeconds} s: MISSED by ${rpoMissed.length} of ${r.rpo.stores.length} stores (${list(rpoMissed)})`,
  };
  return [rto, rpo];
}
