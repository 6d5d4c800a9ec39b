// The `--json` documents README promises for plan, deploy, destroy, status and outputs are the ones the code
// prints: every field a run emits is in the README example, and every field of the example is emitted by one of
// these runs (a success and a failure each), so the two cannot drift apart unnoticed.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resultDocument } from '../../src/cli/environment-change.js';
import { runDeploy } from '../../src/deploy/deploy.js';
import { runDestroy } from '../../src/deploy/destroy.js';
import { stackOutputs, stackStatus } from '../../src/deploy/inspect.js';
import { planJson } from '../../src/plan/plan-view.js';
import { loadProject } from '../../src/plan/project.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { ALL, fixtureProject, runtime } from './helpers.js';

const SECTION = '### drctl plan / deploy / status / outputs / destroy';

/** The JSON example that follows "**`<command> --json` output**" in the deploy section of README. */
async function readmeExample(command: string): Promise<unknown> {
  const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(SECTION));
  const at = section.indexOf(`**\`${command} --json\` output**`);
  expect(at, `README documents ${command} --json`).toBeGreaterThan(-1);
  const block = /```json\n([\s\S]*?)\n```/.exec(section.slice(at));
  expect(block, `a json block after the ${command} heading`).not.toBeNull();
  return JSON.parse(block![1]!) as unknown;
}

/**
 * Every field path of a document: `nodes[].parameters.*.source`. Array elements merge; under a path in `maps`
 * the keys are data (parameter names, output keys) and read as `*`. `error` is DrError's document, the same
 * everywhere, so only its presence counts.
 */
function fields(value: unknown, maps: string[] = [], at = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) fields(v, maps, `${at}[]`, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = `${at ? `${at}.` : ''}${maps.includes(at) ? '*' : k}`;
      out.add(p);
      if (k !== 'error') fields(v, maps, p, out);
    }
  }
  return out;
}

const union = (maps: string[], ...docs: unknown[]) => [...new Set(docs.flatMap((d) => [...fields(d, maps)]))].sort();

/** A deploy that fails at the secondary network (dependants skipped), then one that succeeds. */
async function deployRuns() {
  const world = new AwsWorld();
  const project = await fixtureProject();
  // The rollback fails too (ROLLBACK_FAILED), so status has a reason to show; the next deploy recreates the stack.
  world.cloudformation('us-west-2').failNextOperation('trading-network-dev', {
    resource: 'NatGateway',
    reason: 'NAT gateway limit',
    rollbackFails: true,
  });
  const failed = await runDeploy(project, ALL, runtime(world));
  expect(failed.report.status).toBe('failed');
  const statusAfterFailure = await stackStatus(project, runtime(world));
  const ok = await runDeploy(project, { ...ALL, yes: true }, runtime(world));
  expect(ok.report.status).toBe('succeeded');
  return { world, project, failed, ok, statusAfterFailure };
}

describe('README --json examples match what the commands print', () => {
  it('plan', async () => {
    const maps = ['nodes[].parameters'];
    const printed = union(
      maps,
      planJson((await fixtureProject()).graph),
      planJson((await loadProject(PROJECT_ROOT, 'dev')).graph),
    );
    expect(printed).toEqual(union(maps, await readmeExample('plan')));
  });

  it('deploy, status, outputs and destroy', async () => {
    const { world, project, failed, ok, statusAfterFailure } = await deployRuns();
    expect(union([], resultDocument(failed.report, failed.error), resultDocument(ok.report))).toEqual(
      union([], await readmeExample('deploy')),
    );

    // A stack someone else owns (wrong tag) shows as foreign in status, and destroy leaves it and what it uses.
    world.cloudformation('us-west-2').stack('trading-compute-dev')!.current.tags = [
      { Key: 'environment', Value: 'staging' },
    ];
    const status = await stackStatus(project, runtime(world));
    expect(status.stacks.some((s) => s.foreign)).toBe(true);
    expect(union([], status, statusAfterFailure)).toEqual(union([], await readmeExample('status')));

    const outputs = await stackOutputs(project, runtime(world));
    const documentedOutputs = (await readmeExample('outputs')) as Record<string, unknown>;
    for (const doc of [outputs, documentedOutputs]) {
      expect(Object.keys(doc).length).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(doc)) {
        expect(k).toMatch(/^[a-z]+@(primary|secondary)\.[A-Za-z0-9]+$/);
        expect(typeof v).toBe('string');
      }
    }

    // Destroy leaves the foreign stack and what it uses; once the tag is back, the rest goes, buckets emptied.
    const destroy = () => runDestroy(project, { yes: true, concurrency: 4, forceUnlock: false }, runtime(world));
    const kept = await destroy();
    expect(kept.report.status).toBe('failed');
    world.cloudformation('us-west-2').stack('trading-compute-dev')!.current.tags = [
      ...world.cloudformation('us-west-2').stack('trading-network-dev')!.current.tags,
    ];
    world.s3.put(
      world.cloudformation('us-east-1').stack('trading-data-dev')!.resources.get('AssetsBucket')!.physicalId,
      'reports/1.csv',
      'x',
    );
    const rest = await destroy();
    expect(rest.report.status).toBe('succeeded');
    expect(union([], resultDocument(kept.report, kept.error), resultDocument(rest.report))).toEqual(
      union([], await readmeExample('destroy')),
    );
  });
});
