// The dated on-demand price table (data/prices/<date>.json): loading, choosing the newest, and strict look-ups.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DrError, usageError } from '../errors.js';
import { parseJsonSource } from '../templates/json-source.js';

export const PRICES_DIR = path.join('data', 'prices');

export interface PriceEntry {
  usd: number;
  unit: string;
  source: string;
  retrieved: string;
  note?: string;
}

export interface UsageAssumption {
  value: number;
  unit: string;
  why: string;
}

export interface PriceTable {
  file: string;
  currency: string;
  effectiveDate: string;
  hoursPerMonth: number;
  usage: Record<string, UsageAssumption>;
  regions: Record<string, Record<string, PriceEntry>>;
}

/** The newest `YYYY-MM-DD.json` under data/prices, or the file given. */
export async function loadPriceTable(root: string, file?: string): Promise<PriceTable> {
  let rel = file;
  if (!rel) {
    const names = await readdir(path.join(root, PRICES_DIR)).catch(() => [] as string[]);
    const dated = names.filter((n) => /^\d{4}-\d{2}-\d{2}\.json$/.test(n)).sort();
    const newest = dated[dated.length - 1];
    if (!newest)
      throw usageError(
        'E_REPORT_NO_PRICES',
        `${PRICES_DIR}/ holds no dated price table (YYYY-MM-DD.json)`,
        'Restore data/prices/ from the repository, or pass --prices FILE.',
        { file: PRICES_DIR },
      );
    rel = path.join(PRICES_DIR, newest);
  }
  const abs = path.resolve(root, rel);
  const text = await readFile(abs, 'utf8').catch(() => {
    throw usageError('E_FILE_UNREADABLE', `${rel}: cannot read the price table`, 'Check the --prices path.', {
      file: rel,
    });
  });
  const table = parseJsonSource<Omit<PriceTable, 'file'>>(rel, text).value;
  if (
    !table ||
    typeof table.regions !== 'object' ||
    typeof table.hoursPerMonth !== 'number' ||
    typeof table.usage !== 'object'
  ) {
    throw usageError(
      'E_REPORT_PRICES_INVALID',
      `${rel}: not a price table (needs currency, effectiveDate, hoursPerMonth, usage, regions)`,
      'Start from the newest file under data/prices/.',
      { file: rel },
    );
  }
  return { ...table, file: path.relative(root, abs) || rel };
}

export function price(table: PriceTable, region: string, key: string): PriceEntry {
  const entry = table.regions[region]?.[key];
  if (entry) return entry;
  throw new DrError({
    code: 'E_REPORT_PRICE_MISSING',
    kind: 'usage',
    message: `${table.file}: no price "${key}" for ${region}`,
    fix: `Add "${key}" under regions.${region} with usd, unit, source and retrieved, taken from the AWS pricing page.`,
    file: table.file,
    field: `regions.${region}.${key}`,
  });
}

export function usage(table: PriceTable, name: string): number {
  const u = table.usage[name];
  if (u && typeof u.value === 'number') return u.value;
  throw new DrError({
    code: 'E_REPORT_USAGE_MISSING',
    kind: 'usage',
    message: `${table.file}: no usage assumption "${name}"`,
    fix: `Add usage.${name} { value, unit, why } to the price table.`,
    file: table.file,
    field: `usage.${name}`,
  });
}
