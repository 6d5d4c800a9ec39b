// cfn-guard's cost is loading its rules for every template (~0.1–0.3 s per template), so its raw report is kept on
// disk keyed by everything it depends on: the guard package version, the rule files used and the template text.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { cacheRoot } from '../../config/environment-variables.js';
import path from 'node:path';

export interface GuardCache {
  get(key: string): string | undefined;
  set(key: string, report: string): void;
}

export function guardCacheKey(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** A content-addressed directory of reports; failures to read or write only cost speed. */
export function diskGuardCache(dir = path.join(cacheRoot(os.tmpdir()), 'guard')): GuardCache {
  return {
    get(key) {
      try {
        return readFileSync(path.join(dir, `${key}.json`), 'utf8');
      } catch {
        return undefined;
      }
    },
    set(key, report) {
      try {
        mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${key}.json`);
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, report);
        renameSync(tmp, file);
      } catch {
        // Read-only or full temp dir: run without the cache.
      }
    },
  };
}
