// The project's own templates and config/dev.json, deployed, re-deployed and destroyed against the doubles.
import { describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/deploy/deploy.js';
import { runDestroy } from '../../src/deploy/destroy.js';
import { stackOutputs } from '../../src/deploy/inspect.js';
import { loadProject } from '../../src/plan/project.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { ALL, runtime } from './helpers.js';

describe('the real templates against the doubles', () => {
  it('deploys dev in both regions, passes outputs across regions, changes nothing the second time, and destroys it all', async () => {
    const project = await loadProject(PROJECT_ROOT, 'dev');
    const account = project.config.expectedAccountId ?? '123456789012';
    // An account whose hosted zone has the id config/dev.json names (a placeholder anywhere else: pre-flight stops).
    const world = new AwsWorld({ account, hostedZones: { Z0000000000000000000: 'dev.trading.example.com' } });
    const first = await runDeploy(project, ALL, runtime(world));
    expect(first.report.nodes.filter((n) => n.state !== 'completed')).toEqual([]);
    expect(first.report.status).toBe('succeeded');

    const outputs = await stackOutputs(project, runtime(world));
    const east = world.cloudformation(project.config.regions.primary);
    const west = world.cloudformation(project.config.regions.secondary);
    const param = (region: typeof east, layer: string, name: string) =>
      region.stack(`${project.config.stackPrefix}-${layer}-${project.config.environmentSuffix}`)!.current.parameters[
        name
      ];
    expect(param(west, 'data', 'SourceDatabaseArn')).toBe(outputs['data@primary.DatabaseArn']);
    expect(param(east, 'data', 'SecondaryKmsKeyArn')).toBe(outputs['foundation@secondary.KmsKeyArn']);
    expect(param(east, 'data', 'ReplicationDestinationBucketArn')).toBe(outputs['data@secondary.AssetsBucketArn']);
    expect(param(east, 'global', 'SecondaryAlbDnsName')).toBe(outputs['compute@secondary.AlbDnsName']);
    // The master secret: the secondary names its own replica (the primary's ARN with its region), and so does its compute.
    const primarySecret = String(outputs['data@primary.DatabaseSecretArn']);
    expect(primarySecret).toMatch(
      new RegExp(
        `^arn:aws:secretsmanager:${project.config.regions.primary}:\\d{12}:secret:db-master-${project.config.environmentSuffix}-\\w{6}$`,
      ),
    );
    expect(param(west, 'data', 'PrimaryDatabaseSecretArn')).toBe(primarySecret);
    expect(outputs['data@secondary.DatabaseSecretArn']).toBe(
      primarySecret.replace(`:${project.config.regions.primary}:`, `:${project.config.regions.secondary}:`),
    );
    // The gateway connects as the application user (decision 0016): the secondary reads its own replica of that secret.
    const appSecret = String(outputs['data@primary.GatewayDatabaseSecretArn']);
    expect(appSecret).toMatch(/:secret:db-app-dev-\w{6}$/);
    expect(outputs['data@secondary.GatewayDatabaseSecretArn']).toBe(
      appSecret.replace(`:${project.config.regions.primary}:`, `:${project.config.regions.secondary}:`),
    );
    expect(param(west, 'compute', 'DatabaseSecretArn')).toBe(outputs['data@secondary.GatewayDatabaseSecretArn']);
    expect(param(west, 'compute', 'GatewayBundleKey')).toMatch(/^artifacts\/service-gateway\/[0-9a-f]{64}\.mjs$/);
    expect(param(east, 'failover', 'ControllerCodeKey')).toMatch(/^artifacts\/failover-controller\/[0-9a-f]{64}\.zip$/);

    const second = await runDeploy(project, ALL, runtime(world));
    expect(second.report.nodes.filter((n) => n.kind === 'stack').map((n) => `${n.id}:${n.outcome}`)).toEqual(
      second.report.nodes.filter((n) => n.kind === 'stack').map((n) => `${n.id}:no-changes`),
    );

    // Secrets Manager holds the replica the secondary names; destroy removes it before the primary stack goes.
    expect(world.secrets.secrets.get(String(outputs['data@secondary.DatabaseSecretArn']))).toMatchObject({
      primaryRegion: project.config.regions.primary,
    });

    const rt = runtime(world);
    const gone = await runDestroy(project, { yes: true, concurrency: 4, forceUnlock: false }, rt);
    expect(gone.report.status).toBe('succeeded');
    expect(east.stacks.size + west.stacks.size).toBe(0);
    expect(rt.reporter.byCode('DESTROY_SECRET_REPLICAS_REMOVED').map((m) => m.data)).toEqual([
      { node: 'data@primary', secret: primarySecret, regions: [project.config.regions.secondary] },
      { node: 'data@primary', secret: appSecret, regions: [project.config.regions.secondary] },
    ]);
    expect(world.secrets.secrets.size).toBe(0);
  }, 60_000);
});
