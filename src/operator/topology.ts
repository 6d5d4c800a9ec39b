// The deployed DR topology, read from the stacks' outputs in both regions: the names every runbook step and drill
// phase acts on. Nothing here is guessed from naming conventions; a missing output is an error with a fix.
import type { EnvironmentConfig } from '../config/config-types.js';
import { stackName } from '../config/load-config.js';
import type { ClientFactory } from '../aws/clients.js';
import { describeDeployedStack, isStackComplete, type DeployedStack } from '../aws/services/cloudformation.js';
import { authoritativeNameServers } from '../aws/services/route53.js';
import { trafficEntryOf, type TrafficEntryKind } from './traffic-entry.js';
import { DrError } from '../errors.js';
import type { Precheck } from './prechecks.js';
import type { RegionRole } from '../templates/template-types.js';

export interface RegionTopology {
  role: RegionRole;
  region: string;
  kmsKeyArn: string;
  alertTopicArn: string;
  maintenanceParameter: string;
  dbIdentifier: string;
  dbArn: string;
  writerEndpointParameter: string;
  ordersTable: string;
  assetsBucket: string;
  albDnsName: string;
  healthCheckUrl: string;
  asgName: string;
  /** Warm-standby size (compute `DesiredCapacity`). */
  desiredCapacity: number | undefined;
  /** Size on failover (compute `FailoverDesiredCapacity`). */
  failoverDesiredCapacity: number | undefined;
  /** Failover layer `RpoGuardSeconds`, when the failover stack is deployed. */
  rpoGuardSeconds: number | undefined;
  /** Data layer `DatabaseEndpoint` / `DatabasePort` / `DatabaseSecretArn`, when exported (the drill's RDS canary). */
  dbEndpoint: string | undefined;
  dbPort: number | undefined;
  dbSecretArn: string | undefined;
  /** Failover layer `ControllerStateTableName` (audit records go there), when deployed. */
  controllerStateTable: string | undefined;
}

export interface GlobalTopology {
  region: string;
  hostedZoneId: string;
  domainName: string;
  primaryHealthCheckId: string;
  secondaryHealthCheckId: string;
  /** The zone's authoritative name servers (GetHostedZone → DelegationSet); cached with the topology because the
   * Route 53 control plane lives in us-east-1 while DNS itself keeps answering during its outage. */
  nameServers: string[];
  /** How traffic enters the regions (the global stack's TrafficEntry output); traffic-entry.ts moves it. */
  trafficEntry: TrafficEntryKind;
}

export interface Topology {
  environment: string;
  primary: RegionTopology;
  secondary: RegionTopology;
  global: GlobalTopology;
  /** Every stack read, with its status (pre-checks require all of them complete). */
  stacks: { layer: string; role: RegionRole; name: string; region: string; status: string }[];
}

const REGIONAL_LAYERS = ['foundation', 'data', 'compute'] as const;

function need(stack: DeployedStack, key: string): string {
  const v = stack.outputs[key];
  if (v === undefined || v === '') {
    throw new DrError({
      code: 'E_STACK_OUTPUT_MISSING',
      kind: 'conflict',
      message: `stack ${stack.name} in ${stack.region} has no output ${key}`,
      fix: `Deploy the current template (drctl deploy) so that ${stack.name} exports ${key}.`,
    });
  }
  return v;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

async function mustDescribe(factory: ClientFactory, name: string, region: string): Promise<DeployedStack> {
  const stack = await describeDeployedStack(factory(region), name);
  if (!stack)
    throw new DrError({
      code: 'E_STACK_MISSING',
      kind: 'conflict',
      message: `stack ${name} does not exist in ${region}`,
      fix: 'Deploy the environment first (drctl deploy --env <env>).',
    });
  return stack;
}

export async function resolveTopology(config: EnvironmentConfig, factory: ClientFactory): Promise<Topology> {
  const stacks: Topology['stacks'] = [];
  const regions = {} as Record<RegionRole, RegionTopology>;
  for (const role of ['primary', 'secondary'] as const) {
    const region = config.regions[role];
    const [foundation, data, compute] = await Promise.all(
      REGIONAL_LAYERS.map((layer) => mustDescribe(factory, stackName(config, layer), region)),
    );
    const failover = await describeDeployedStack(factory(region), stackName(config, 'failover'));
    for (const [layer, stack] of [
      ['foundation', foundation],
      ['data', data],
      ['compute', compute],
      ['failover', failover],
    ] as const) {
      if (stack) stacks.push({ layer, role, name: stack.name, region, status: stack.status });
    }
    regions[role] = {
      role,
      region,
      kmsKeyArn: need(foundation as DeployedStack, 'KmsKeyArn'),
      alertTopicArn: need(foundation as DeployedStack, 'AlertTopicArn'),
      maintenanceParameter: need(foundation as DeployedStack, 'MaintenanceFlagParameterName'),
      dbIdentifier: need(data as DeployedStack, 'DatabaseIdentifier'),
      dbArn: need(data as DeployedStack, 'DatabaseArn'),
      writerEndpointParameter: need(data as DeployedStack, 'WriterEndpointParameterName'),
      ordersTable: need(data as DeployedStack, 'OrdersTableName'),
      assetsBucket: need(data as DeployedStack, 'AssetsBucketName'),
      albDnsName: need(compute as DeployedStack, 'AlbDnsName'),
      healthCheckUrl: need(compute as DeployedStack, 'HealthCheckUrl'),
      asgName: need(compute as DeployedStack, 'AutoScalingGroupName'),
      desiredCapacity: num((compute as DeployedStack).parameters.DesiredCapacity),
      failoverDesiredCapacity:
        num((compute as DeployedStack).outputs.FailoverDesiredCapacity) ??
        num((compute as DeployedStack).parameters.FailoverDesiredCapacity),
      rpoGuardSeconds: num(failover?.parameters.RpoGuardSeconds),
      dbEndpoint: (data as DeployedStack).outputs.DatabaseEndpoint || undefined,
      dbPort: num((data as DeployedStack).outputs.DatabasePort),
      dbSecretArn: (data as DeployedStack).outputs.DatabaseSecretArn || undefined,
      controllerStateTable: failover?.outputs.ControllerStateTableName || undefined,
    };
  }
  const globalRegion = config.regions.primary;
  const global = await mustDescribe(factory, stackName(config, 'global'), globalRegion);
  const hostedZoneId = need(global, 'HostedZoneId');
  const nameServers = await authoritativeNameServers(factory(globalRegion), hostedZoneId);
  stacks.push({ layer: 'global', role: 'primary', name: global.name, region: globalRegion, status: global.status });
  return {
    environment: config.environment,
    primary: regions.primary,
    secondary: regions.secondary,
    global: {
      region: globalRegion,
      hostedZoneId,
      domainName: need(global, 'DomainName').replace(/\.$/, ''),
      primaryHealthCheckId: need(global, 'PrimaryHealthCheckId'),
      secondaryHealthCheckId: need(global, 'SecondaryHealthCheckId'),
      nameServers,
      trafficEntry: trafficEntryOf(global),
    },
    stacks,
  };
}

export function incompleteStacks(topology: Topology): Topology['stacks'] {
  return topology.stacks.filter((stack) => !isStackComplete(stack.status));
}

/** The pre-check every operator command runs first: each stack of the environment in a *_COMPLETE state. */
export function stacksCompleteCheck(topology: Topology, then: string): Precheck {
  return {
    check: 'stacks-complete',
    fix: `Bring every stack to a *_COMPLETE state (drctl status, drctl deploy), then ${then}.`,
    async run() {
      const bad = incompleteStacks(topology);
      return {
        status: bad.length === 0 ? 'pass' : 'fail',
        evidence: bad.length
          ? bad.map((stack) => `${stack.name}@${stack.region} ${stack.status}`).join(', ')
          : `${topology.stacks.length} stacks complete`,
      };
    },
  };
}
