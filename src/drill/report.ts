// Writes the drill report as JSON (for machines and trend tracking) and Markdown with a timeline (for people),
// both atomically, under out/drills/<env>-<timestamp>.{json,md}.
import path from 'node:path';
import { writeFileAtomic } from '../operator/atomic-file.js';
import type { DrillReport } from './report-types.js';

const fmt = (s: number | null): string => (s === null ? 'not reached' : `${s} s`);
const verdict = (met: boolean): string => (met ? 'met' : '**missed**');

export function renderMarkdown(r: DrillReport): string {
  const lines = [
    `# DR drill ${r.drillId} — ${r.environment} (${r.mode})`,
    '',
    `Outcome: **${r.outcome}** · started ${r.startedAt} · finished ${r.finishedAt}`,
    '',
    '## Objectives',
    '',
    '| measure | measured | objective | verdict | rests on |',
    '|---|---|---|---|---|',
    `| RTO (writes) | ${fmt(r.rto.seconds)} | ${r.objectives.rtoSeconds} s | ${verdict(r.rto.met)} | ${r.rto.basis} |`,
    `| DNS flip | ${fmt(r.rto.dnsFlipSeconds)} | — | — | authoritative name servers of the hosted zone answering the secondary ALB |`,
    ...r.rpo.stores.map(
      (s) => `| RPO ${s.store} | ${fmt(s.seconds)} | ${r.objectives.rpoSeconds} s | ${verdict(s.met)} | ${s.basis} |`,
    ),
    '',
  ];
  if (r.missed.length) lines.push('## Missed', '', ...r.missed.map((m) => `- ${m}`), '');
  lines.push(
    '## Restore',
    '',
    `${r.restore.action}: ${r.restore.restored ? `restored; DNS back on the primary after ${fmt(r.restore.dnsRestoredSeconds)}` : 'not restored'}${r.restore.note ? ` — ${r.restore.note}` : ''}`,
    '',
    `Replica promotion during the drill: ${r.promotion.observed ? `yes, at +${r.promotion.seconds} s` : 'no'}`,
    '',
    '## Timeline',
    '',
    '| t (s) | time | event | detail |',
    '|---:|---|---|---|',
    ...r.timeline.map(
      (e) =>
        `| ${e.t >= 0 ? '+' : ''}${e.t.toFixed(1)} | ${e.at} | ${e.event} | ${
          e.detail
            ? Object.entries(e.detail)
                .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
                .join(', ')
            : ''
        } |`,
    ),
    '',
    '## Pre-checks',
    '',
    ...r.prechecks.map(
      (c) => `- ${c.status === 'pass' ? 'ok' : c.status === 'fail' ? 'FAIL' : 'UNKNOWN'} ${c.check}: ${c.evidence}`,
    ),
    '',
  );
  return lines.join('\n');
}

export async function writeDrillReport(root: string, r: DrillReport): Promise<{ json: string; markdown: string }> {
  const stamp = r.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = path.join(root, 'out', 'drills', `${r.environment}-${stamp}`);
  const files = { json: `${base}.json`, markdown: `${base}.md` };
  await writeFileAtomic(files.json, `${JSON.stringify(r, null, 2)}\n`);
  await writeFileAtomic(files.markdown, renderMarkdown(r));
  return files;
}
