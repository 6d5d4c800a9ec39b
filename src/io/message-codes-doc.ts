// docs/message-codes.md, rendered from the registry so the reference page cannot drift from the code.
import { AWS_SERVICES, DRILL_EVENTS, MESSAGE_CODES, type MessageCodeEntry } from './message-codes.js';

export const MESSAGE_CODES_DOC = 'docs/message-codes.md';

export function messageCodesMarkdown(): string {
  const rows = Object.entries(MESSAGE_CODES as Record<string, MessageCodeEntry>)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, e]) => `| \`${code}\` | ${[e.level].flat().join(', ')} | ${e.meaning.replace(/\|/g, '\\|')} |`);
  return [
    '# Message codes',
    '',
    'Every message drctl (and the code it deploys: the failover controller, the trading gateway) emits carries a stable',
    'code: the `code` of each message under `--json`, and of the `error` document when a command fails. Scripts and',
    'tests match on codes, never on the text. Codes starting with `E_` are errors; the exit code follows from the',
    "error's kind (see the README's exit-code table).",
    '',
    'This page is generated from `src/io/message-codes.ts` (`npm run message-codes`); a test fails while it is out of',
    'date, while the source emits a code the registry lacks, or while the registry keeps a code nothing emits.',
    '',
    'Families: the runbooks emit `FAILOVER_*` and `FAILBACK_*` codes of the same shape; the pre-checks',
    '`<COMMAND>_PRECHECK`, `<COMMAND>_PRECHECK_OVERRIDDEN` and `E_<COMMAND>_PRECHECK` for failover, failback and',
    `drill; a drill timeline event \`e\` is reported as \`DRILL_<E>\` (${DRILL_EVENTS.length} events); an AWS call that`,
    `fails with no more precise code is \`E_AWS_<SERVICE>\` (${AWS_SERVICES.join(', ')}).`,
    '',
    '| Code | Level | Meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
