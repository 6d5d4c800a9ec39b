// The built bin as README's set-up runs it (`npm start` = node bin/drctl.js plan --env dev): a few smoke runs of the
// real process; everything else about the CLI is tested in-process through the same entry point.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runBin } from '../helpers/run-cli.js';

describe('the built bin', { timeout: 60_000 }, () => {
  it("npm start's command prints the plan on one screen, nothing on stderr, exit 0", async () => {
    const pkg = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      scripts: { start: string };
      bin: { drctl: string };
    };
    expect(pkg.scripts.start).toBe('node bin/drctl.js plan --env dev');
    expect(pkg.bin.drctl).toBe('bin/drctl.js');
    const [plan, version] = await Promise.all([runBin(['plan', '--env', 'dev']), runBin(['--version'])]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).toBe('');
    expect(plan.stdout.trimEnd().split('\n').length).toBeLessThanOrEqual(24);
    expect(plan.stdout).toMatch(/^Plan for dev /);
    expect(version.stdout.trim()).toBe('0.1.0');
  });
});
