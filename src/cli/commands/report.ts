// drctl report: RTO/RPO budget, readiness, cost and the architecture picture, offline from templates and config.
// Exit 0 by default (a missed objective is a finding in the report); with --check, exit 1 when an objective is missed.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option } from 'commander';
import { EXIT, usageError } from '../../errors.js';
import { loadReport } from '../../report/build-report.js';
import { renderHtml } from '../../report/html.js';
import { emitReport } from '../../report/text.js';
import { defineCommand, type Registrar } from '../command.js';
import type { GlobalOptions } from '../context.js';

interface ReportOptions extends GlobalOptions {
  html?: string;
  prices?: string;
  check?: boolean;
}

export const registerReport = (r: Registrar) =>
  defineCommand<ReportOptions>(r, {
    name: 'report',
    description:
      'RTO/RPO budget, cross-region readiness, monthly cost and an architecture diagram, computed offline from the templates and config',
    environment: true,
    options: [
      new Option('--html <file>', 'also write the report as one self-contained HTML file'),
      new Option('--prices <file>', 'price table to use (default: the newest data/prices/<date>.json)'),
      new Option('--check', 'exit 1 when an objective (RTO or RPO) is missed, e.g. as a CI gate'),
    ],
    run: async (ctx, opts) => {
      const report = await loadReport(ctx.root, opts.env ?? 'dev', opts.prices);
      if (opts.html) {
        const file = path.resolve(ctx.root, opts.html);
        await writeFile(file, renderHtml(report), 'utf8').catch((err: unknown) => {
          throw usageError(
            'E_REPORT_HTML_UNWRITABLE',
            `${opts.html}: cannot write the HTML report (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
            'Choose a writable path for --html.',
            { file: opts.html },
          );
        });
        ctx.reporter.emit({
          code: 'REPORT_HTML_WRITTEN',
          level: 'info',
          text: `wrote ${opts.html}`,
          data: { file: opts.html },
        });
      }
      if (!opts.json) emitReport(ctx.reporter, report);
      ctx.reporter.result(report);
      const missed = !report.rto.meets || !report.rpo.meets;
      if (opts.check && missed)
        ctx.reporter.emit({
          code: 'REPORT_CHECK_FAILED',
          level: 'error',
          text: `--check: ${[!report.rto.meets ? 'RTO' : '', !report.rpo.meets ? 'RPO' : ''].filter(Boolean).join(' and ')} objective missed`,
        });
      return opts.check && missed ? EXIT.findings : EXIT.ok;
    },
  });
