// The record of a failover or failback run for people and for the post-incident review: JSON (the run's result) and
// Markdown with a timeline of every step, under out/runbooks/<env>-<runbook>-<runId>.{json,md}. Written when a run
// completes and when it stops on a failure, so an interrupted run leaves its partial timeline too.
import path from 'node:path';
import { writeFileAtomic } from '../../operator/atomic-file.js';
import type { RunbookState } from './state-store.js';

export interface RunbookReportFiles {
  json: string;
  markdown: string;
}

const secondsSince = (start: string, at: string | undefined): string =>
  at ? `+${((Date.parse(at) - Date.parse(start)) / 1000).toFixed(1)}` : '';

function cell(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderRunbookMarkdown(s: RunbookState): string {
  const done = s.steps.filter((x) => x.status === 'done' || x.status === 'skipped').length;
  const failed = s.steps.find((x) => x.status === 'failed');
  const lines = [
    `# drctl ${s.runbook} ${s.runId} — ${s.environment}`,
    '',
    `Status: **${s.status}** · started ${s.startedAt} · last update ${s.updatedAt} · ${done}/${s.steps.length} steps finished`,
    '',
  ];
  if (failed)
    lines.push(
      `Stopped at **${failed.id}** (${failed.error?.code ?? 'error'}): ${failed.error?.message ?? ''}. Re-run \`drctl ${s.runbook} --env ${s.environment}\` to resume at this step.`,
      '',
    );
  lines.push(
    '## Timeline',
    '',
    '| t (s) | started | step | status | duration (s) | attempts | detail |',
    '|---:|---|---|---|---:|---:|---|',
    ...s.steps.map(
      (x) =>
        `| ${secondsSince(s.startedAt, x.startedAt)} | ${x.startedAt ?? '—'} | ${x.id} — ${cell(x.title)} | ${x.status} | ${x.durationMs === undefined ? '' : (x.durationMs / 1000).toFixed(1)} | ${x.attempts} | ${
          x.error
            ? cell(`${x.error.code}: ${x.error.message}`)
            : Object.entries(x.detail ?? {})
                .map(([k, v]) => `${k}=${cell(v)}`)
                .join(', ')
        } |`,
    ),
    '',
  );
  if (Object.keys(s.facts).length)
    lines.push('## Facts', '', ...Object.entries(s.facts).map(([k, v]) => `- ${k}: ${cell(v)}`), '');
  return lines.join('\n');
}

export async function writeRunbookReport(
  root: string,
  s: RunbookState,
  result: Record<string, unknown>,
): Promise<RunbookReportFiles> {
  const base = path.join(root, 'out', 'runbooks', `${s.environment}-${s.runbook}-${s.runId}`);
  const files = { json: `${base}.json`, markdown: `${base}.md` };
  await writeFileAtomic(files.json, `${JSON.stringify(result, null, 2)}\n`);
  await writeFileAtomic(files.markdown, renderRunbookMarkdown(s));
  return files;
}
