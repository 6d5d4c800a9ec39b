import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/deploy/deploy.js';
import { destroyGraph, runDestroy } from '../../src/deploy/destroy.js';
import { stackOutputs, stackStatus } from '../../src/deploy/inspect.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { awsError } from '../doubles/aws-error.js';
import { replicaArn } from '../doubles/secrets-manager.js';
import { ALL, copyFixture, fixtureProject, runtime } from './helpers.js';

const DESTROY = { yes: true, concurrency: 4, forceUnlock: false };

async function deployedWorld(env = 'dev') {
  const world = new AwsWorld();
  const project = await fixtureProject(env);
  expect((await runDeploy(project, ALL, runtime(world))).report.status).toBe('succeeded');
  return { world, project };
}

describe('destroy', () => {
  it('orders deletion in reverse: replica before its source, consumers before producers', async () => {
    const nodes = destroyGraph((await fixtureProject()).graph);
    const deps = (id: string) => nodes.find((n) => n.id === id)!.dependencies;
    expect(deps('data@primary')).toEqual(
      expect.arrayContaining(['data@secondary', 'compute@primary', 'failover@primary', 'monitoring@primary']),
    );
    expect(deps('foundation@secondary')).toEqual(expect.arrayContaining(['data@primary', 'data@secondary']));
    expect(deps('compute@secondary')).toEqual(['global@primary']);
    // The deferred (second-pass) edge does not constrain destroy: the secondary data stack waits for nobody in its layer.
    expect(deps('data@secondary')).not.toContain('data@primary');
  });

  it('empties versioned buckets (every version and delete marker, over several pages) and deletes every stack', async () => {
    const { world, project } = await deployedWorld();
    const east = world.cloudformation('us-east-1');
    const west = world.cloudformation('us-west-2');
    const assets = east.stack('trading-data-dev')!.resources.get('AssetsBucket')!.physicalId;
    for (let i = 0; i < 700; i++) {
      world.s3.put(assets, `reports/${i}.csv`, `v1 ${i}`);
      world.s3.put(assets, `reports/${i}.csv`, `v2 ${i}`);
      if (i % 2) await world.s3.handle('DeleteObject', { Bucket: assets, Key: `reports/${i}.csv` }, 'us-east-1');
    }
    expect(world.s3.versionCount(assets)).toBe(1750);
    const rt = runtime(world);
    const r = await runDestroy(project, DESTROY, rt);
    expect(r.error).toBeUndefined();
    expect(r.report.status).toBe('succeeded');
    expect(r.report.stacks.every((s) => s.outcome === 'deleted')).toBe(true);
    expect(east.stacks.size + west.stacks.size).toBe(0);
    expect(
      rt.reporter
        .byCode<{ bucket: string; versions: number; deleteMarkers: number }>('DESTROY_BUCKET_EMPTIED')
        .find((m) => m.data!.bucket === assets)!.data,
    ).toMatchObject({ versions: 1400, deleteMarkers: 350 });
    expect(world.s3.buckets.has(assets)).toBe(false);
    const deletes = world
      .cfnCalls()
      .filter((c) => c.op === 'DeleteStack')
      .map((c) => `${String(c.input.StackName).split('/')[1]}@${c.region}`);
    const at = (s: string) => deletes.indexOf(s);
    expect(at('trading-data-dev@us-west-2')).toBeLessThan(at('trading-data-dev@us-east-1'));
    expect(at('trading-global-dev@us-east-1')).toBeLessThan(at('trading-compute-dev@us-west-2'));
    expect(at('trading-data-dev@us-east-1')).toBeLessThan(at('trading-foundation-dev@us-west-2'));
    // drctl's state bucket is not part of the environment.
    expect(world.s3.buckets.has('drctl-state-111111111111-us-east-1')).toBe(true);
  });

  it('empties a bucket again and retries once when an object lands after the first emptying (replication, logs)', async () => {
    const { world, project } = await deployedWorld();
    const east = world.cloudformation('us-east-1');
    const assets = east.stack('trading-data-dev')!.resources.get('AssetsBucket')!.physicalId;
    world.s3.put(assets, 'reports/1.csv', 'x');
    let late = 0;
    east.onCall = (op, input) => {
      if (op === 'DeleteStack' && String(input.StackName).includes('/trading-data-dev/') && late++ === 0)
        world.s3.put(assets, 'replicated/late.csv', 'arrived after emptying');
    };
    const rt = runtime(world);
    const r = await runDestroy(project, DESTROY, rt);
    expect(r.report.status).toBe('succeeded');
    expect(rt.reporter.byCode<{ node: string }>('DESTROY_RETRY').map((m) => m.data!.node)).toEqual(['data@primary']);
    expect(r.report.stacks.find((x) => x.id === 'data@primary')!.buckets).toContainEqual({
      bucket: assets,
      versions: 2,
      deleteMarkers: 0,
    });
    expect(world.s3.buckets.has(assets)).toBe(false);
  });

  it('a stack that still fails to delete is reported with the failing resource, and what it uses is kept', async () => {
    const { world, project } = await deployedWorld();
    const east = world.cloudformation('us-east-1');
    const assets = east.stack('trading-data-dev')!.resources.get('AssetsBucket')!.physicalId;
    // Something keeps writing: every delete attempt finds the bucket non-empty.
    east.onCall = (op, input) => {
      if (op === 'DeleteStack' && String(input.StackName).includes('/trading-data-dev/'))
        world.s3.put(assets, `late/${east.calls.length}.csv`, 'x');
    };
    const r = await runDestroy(project, DESTROY, runtime(world));
    expect(r.report.status).toBe('failed');
    const data = r.report.stacks.find((x) => x.id === 'data@primary')!;
    expect(data.state).toBe('failed');
    expect(data.error).toMatchObject({
      code: 'E_STACK_DELETE_FAILED',
      message: expect.stringContaining('AssetsBucket'),
    });
    expect(east.stack('trading-data-dev')!.status).toBe('DELETE_FAILED');
    expect(r.report.stacks.find((x) => x.id === 'foundation@primary')!.state).toBe('skipped');
    expect(east.stack('trading-foundation-dev')!.status).toBe('CREATE_COMPLETE');
  });

  it('Ctrl-C stops destroy: deletions already started go on in CloudFormation, nothing new starts, the next run finishes', async () => {
    const { world, project } = await deployedWorld();
    const ctl = new AbortController();
    const rt = runtime(world, { signal: ctl.signal });
    world.cloudformation('us-east-1').onCall = (op, input) => {
      if (op === 'DeleteStack' && String(input.StackName).includes('/trading-global-dev/')) ctl.abort();
    };
    const r = await runDestroy(project, DESTROY, rt);
    expect(r.report.status).toBe('interrupted');
    expect(r.error).toMatchObject({ code: 'E_INTERRUPTED', kind: 'interrupted' });
    expect(r.report.stacks.find((x) => x.id === 'foundation@primary')!.state).toBe('pending');
    expect(world.cloudformation('us-east-1').stack('trading-foundation-dev')!.status).toBe('CREATE_COMPLETE');
    world.cloudformation('us-east-1').onCall = undefined;
    const again = await runDestroy(project, DESTROY, runtime(world));
    expect(again.report.status).toBe('succeeded');
    expect(world.cloudformation('us-east-1').stacks.size + world.cloudformation('us-west-2').stacks.size).toBe(0);
  });

  it('asks first and deletes nothing when refused', async () => {
    const { world, project } = await deployedWorld();
    const r = await runDestroy(project, { ...DESTROY, yes: false }, runtime(world, { answers: false }));
    expect(r.error?.code).toBe('E_CONFIRMATION_REFUSED');
    expect(r.error?.kind).toBe('interrupted');
    expect(world.cfnCalls().filter((c) => c.op === 'DeleteStack')).toEqual([]);
  });

  it('warns before confirmation, plainly, when a backup vault is locked (compliance: cannot be undone, blocks deletion)', async () => {
    const root = await copyFixture();
    const backup = {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'Fixture backup layer: a vault lock mode and one resource',
      Metadata: { Drctl: { Layer: 'backup', Regions: ['primary', 'secondary'] } },
      Parameters: {
        EnvironmentSuffix: { Type: 'String', AllowedPattern: '^[a-z0-9-]+$' },
        RegionRole: { Type: 'String', AllowedValues: ['primary', 'secondary'] },
        VaultLockMode: { Type: 'String', Default: 'governance', AllowedValues: ['none', 'governance', 'compliance'] },
      },
      Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: {} } },
    };
    await writeFile(path.join(root, 'templates/backup.json'), JSON.stringify(backup));
    const config = JSON.parse(await readFile(path.join(root, 'config/dev.json'), 'utf8')) as {
      parameters: Record<string, Record<string, unknown>>;
    };
    config.parameters.secondary = { ...config.parameters.secondary, VaultLockMode: 'compliance' };
    await writeFile(path.join(root, 'config/dev.json'), JSON.stringify(config));
    const world = new AwsWorld();
    const project = await fixtureProject('dev', root);
    expect((await runDeploy(project, ALL, runtime(world))).report.status).toBe('succeeded');

    const rt = runtime(world, { answers: false });
    await runDestroy(project, { ...DESTROY, yes: false }, rt);
    const warnings = rt.reporter.messages.filter((m) => m.code.startsWith('DESTROY_VAULT_'));
    expect(warnings.map((m) => `${m.code} ${String((m.data as { node?: string }).node)}`).sort()).toEqual([
      'DESTROY_VAULT_COMPLIANCE_LOCK backup@secondary',
      'DESTROY_VAULT_GOVERNANCE_LOCK backup@primary',
    ]);
    const compliance = warnings.find((m) => m.code === 'DESTROY_VAULT_COMPLIANCE_LOCK')?.text ?? '';
    expect(compliance).toMatch(/COMPLIANCE mode\. This cannot be undone/);
    expect(compliance).toMatch(/cannot be deleted until then/);
    // Said before the question, so the answer is informed; refused, nothing is deleted.
    const order = rt.reporter.messages.map((m) => m.code);
    expect(order.indexOf('DESTROY_VAULT_COMPLIANCE_LOCK')).toBeGreaterThan(order.indexOf('DESTROY_PLAN'));
    expect(world.cfnCalls().filter((c) => c.op === 'DeleteStack')).toEqual([]);
  });

  it("never touches another environment's stacks, nor a same-named stack without this environment's tag", async () => {
    const { world } = await deployedWorld('qa');
    const dev = await fixtureProject('dev');
    expect((await runDeploy(dev, ALL, runtime(world))).report.status).toBe('succeeded');
    // Re-tag one dev stack as if someone else owned it.
    const west = world.cloudformation('us-west-2');
    west.stack('trading-compute-dev')!.current.tags = [{ Key: 'environment', Value: 'staging' }];
    const rt = runtime(world);
    const r = await runDestroy(dev, DESTROY, rt);
    expect(r.report.status).toBe('failed');
    expect(r.error).toMatchObject({ code: 'E_DESTROY_FAILED', kind: 'conflict' });
    expect(rt.reporter.byCode('DESTROY_FOREIGN_STACK')).toHaveLength(1);
    expect(west.stack('trading-compute-dev')!.status).toBe('CREATE_COMPLETE');
    // What the foreign stack consumes is kept (deleting it would break that stack); its own consumers go.
    for (const kept of ['trading-data-dev', 'trading-network-dev', 'trading-foundation-dev'])
      expect(west.stack(kept)).toBeDefined();
    expect(world.cloudformation('us-east-1').stack('trading-global-dev')).toBeUndefined();
    expect(west.stack('trading-monitoring-dev')).toBeUndefined();
    expect(west.stack('trading-failover-dev')).toBeUndefined();
    // qa is untouched.
    for (const region of ['us-east-1', 'us-west-2']) {
      const qa = [...world.cloudformation(region).stacks.keys()].filter((n) => n.endsWith('-qa'));
      expect(qa.length).toBeGreaterThanOrEqual(6);
    }
  });
});

/**
 * The fixture project with two secrets in the primary data stack: the master secret, replicated to the secondary
 * (as the real data template declares it), and one without replicas. Deployed for dev and qa in one account.
 */
async function worldWithSecrets() {
  const root = await copyFixture();
  const file = path.join(root, 'templates/data.json');
  const t = JSON.parse(await readFile(file, 'utf8')) as { Resources: Record<string, unknown> };
  t.Resources.MasterSecret = {
    Type: 'AWS::SecretsManager::Secret',
    Condition: 'IsPrimary',
    Properties: {
      Name: { 'Fn::Sub': 'db-master-${EnvironmentSuffix}' },
      KmsKeyId: { Ref: 'KmsKeyArn' },
      ReplicaRegions: [{ Region: { Ref: 'SecondaryRegion' }, KmsKeyId: { Ref: 'SecondaryKmsKeyArn' } }],
    },
  };
  t.Resources.ApiKeySecret = {
    Type: 'AWS::SecretsManager::Secret',
    Condition: 'IsPrimary',
    Properties: { Name: { 'Fn::Sub': 'api-key-${EnvironmentSuffix}' } },
  };
  await writeFile(file, JSON.stringify(t, null, 2));
  const world = new AwsWorld();
  const project = await fixtureProject('dev', root);
  for (const p of [await fixtureProject('qa', root), project])
    expect((await runDeploy(p, ALL, runtime(world))).report.status).toBe('succeeded');
  const east = world.cloudformation('us-east-1');
  const secret = (stack: string, id: string) => east.stack(stack)!.resources.get(id)!.physicalId;
  return {
    world,
    project,
    east,
    master: secret('trading-data-dev', 'MasterSecret'),
    apiKey: secret('trading-data-dev', 'ApiKeySecret'),
    qaMaster: secret('trading-data-qa', 'MasterSecret'),
  };
}

describe('destroy with replicated secrets', () => {
  it("removes the replicas of the primary data stack's secret before deleting the stack, and leaves a secret without replicas to CloudFormation", async () => {
    const { world, project, east, master, apiKey, qaMaster } = await worldWithSecrets();
    const replica = replicaArn(master, 'us-west-2');
    expect(world.secrets.secrets.get(replica)).toMatchObject({ region: 'us-west-2', primaryRegion: 'us-east-1' });
    let atDelete: { secrets: string[]; replicas: string[] } | undefined;
    east.onCall = (op, input) => {
      if (op === 'DeleteStack' && String(input.StackName).includes('/trading-data-dev/'))
        atDelete ??= {
          secrets: [...world.secrets.secrets.keys()],
          replicas: world.secrets.secrets.get(master)!.replicas.map((r) => r.region),
        };
    };
    const rt = runtime(world);
    const r = await runDestroy(project, DESTROY, rt);
    expect(r.error).toBeUndefined();
    expect(r.report.status).toBe('succeeded');
    expect(rt.reporter.byCode('DESTROY_RETRY')).toEqual([]);

    // When CloudFormation was asked to delete the stack, the replica was gone and both secrets were still there.
    expect(atDelete).toBeDefined();
    expect(atDelete!.replicas).toEqual([]);
    expect(atDelete!.secrets).toEqual(expect.arrayContaining([master, apiKey]));
    expect(atDelete!.secrets).not.toContain(replica);
    const calls = world.secrets.calls.map((c) => `${c.op} ${c.region} ${String(c.input.SecretId)}`);
    expect(calls).toEqual([
      `DescribeSecret us-east-1 ${master}`,
      `RemoveRegionsFromReplication us-east-1 ${master}`,
      `DescribeSecret us-east-1 ${apiKey}`,
    ]);
    expect(world.secrets.calls[1]!.input.RemoveReplicaRegions).toEqual(['us-west-2']);
    expect(rt.reporter.byCode('DESTROY_SECRET_REPLICAS_REMOVED').map((m) => m.data)).toEqual([
      { node: 'data@primary', secret: master, regions: ['us-west-2'] },
    ]);
    expect(rt.reporter.byCode('DESTROY_SECRET_REPLICAS_REMOVED')[0]!.text).toContain(
      `removed the replicas of ${master} in us-west-2`,
    );

    // CloudFormation deleted both secrets; qa's secret and its replica are untouched.
    for (const gone of [master, replica, apiKey]) expect(world.secrets.secrets.has(gone)).toBe(false);
    expect(world.secrets.secrets.get(qaMaster)!.replicas.map((x) => x.region)).toEqual(['us-west-2']);
    expect(world.secrets.secrets.has(replicaArn(qaMaster, 'us-west-2'))).toBe(true);
  });

  it('is idempotent: a secret whose replicas were already removed, or that is already gone, needs nothing', async () => {
    const { world, project, master, apiKey } = await worldWithSecrets();
    await world.secrets.handle(
      'RemoveRegionsFromReplication',
      { SecretId: master, RemoveReplicaRegions: ['us-west-2'] },
      'us-east-1',
    );
    world.secrets.delete(apiKey);
    const rt = runtime(world);
    const r = await runDestroy(project, DESTROY, rt);
    expect(r.report.status).toBe('succeeded');
    expect(rt.reporter.byCode('DESTROY_SECRET_REPLICAS_REMOVED')).toEqual([]);
    expect(world.secrets.calls.filter((c) => c.op === 'RemoveRegionsFromReplication')).toHaveLength(1);
    expect(world.secrets.secrets.has(master)).toBe(false);
  });

  it('a refused replica removal fails the stack before CloudFormation is asked to delete it; what it uses is kept', async () => {
    const { world, project, east, master } = await worldWithSecrets();
    const handle = world.secrets.handle.bind(world.secrets);
    world.secrets.handle = async (op, input, region) => {
      if (op === 'RemoveRegionsFromReplication')
        throw awsError(
          'AccessDeniedException',
          'not authorized to perform: secretsmanager:RemoveRegionsFromReplication',
        );
      return handle(op, input, region);
    };
    const r = await runDestroy(project, DESTROY, runtime(world));
    expect(r.report.status).toBe('failed');
    const data = r.report.stacks.find((x) => x.id === 'data@primary')!;
    expect(data.error).toMatchObject({
      code: 'E_SECRET_REPLICAS',
      kind: 'aws',
      message: expect.stringContaining(
        `secretsmanager:RemoveRegionsFromReplication ${master} in us-east-1 failed: AccessDeniedException`,
      ),
    });
    expect(
      world
        .cfnCalls()
        .filter(
          (c) =>
            c.op === 'DeleteStack' &&
            String(c.input.StackName).includes('/trading-data-dev/') &&
            c.region === 'us-east-1',
        ),
    ).toEqual([]);
    expect(east.stack('trading-data-dev')!.status).toMatch(/_COMPLETE$/);
    expect(world.secrets.secrets.has(replicaArn(master, 'us-west-2'))).toBe(true);
    expect(r.report.stacks.find((x) => x.id === 'foundation@primary')!.state).toBe('skipped');
  });
});

describe('status and outputs', () => {
  it('reports NOT_DEPLOYED before and each stack state after a deploy; outputs are a flat <layer>@<role>.<Output> map', async () => {
    const world = new AwsWorld();
    const project = await fixtureProject();
    const before = await stackStatus(project, runtime(world));
    expect(before.stacks.map((s) => s.status).every((s) => s === 'NOT_DEPLOYED')).toBe(true);
    expect(before.stacks).toHaveLength(13);
    expect(await stackOutputs(project, runtime(world))).toEqual({});

    await runDeploy(project, ALL, runtime(world));
    const after = await stackStatus(project, runtime(world));
    expect(after.stacks.find((s) => s.id === 'data@primary')).toMatchObject({
      region: 'us-east-1',
      stackName: 'trading-data-dev',
      status: 'UPDATE_COMPLETE',
    });
    expect(after.stacks.find((s) => s.id === 'data@secondary')).toMatchObject({
      region: 'us-west-2',
      status: 'CREATE_COMPLETE',
    });
    const outputs = await stackOutputs(project, runtime(world));
    expect(outputs['data@primary.DatabaseArn']).toMatch(/^arn:aws:rds:us-east-1:111111111111:db:/);
    expect(outputs['compute@secondary.AlbDnsName']).toContain('us-west-2');
    expect(Object.keys(outputs).every((k) => /^[a-z]+@(primary|secondary)\.[A-Za-z0-9]+$/.test(k))).toBe(true);
  });
});
