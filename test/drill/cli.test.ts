import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

describe('drctl drill / failover / failback on the command line', () => {
  it('rejects a bad drill mode or timeout as usage errors (exit 2) and documents the modes', () => {
    const bad = runCli(['drill', '--mode', 'pull-the-plug', '--yes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/health-flag, inverted-check/);
    const timeout = runCli(['drill', '--timeout', '5', '--json']);
    expect(timeout.code).toBe(2);
    expect(JSON.parse(timeout.stdout).error.code).toBe('E_DRILL_TIMEOUT');
    const help = runCli(['--help']);
    expect(help.stdout).toMatch(/failover/);
    expect(help.stdout).toMatch(/failback/);
    expect(help.stdout).toMatch(/drill/);
  });
});
