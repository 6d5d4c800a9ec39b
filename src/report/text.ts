// The report for people, as messages: one verdict line per objective first, then the arithmetic of every RTO path,
// the RPO per store, readiness and cost.
import type { MessageCode, Reporter } from '../io/messages.js';
import type { Report } from './report-types.js';
import { verdicts } from './verdicts.js';

export function emitReport(reporter: Reporter, r: Report): void {
  const say = (code: MessageCode, text: string, data?: unknown) => reporter.emit({ code, level: 'result', text, data });
  say(
    'REPORT_HEADER',
    `DR report for ${r.environment}: ${r.regions.primary} primary, ${r.regions.secondary} secondary (RTO target ${r.objectives.rtoSeconds} s, RPO target ${r.objectives.rpoSeconds} s)`,
  );
  for (const v of verdicts(r)) say('REPORT_VERDICT', v.text, v);
  say('REPORT_SECTION', '');
  for (const p of r.rto.paths) {
    say(
      'REPORT_RTO_PATH',
      `RTO ${p.name}: ${p.worstCaseSeconds} s worst case vs ${p.targetSeconds} s — ${p.meets ? 'meets' : 'MISSES'}`,
      p,
    );
    say('REPORT_RTO_DESCRIPTION', `    ${p.description}`);
    for (const t of p.terms) say('REPORT_RTO_TERM', `    ${String(t.seconds).padStart(5)} s  ${t.name}`);
    for (const f of p.fixes ?? []) say('REPORT_RTO_FIX', `    fix: ${f.text}`, f);
    if (p.note) say('REPORT_RTO_NOTE', `    ${p.note}`);
  }
  for (const s of r.rpo.stores) {
    say(
      'REPORT_RPO_STORE',
      `RPO ${s.name}: ${s.seconds ?? 'unbounded'} s — ${s.meets ? 'meets' : 'MISSES'} (${s.class})`,
      s,
    );
    say('REPORT_RPO_BASIS', `    ${s.basis}`);
  }
  const lc = r.recovery.logicalCorruption;
  say(
    'REPORT_RECOVERY_PATH',
    `recovery ${lc.name}: RPO ${lc.rpoSeconds ?? 'unbounded'} s (point-in-time granularity), RTO ${lc.rtoSeconds} s (restore estimate)`,
    lc,
  );
  for (const t of lc.terms) say('REPORT_RECOVERY_TERM', `    ${String(t.seconds).padStart(5)} s  ${t.name}`);
  for (const s of lc.stores)
    say(
      'REPORT_RECOVERY_STORE',
      `    ${s.name}: ${s.mechanism}, RPO ${s.rpoSeconds ?? 'nothing to restore'} s, restore ${s.restoreSeconds} s${s.copiedToOtherRegion ? ', copied to the other region' : ''}`,
      s,
    );
  for (const i of r.readiness.items) say('REPORT_READINESS_ITEM', `readiness ${i.severity}: ${i.message}`, i);
  if (r.readiness.items.length === 0)
    say('REPORT_READINESS_ITEM', 'readiness: no differences between the regions beyond the expected ones');
  const m = r.cost.monthlyUsd;
  say(
    'REPORT_COST',
    `cost per month (${r.cost.priceTable.effectiveDate} prices, ${r.cost.priceTable.file}): ${r.regions.primary} $${m[r.regions.primary]}, ${r.regions.secondary} $${m[r.regions.secondary]}, total $${m.total}; a single region without DR $${m.singleRegion}, so DR adds $${m.premiumUsd} (${m.premiumPercent} %)`,
    m,
  );
  for (const [layer, v] of Object.entries(r.cost.byLayer))
    say(
      'REPORT_COST_LAYER',
      `    ${layer.padEnd(11)} ${r.regions.primary} $${(v[r.regions.primary] ?? 0).toFixed(2).padStart(8)}   ${r.regions.secondary} $${(v[r.regions.secondary] ?? 0).toFixed(2).padStart(8)}`,
      { layer, ...v },
    );
  if (r.cost.unpricedTypes.length)
    say(
      'REPORT_COST_UNPRICED',
      `    not priced (no price in the table): ${r.cost.unpricedTypes.join(', ')}`,
      r.cost.unpricedTypes,
    );
}
