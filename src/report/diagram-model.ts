// The architecture picture as data: active resources grouped by region and layer, with replication and failover edges.
import { dig, resourcesOfType, ROLES, stackView, type ReportInput, type StackView } from './report-input.js';
import type { DiagramEdge, DiagramNode } from './report-types.js';

/** Types drawn one box each; everything else is folded into one "n × Type" box per cell. */
const KEY_TYPES = new Set([
  'AWS::EC2::VPC',
  'AWS::EC2::NatGateway',
  'AWS::EC2::VPCEndpoint',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::RDS::DBInstance',
  'AWS::DynamoDB::GlobalTable',
  'AWS::S3::Bucket',
  'AWS::KMS::Key',
  'AWS::KMS::ReplicaKey',
  'AWS::Lambda::Function',
  'AWS::CloudWatch::Dashboard',
  'AWS::Route53::HealthCheck',
  'AWS::Route53::RecordSet',
  'AWS::Route53::HostedZone',
  'AWS::SNS::Topic',
  'AWS::DynamoDB::Table',
  'AWS::Backup::BackupVault',
  'AWS::Synthetics::Canary',
  'AWS::WAFv2::WebACL',
]);
/** Plumbing not worth a box: it would only crowd the picture. */
const HIDDEN =
  /::(Route|RouteTable|SubnetRouteTableAssociation|SecurityGroupIngress|SecurityGroupEgress|VPCGatewayAttachment|EIP|Role|Policy|TopicPolicy|BucketPolicy|Permission|InstanceProfile|Alias|ListenerRule|Subscription|ScalingPolicy|DBSubnetGroup|DBParameterGroup|WebACLAssociation|LoggingConfiguration|BackupSelection|RestoreTestingSelection)$/;

export const LAYER_ORDER = [
  'global',
  'foundation',
  'network',
  'data',
  'backup',
  'compute',
  'waf',
  'canaries',
  'monitoring',
  'failover',
  'audit',
];

const short = (type: string) =>
  type
    .replace(/^AWS::/, '')
    .replace('ElasticLoadBalancingV2::LoadBalancer', 'ALB')
    .replace('AutoScaling::AutoScalingGroup', 'ASG');

function nodesFor(view: StackView): DiagramNode[] {
  const nodes: DiagramNode[] = [];
  const folded = new Map<string, number>();
  for (const id of view.active) {
    const type = view.template.Resources[id]?.Type ?? '';
    if (HIDDEN.test(type)) continue;
    if (KEY_TYPES.has(type)) {
      const d = detail(view, id, type);
      nodes.push({
        id: `${view.role}:${view.layer}:${id}`,
        region: view.region,
        layer: view.layer,
        label: `${id} (${short(type)})`,
        type,
        ...(d ? { detail: d } : {}),
      });
    } else folded.set(type, (folded.get(type) ?? 0) + 1);
  }
  for (const [type, n] of [...folded].sort())
    nodes.push({
      id: `${view.role}:${view.layer}:${type}`,
      region: view.region,
      layer: view.layer,
      label: `${n} × ${short(type)}`,
      type,
    });
  return nodes;
}

/** The sizes that make the warm standby visible: instances per ASG, and class and AZ mode per database. */
function detail(view: StackView, id: string, type: string): string | undefined {
  const props = resourcesOfType(view, type).find((r) => r.id === id)?.props;
  if (!props) return undefined;
  if (type === 'AWS::AutoScaling::AutoScalingGroup') {
    const desired = String(props.DesiredCapacity ?? props.MinSize ?? '?');
    const full = view.params.FailoverDesiredCapacity;
    return view.role === 'secondary' && full !== undefined && Number(full) > Number(desired)
      ? `${desired} running, ${full} on failover`
      : `${desired} running`;
  }
  if (type === 'AWS::RDS::DBInstance') {
    const multi = String(props.MultiAZ ?? false).toLowerCase() === 'true' ? 'Multi-AZ' : 'Single-AZ';
    return `${String(props.DBInstanceClass ?? '?')} · ${multi}${dig(props, 'SourceDBInstanceIdentifier') !== undefined ? ' · replica' : ''}`;
  }
  return undefined;
}

const nodeOf = (nodes: DiagramNode[], role: string, layer: string, type: string) =>
  nodes.find((n) => n.id.startsWith(`${role}:${layer}:`) && n.type === type);

/** Which region a global-layer resource serves, from its logical id (PrimaryHealthCheck, SecondaryFailoverRecord, …). */
function servedRoles(id: string, failover: unknown): string[] {
  const f = String(failover ?? '').toUpperCase();
  if (f === 'PRIMARY' || /primary/i.test(id)) return ['primary'];
  if (f === 'SECONDARY' || /secondary/i.test(id)) return ['secondary'];
  return ['primary', 'secondary'];
}

export function buildDiagram(input: ReportInput): { nodes: DiagramNode[]; edges: DiagramEdge[] } {
  const nodes: DiagramNode[] = [];
  for (const layer of LAYER_ORDER)
    for (const role of ROLES) {
      const view = stackView(input, layer, role);
      if (view) nodes.push(...nodesFor(view));
    }
  const edges: DiagramEdge[] = [];
  const primaryData = stackView(input, 'data', 'primary');
  const secondaryData = stackView(input, 'data', 'secondary');
  if (primaryData && secondaryData) {
    const replica = resourcesOfType(secondaryData, 'AWS::RDS::DBInstance').find(
      (r) => dig(r.props, 'SourceDBInstanceIdentifier') !== undefined,
    );
    const source = nodeOf(nodes, 'primary', 'data', 'AWS::RDS::DBInstance');
    if (replica && source)
      edges.push({
        from: source.id,
        to: `secondary:data:${replica.id}`,
        kind: 'replication',
        label: 'RDS cross-region read replica',
      });
    for (const table of resourcesOfType(primaryData, 'AWS::DynamoDB::GlobalTable')) {
      const regions = ((table.props.Replicas as unknown[] | undefined) ?? []).map((r) => String(dig(r, 'Region')));
      if (regions.includes(secondaryData.region)) {
        const id = `secondary:data:${table.id}-replica`;
        nodes.push({
          id,
          region: secondaryData.region,
          layer: 'data',
          label: `${table.id} replica (GlobalTable)`,
          type: 'AWS::DynamoDB::GlobalTable',
        });
        edges.push({
          from: `primary:data:${table.id}`,
          to: id,
          kind: 'replication',
          label: 'DynamoDB global table replication',
        });
      }
    }
    const crr = resourcesOfType(primaryData, 'AWS::S3::Bucket').find(
      (b) => dig(b.props, 'ReplicationConfiguration', 'Rules') !== undefined,
    );
    const target = nodeOf(nodes, 'secondary', 'data', 'AWS::S3::Bucket');
    if (crr && target) {
      const rules = (dig(crr.props, 'ReplicationConfiguration', 'Rules') as unknown[]) ?? [];
      const rtc = rules.some((x) => String(dig(x, 'Destination', 'ReplicationTime', 'Status')) === 'Enabled');
      edges.push({
        from: `primary:data:${crr.id}`,
        to: target.id,
        kind: 'replication',
        label: rtc ? 'S3 CRR with RTC' : 'S3 CRR',
      });
    }
  }
  const global = stackView(input, 'global', 'primary');
  if (global) {
    for (const type of ['AWS::Route53::HealthCheck', 'AWS::Route53::RecordSet']) {
      for (const r of resourcesOfType(global, type)) {
        for (const role of servedRoles(r.id, r.props.Failover)) {
          const alb = nodeOf(nodes, role, 'compute', 'AWS::ElasticLoadBalancingV2::LoadBalancer');
          if (alb)
            edges.push({
              from: `primary:global:${r.id}`,
              to: alb.id,
              kind: 'failover',
              label: type.endsWith('HealthCheck')
                ? `health check → ${role} ALB`
                : `${String(r.props.Failover ?? 'weighted').toLowerCase()} record → ${role} ALB`,
            });
        }
      }
    }
  }
  edges.push(...protectionEdges(input, nodes));
  const ids = new Set(nodes.map((n) => n.id));
  return { nodes, edges: edges.filter((e) => ids.has(e.from) && ids.has(e.to)) };
}

/** The backup copies between the regions' vaults and each regional canary's calls to its own region's ALB. */
function protectionEdges(input: ReportInput, nodes: DiagramNode[]): DiagramEdge[] {
  const edges: DiagramEdge[] = [];
  const primary = stackView(input, 'backup', 'primary');
  const secondary = stackView(input, 'backup', 'secondary');
  const from = nodeOf(nodes, 'primary', 'backup', 'AWS::Backup::BackupVault');
  const to = nodeOf(nodes, 'secondary', 'backup', 'AWS::Backup::BackupVault');
  // The primary runs the plan and copies into the secondary's vault (its ARN arrives in the second pass).
  if (primary?.active.has('BackupPlan') && secondary && from && to)
    edges.push({ from: from.id, to: to.id, kind: 'backup-copy', label: 'AWS Backup copy of every recovery point' });
  if (secondary?.active.has('BackupPlan') && from && to)
    edges.push({ from: to.id, to: from.id, kind: 'backup-copy', label: 'AWS Backup copy (secondary plan)' });
  for (const role of ROLES) {
    const canaries = stackView(input, 'canaries', role);
    const alb = nodeOf(nodes, role, 'compute', 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    if (canaries?.active.has('RegionalCanary') && alb)
      edges.push({
        from: `${role}:canaries:RegionalCanary`,
        to: alb.id,
        kind: 'probe',
        label: 'order canary: place and read back a test order',
      });
  }
  return edges;
}
