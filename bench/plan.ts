// Times what `npm start` runs (the built `drctl plan --env dev`) as a user meets it: with the validator's cache
// warm, and cold (a fresh, empty DRCTL_CACHE_DIR, so cfn-guard runs for every template). Run `npm run build`
// first, then `npx tsx bench/plan.ts [runs]`. Figures, not assertions: the target is under 3 s, cold included.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/drctl.js');
const runs = Number(process.argv[2] ?? 5);

function time(env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  execFileSync(process.execPath, [BIN, 'plan', '--env', 'dev'], { cwd: ROOT, env, stdio: 'ignore' });
  return performance.now() - t0;
}

function summary(label: string, ms: number[]): void {
  const s = [...ms].sort((a, b) => a - b);
  const f = (n: number) => `${(n / 1000).toFixed(2)} s`;
  console.log(
    `${label.padEnd(6)} min ${f(s[0]!)}  median ${f(s[Math.floor(s.length / 2)]!)}  max ${f(s[s.length - 1]!)}  (${s.length} runs)`,
  );
}

const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'drctl-bench-cache-'));
time({ ...process.env, DRCTL_CACHE_DIR: cacheDir }); // fills the cache the warm runs use
const warm = Array.from({ length: runs }, () => time({ ...process.env, DRCTL_CACHE_DIR: cacheDir }));
const cold = Array.from({ length: runs }, () =>
  time({ ...process.env, DRCTL_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'drctl-bench-cold-')) }),
);
console.log(
  `drctl plan --env dev (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)})`,
);
summary('warm', warm);
summary('cold', cold);
