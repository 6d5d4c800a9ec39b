// README's exit-code table is true for every command: the codes are the ones errors.ts maps, and every command the
// table lists for a code is driven to it through drctl's entry point here — except the runbook and drill outcomes
// that need a whole simulated region pair, which test/failover-ops and test/drill drive through the same command
// bodies and the same mapping (named below, and checked to exist).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/deploy/deploy.js';
import { loadProject } from '../../src/plan/project.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { withoutCredentials } from '../doubles/no-credentials.js';
import { ALL, FIXTURE_ROOT, runtime } from '../deploy/helpers.js';
import { PROJECT_ROOT, runCli, type CliRun } from '../helpers/run-cli.js';
import { fixtureProject } from '../report/report-fixture.js';

const COMMANDS = [
  'validate',
  'plan',
  'deploy',
  'status',
  'outputs',
  'destroy',
  'report',
  'drill',
  'failover',
  'failback',
];

/** README's table: code → commands. */
async function readmeTable(): Promise<Map<number, string[]>> {
  const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('**Exit codes**'));
  const rows = [...section.matchAll(/^\| (\d+) \| [^|]+ \| ([^|]+) \|$/gm)];
  return new Map(
    rows.map(([, code, commands]) => {
      const listed = commands!.trim().startsWith('all') ? COMMANDS : commands!.split(',').map((c) => c.trim());
      return [Number(code), listed];
    }),
  );
}

const confirming = ['deploy', 'destroy', 'drill', 'failover', 'failback'];
const yes = (command: string) => (confirming.includes(command) ? ['--yes'] : []);

/** A world whose state bucket holds another operator's lock on dev. */
function lockedWorld(): AwsWorld {
  const world = new AwsWorld();
  const bucket = 'drctl-state-111111111111-us-east-1';
  world.s3.createBucket(bucket, 'us-east-1', 'Enabled');
  const owner = { arn: 'arn:aws:sts::111111111111:assumed-role/Deployer/bob', user: 'bob', host: 'ops-2', pid: 7 };
  world.s3.put(
    bucket,
    'locks/dev.json',
    JSON.stringify({ id: 'x', environment: 'dev', operation: 'deploy', owner, createdAt: new Date().toISOString() }),
  );
  return world;
}

/** How each (code, command) the table claims is provoked here, or which test file does it through the same mapping. */
type Scenario = (() => Promise<CliRun>) | { file: string; test: string };
const SCENARIOS: Record<number, Record<string, Scenario>> = {
  1: {
    validate: () =>
      runCli(['validate', '--json', '--no-guard', 'test/fixtures/templates/bad/E6012-no-open-ingress.json']),
    plan: () => runCli(['plan', '--json', '--no-guard'], { cwd: FIXTURE_ROOT }),
    deploy: () => runCli(['deploy', '--yes', '--json'], { cwd: FIXTURE_ROOT, clients: new AwsWorld().factory() }),
    report: async () => runCli(['report', '--json', '--check'], { cwd: await fixtureProject() }),
    drill: {
      file: 'test/drill/drill.test.ts',
      test: 'times out when DNS never flips, restores the fault and fails the drill (exit 1)',
    },
    failover: {
      file: 'test/failover-ops/failover.test.ts',
      test: 'a promotion slower than its wait is exit 1 (E_PROMOTION_TIMEOUT) with the state kept; the next run finishes it',
    },
    failback: {
      file: 'test/failover-ops/failback.test.ts',
      test: 'a replica that takes longer to create than the wait is exit 1 (E_REPLICA_CREATE_TIMEOUT), resumable',
    },
  },
  2: Object.fromEntries(COMMANDS.map((c) => [c, () => runCli([c, '--json', '--no-such-option'])])),
  3: Object.fromEntries(
    ['deploy', 'destroy', 'status', 'outputs', 'drill', 'failover', 'failback'].map((c) => [
      c,
      () => runCli([c, ...yes(c), '--json'], { cwd: PROJECT_ROOT, clients: withoutCredentials() }),
    ]),
  ),
  4: {
    deploy: () => runCli(['deploy', '--only', 'foundation', '--yes', '--json'], { clients: lockedWorld().factory() }),
    destroy: () => runCli(['destroy', '--yes', '--json'], { clients: lockedWorld().factory() }),
    drill: { file: 'test/drill/drill.test.ts', test: 'stops before any change when a pre-check fails' },
    failover: {
      file: 'test/failover-ops/failover.test.ts',
      test: 'stops before any change when the secondary is unhealthy',
    },
    failback: {
      file: 'test/failover-ops/failback.test.ts',
      test: 'refuses when there was no failover (exit 4) and changes nothing',
    },
  },
  130: {
    destroy: async () => {
      // Something to delete, and nobody to say yes: the confirmation is refused.
      const world = new AwsWorld();
      const deployed = await runDeploy(
        await loadProject(PROJECT_ROOT, 'dev'),
        { ...ALL, only: ['foundation'] },
        runtime(world),
      );
      expect(deployed.report.status).toBe('succeeded');
      return runCli(['destroy', '--json'], { clients: world.factory() });
    },
    deploy: {
      file: 'test/cli/wrapper.test.ts',
      test: 'first: deploy stops waiting, releases the lock and exits 130 with the interrupted report; second: exit 130 at once',
    },
    status: {
      file: 'test/cli/wrapper.test.ts',
      test: 'a command with nothing to wind down (status) exits 130 at the first Ctrl-C',
    },
    drill: {
      file: 'test/drill/drill.test.ts',
      test: 'on Ctrl-C stops measuring, undoes the fault and reports the run as interrupted (exit 130)',
    },
  },
};

/** The source of one test (from its `it(` to the next), to check what it asserts. */
async function testBody(file: string, title: string): Promise<string> {
  const source = await readFile(path.join(PROJECT_ROOT, file), 'utf8');
  const start = source.indexOf(title);
  if (start < 0) return '';
  const next = source.indexOf('\n  it(', start);
  return source.slice(start, next < 0 ? undefined : next);
}

describe("README's exit-code table", () => {
  it('lists exactly the codes errors.ts maps, each with the commands that return it', async () => {
    const table = await readmeTable();
    expect([...table.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 70, 130]);
    const { exitCodeFor, DrError, EXIT } = await import('../../src/errors.js');
    const kinds = { findings: 1, usage: 2, config: 2, aws: 3, conflict: 4, interrupted: 130, internal: 70 } as const;
    for (const [kind, code] of Object.entries(kinds))
      expect(
        exitCodeFor(new DrError({ code: 'E_INTERNAL', kind: kind as keyof typeof kinds, message: '' })),
        kind,
      ).toBe(code);
    expect(EXIT).toEqual({ ok: 0, findings: 1, interrupted: 130 });
    for (const [code, commands] of table) for (const c of commands) expect(COMMANDS, `${code}: ${c}`).toContain(c);
  });

  it.each([1, 2, 3, 4, 130])('every command it lists for exit %i returns it', async (code) => {
    const claimed = (await readmeTable()).get(code)!;
    for (const command of code === 130 ? ['destroy', 'deploy', 'status', 'drill'] : claimed) {
      const scenario = SCENARIOS[code]![command];
      expect(scenario, `a scenario for ${command} → ${code}`).toBeDefined();
      if ('file' in scenario!) {
        // Provoked by a test elsewhere through the same mapping: that test exists and asserts this exit code.
        expect(await testBody(scenario.file, scenario.test), `${scenario.file}: "${scenario.test}"`).toMatch(
          new RegExp(`(code|\\]|exits)\\)\\.(toBe|toEqual)\\(\\[?${code}\\]?\\)`),
        );
        continue;
      }
      const r = await scenario!();
      expect(r.code, `${command}: ${r.stderr}`).toBe(code);
      // Under --json a failure is always a document on stdout.
      expect(() => JSON.parse(r.stdout), command).not.toThrow();
    }
  });
});
