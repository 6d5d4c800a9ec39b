import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDeployGraph } from '../../src/plan/graph-builder.js';
import type { DeployGraph, StackNode } from '../../src/plan/graph.js';
import { planJson } from '../../src/plan/plan-view.js';
import { loadConfig } from '../../src/config/load-config.js';
import { loadLayerTemplates, type LoadedTemplate } from '../../src/templates/catalog.js';
import { DrError } from '../../src/errors.js';
import type { EnvironmentConfig } from '../../src/config/config-types.js';
import { loadProject } from '../../src/plan/project.js';
import { copyFixture, FIXTURE_ROOT } from '../deploy/helpers.js';

async function inputs(): Promise<{ config: EnvironmentConfig; layers: Map<string, LoadedTemplate> }> {
  const { config } = await loadConfig(FIXTURE_ROOT, 'dev');
  return { config: structuredClone(config), layers: await loadLayerTemplates(FIXTURE_ROOT) };
}

function graph(i: { config: EnvironmentConfig; layers: Map<string, LoadedTemplate> }): DeployGraph {
  return buildDeployGraph({ config: i.config, configFile: 'config/dev.json', layers: i.layers });
}

function waveOf(g: DeployGraph, id: string): number {
  const w = g.waves.findIndex((ids) => ids.includes(id));
  expect(w, `${id} is in a wave`).toBeGreaterThanOrEqual(0);
  return w;
}

function errorOf(fn: () => unknown): DrError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DrError);
    return err as DrError;
  }
  throw new Error('expected a DrError');
}

describe('deploy graph builder', () => {
  it('derives cross-region edges from Metadata.Drctl.Inputs', async () => {
    const g = graph(await inputs());
    const deps = (id: string) => g.nodes.get(id)!.dependencies;
    expect(deps('data@primary')).toEqual(
      expect.arrayContaining(['foundation@secondary', 'foundation@primary', 'network@primary']),
    );
    expect(deps('data@secondary')).toContain('data@primary');
    expect(deps('global@primary')).toEqual(expect.arrayContaining(['compute@primary', 'compute@secondary']));
    // Roles restrict inputs: the secondary data stack does not wait for the secondary foundation's key as "SecondaryKmsKeyArn".
    expect((g.nodes.get('data@secondary') as StackNode).parameters.SecondaryKmsKeyArn).toEqual({
      kind: 'default',
      value: '',
    });
    // Global is deployed in the primary only.
    expect(g.nodes.has('global@secondary')).toBe(false);
  });

  it('breaks the two-way replication cycle with a second-pass node and stays acyclic', async () => {
    const g = graph(await inputs());
    const p1 = g.nodes.get('data@primary') as StackNode;
    const p2 = g.nodes.get('data@primary#2') as StackNode;
    expect(p1.parameters.ReplicationDestinationBucketArn).toMatchObject({
      kind: 'deferred',
      node: 'data@secondary',
      output: 'AssetsBucketArn',
      secondPass: 'data@primary#2',
    });
    expect(p1.dependencies).not.toContain('data@secondary');
    expect(p2.pass).toBe(2);
    expect(p2.stackName).toBe(p1.stackName);
    expect(p2.dependencies).toEqual(['data@primary', 'data@secondary']);
    expect(p2.parameters.ReplicationDestinationBucketArn).toMatchObject({ kind: 'output', node: 'data@secondary' });
    expect(g.nodes.has('data@secondary#2')).toBe(false);
    // Every node comes after its dependencies in the order and in a later wave.
    for (const id of g.order)
      for (const d of g.nodes.get(id)!.dependencies) {
        expect(g.order.indexOf(d)).toBeLessThan(g.order.indexOf(id));
        expect(waveOf(g, d)).toBeLessThan(waveOf(g, id));
      }
  });

  it('groups into waves and ranks the RDS chain first on the critical path', async () => {
    const g = graph(await inputs());
    expect(g.waves.length).toBeGreaterThanOrEqual(2);
    expect(waveOf(g, 'foundation@secondary')).toBeLessThan(waveOf(g, 'data@primary'));
    expect(waveOf(g, 'data@primary')).toBeLessThan(waveOf(g, 'data@secondary'));
    expect(g.criticalPath).toEqual(expect.arrayContaining(['data@primary', 'data@secondary']));
    expect(g.criticalPath.indexOf('data@primary')).toBeLessThan(g.criticalPath.indexOf('data@secondary'));
    const prio = (id: string) => g.nodes.get(id)!.priority;
    expect(prio('data@primary')).toBeGreaterThan(prio('compute@primary'));
    expect(prio('foundation@secondary')).toBeGreaterThan(prio('build:fixture-gateway'));
    // Stacks with a DB instance are estimated at RDS scale; the critical path sums the estimates.
    expect(g.nodes.get('data@primary')!.estimateSeconds).toBeGreaterThanOrEqual(900);
    const sum = g.criticalPath.reduce((s, id) => s + g.nodes.get(id)!.estimateSeconds, 0);
    expect(g.criticalPathSeconds).toBe(sum);
  });

  it('adds build and per-region publish nodes for artifacts and feeds the key to the stack', async () => {
    const g = graph(await inputs());
    expect(g.nodes.get('build:fixture-controller')).toMatchObject({
      kind: 'artifact-build',
      artifactKind: 'lambda',
      entry: 'src/fixture/controller.ts',
    });
    expect(g.nodes.get('publish:fixture-controller@secondary')!.dependencies).toEqual([
      'build:fixture-controller',
      'foundation@secondary',
    ]);
    const failover = g.nodes.get('failover@secondary') as StackNode;
    expect(failover.dependencies).toContain('publish:fixture-controller@secondary');
    expect(failover.parameters.ControllerCodeKey).toEqual({
      kind: 'artifact',
      node: 'publish:fixture-controller@secondary',
      artifact: 'fixture-controller',
    });
  });

  it('reports a cycle it cannot break, naming stacks and parameters', async () => {
    const i = await inputs();
    const data = i.layers.get('data')!;
    const t = structuredClone(data.template);
    // Neither input optional any more: no second pass can break the cycle.
    t.Parameters!.ReplicationDestinationBucketArn!.Default = 'none';
    t.Parameters!.SourceDatabaseArn!.Default = 'none';
    i.layers.set('data', { ...data, template: t, drctl: t.Metadata!.Drctl });
    const err = errorOf(() => graph(i));
    expect(err.code).toBe('E_PLAN_CYCLE');
    expect(err.message).toContain('data@primary');
    expect(err.message).toContain('data@secondary');
    expect(err.message).toContain('ReplicationDestinationBucketArn');
    expect(err.message).toContain('SourceDatabaseArn');
    expect(err.fix).toContain('"Default": ""');
  });

  it('names a parameter nobody provides with file, field and fix', async () => {
    const i = await inputs();
    delete i.config.parameters.secondary!.VpcCidr;
    const err = errorOf(() => graph(i));
    expect(err.code).toBe('E_PLAN_MISSING_PARAMETER');
    expect(err.file).toBe('templates/network.json');
    expect(err.field).toBe('Parameters.VpcCidr');
    expect(err.message).toContain('network@secondary');
    expect(err.fix).toContain('parameters.secondary');
  });

  it('warns about a config value that every stack declaring it takes from an input instead', async () => {
    const i = await inputs();
    i.config.parameters.common = { ...i.config.parameters.common, DatabaseIdentifier: 'orders-db', DesiredCapacity: 4 };
    const g = graph(i);
    expect(g.warnings).toEqual([
      expect.stringContaining(
        'parameters.common.DatabaseIdentifier is never used: compute@primary (an input in templates/compute.json)',
      ),
    ]);
    expect((g.nodes.get('compute@primary') as StackNode).parameters.DatabaseIdentifier).toMatchObject({
      kind: 'output',
      node: 'data@primary',
    });
  });

  it('rejects an input from an output the producer does not declare', async () => {
    const i = await inputs();
    const g = i.layers.get('global')!;
    const t = structuredClone(g.template);
    t.Metadata!.Drctl!.Inputs!.PrimaryAlbDnsName!.Output = 'AlbDns';
    i.layers.set('global', { ...g, template: t, drctl: t.Metadata!.Drctl });
    const err = errorOf(() => graph(i));
    expect(err.code).toBe('E_PLAN_INPUT_UNKNOWN_OUTPUT');
    expect(err.field).toBe('Metadata.Drctl.Inputs.PrimaryAlbDnsName');
    expect(err.fix).toContain('AlbDnsName');
  });

  it('plan JSON lists every stack with name, region, template, dependencies and parameter sources', async () => {
    const plan = planJson(graph(await inputs()));
    const data = plan.nodes.find((n) => n.id === 'data@secondary')!;
    expect(data).toMatchObject({
      kind: 'stack',
      stackName: 'trading-data-dev',
      region: 'us-west-2',
      template: 'templates/data.json',
      pass: 1,
    });
    expect(data.parameters!.SourceDatabaseArn).toEqual({ source: 'output', from: 'data@primary.DatabaseArn' });
    expect(data.parameters!.EnvironmentSuffix).toEqual({ source: 'automatic', value: 'dev' });
    expect(plan.nodes.find((n) => n.id === 'network@primary')!.parameters!.VpcCidr).toEqual({
      source: 'config',
      value: '10.0.0.0/16',
    });
    expect(plan.nodes.find((n) => n.id === 'data@primary')!.parameters!.ReplicationDestinationBucketArn).toEqual({
      source: 'deferred',
      from: 'data@secondary.AssetsBucketArn',
      secondPass: 'data@primary#2',
    });
    expect(plan.waves.flat().sort()).toEqual(plan.nodes.map((n) => n.id).sort());
  });
});

describe('bad config is named with its fix before any plan', () => {
  async function withConfig(
    edit: (c: Record<string, unknown> & { parameters: Record<string, Record<string, unknown>> }) => void,
  ): Promise<string> {
    const root = await copyFixture();
    const file = path.join(root, 'config/dev.json');
    const c = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown> & {
      parameters: Record<string, Record<string, unknown>>;
    };
    edit(c);
    await writeFile(file, JSON.stringify(c));
    return root;
  }
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as DrError,
    );

  it('unknown environment', async () => {
    const err = await failure(loadProject(FIXTURE_ROOT, 'staging'));
    expect(err).toMatchObject({ code: 'E_ENV_UNKNOWN', field: '--env' });
    expect(err!.fix).toContain('Use one of: dev, qa');
  });

  it('invalid suffix', async () => {
    const err = await failure(loadProject(await withConfig((c) => (c.environmentSuffix = 'Dev_1')), 'dev'));
    expect(err).toMatchObject({
      code: 'E_CONFIG_INVALID',
      field: 'environmentSuffix',
      file: path.join('config', 'dev.json'),
    });
    expect(err!.message).toContain('"Dev_1"');
    expect(err!.fix).toContain('lowercase letters, digits and hyphens');
  });

  it('a parameter name no template declares, with a suggestion', async () => {
    const err = await failure(
      loadProject(await withConfig((c) => (c.parameters.primary!.VpcCdir = '10.0.0.0/16')), 'dev'),
    );
    expect(err).toMatchObject({ code: 'E_CONFIG_UNKNOWN_PARAMETER', field: 'parameters.primary.VpcCdir' });
    expect(err!.fix).toContain('Did you mean "VpcCidr"?');
  });

  it('a required parameter with no value', async () => {
    const err = await failure(loadProject(await withConfig((c) => delete c.parameters.common!.HostedZoneId), 'dev'));
    expect(err).toMatchObject({
      code: 'E_PLAN_MISSING_PARAMETER',
      file: 'templates/global.json',
      field: 'Parameters.HostedZoneId',
    });
    expect(err!.fix).toContain('Add "HostedZoneId" to parameters.primary (or parameters.common)');
  });
});
