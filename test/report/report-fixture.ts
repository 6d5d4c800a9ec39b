// The fixture project for report tests: small layer templates carrying the parameters and resources the report reads.
import { cp, mkdtemp, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadReportInput } from '../../src/report/build-report.js';
import { loadPriceTable, type PriceTable } from '../../src/report/prices.js';
import type { ReportInput } from '../../src/report/report-input.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

export const FIXTURE_ROOT = path.join(PROJECT_ROOT, 'test/fixtures/report');

export async function fixtureInput(): Promise<ReportInput> {
  return loadReportInput(FIXTURE_ROOT, 'dev');
}

export async function projectPrices(): Promise<PriceTable> {
  return loadPriceTable(PROJECT_ROOT);
}

/** A throw-away project (config, templates, prices) for tests that run drctl as a user would. */
export async function fixtureProject(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drctl-report-'));
  await cp(path.join(FIXTURE_ROOT, 'config'), path.join(dir, 'config'), { recursive: true });
  await cp(path.join(FIXTURE_ROOT, 'templates'), path.join(dir, 'templates'), { recursive: true });
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await cp(path.join(PROJECT_ROOT, 'data/prices'), path.join(dir, 'data/prices'), { recursive: true });
  return dir;
}
