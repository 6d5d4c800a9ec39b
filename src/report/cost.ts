// Monthly cost per region and layer: the resources active under each role's parameters × the dated price table.
import { dig, isTrue, resourcesOfType, ROLES, stackView, type ReportInput, type StackView } from './report-input.js';
import { price, usage, type PriceTable } from './prices.js';
import type { CostLine, CostSummary } from './report-types.js';

/** Types with no direct charge (the traffic they carry is priced where it is metered). */
const FREE_TYPES = new Set([
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::RouteTable',
  'AWS::EC2::Route',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::EIP',
  'AWS::EC2::LaunchTemplate',
  'AWS::EC2::NetworkAcl',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::InstanceProfile',
  'AWS::KMS::Alias',
  'AWS::SNS::Topic',
  'AWS::SNS::Subscription',
  'AWS::SNS::TopicPolicy',
  'AWS::S3::BucketPolicy',
  'AWS::RDS::DBSubnetGroup',
  'AWS::RDS::DBParameterGroup',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::AutoScaling::ScalingPolicy',
  'AWS::AutoScaling::LifecycleHook',
  'AWS::Lambda::Permission',
  'AWS::Events::Rule',
  'AWS::Scheduler::Schedule',
  'AWS::SSM::Parameter',
  'AWS::CloudFormation::WaitConditionHandle',
  'AWS::Logs::SubscriptionFilter',
  'AWS::Logs::MetricFilter',
  'AWS::EC2::VPCEndpoint',
  'AWS::Route53::RecordSet',
  'AWS::Route53::RecordSetGroup',
  'AWS::Lambda::EventInvokeConfig',
  // Backup plans, selections and restore-testing definitions are free; backups are priced on the vault, a test
  // restore is charged as the restored resource for its validation window (hours a week: left out).
  'AWS::Backup::BackupPlan',
  'AWS::Backup::BackupSelection',
  'AWS::Backup::RestoreTestingPlan',
  'AWS::Backup::RestoreTestingSelection',
  // Association and logging configuration are free; WAF logs are priced as ingestion into their log group.
  'AWS::WAFv2::WebACLAssociation',
  'AWS::WAFv2::LoggingConfiguration',
  'AWS::SecurityHub::Standard',
  'AWS::IAM::ServiceLinkedRole',
  // Flow logs are charged as ingestion into their log group, which is priced there.
  'AWS::EC2::FlowLog',
  // A rotation schedule itself is free; the few API calls of a rotation (per 10,000) round to nothing.
  'AWS::SecretsManager::RotationSchedule',
]);

type Handler = (ctx: Ctx, r: { id: string; props: Record<string, unknown>; raw: Record<string, unknown> }) => void;

interface Ctx {
  table: PriceTable;
  view: StackView;
  input: ReportInput;
  /** `drOnly`: a charge a single-region deployment would not have (replication transfer, the failover layer, …). */
  add(
    item: string,
    resource: string,
    type: string,
    priceKey: string,
    quantity: number,
    region?: string,
    drOnly?: boolean,
  ): void;
}

const H = (t: PriceTable) => t.hoursPerMonth;

/** List items that exist under the stack's conditions (an `Fn::If` choosing AWS::NoValue drops its item). */
function presentItems(view: StackView, items: unknown[]): number {
  const chosen = (v: unknown): unknown => {
    const f = dig(v, 'Fn::If') as [string, unknown, unknown] | undefined;
    return Array.isArray(f) ? chosen(view.conditions.get(f[0]) ? f[1] : f[2]) : v;
  };
  return items.filter((i) => dig(chosen(i), 'Ref') !== 'AWS::NoValue').length;
}

function launchTemplateOf(
  ctx: Ctx,
  raw: Record<string, unknown>,
): { id: string; props: Record<string, unknown> } | undefined {
  const ltId =
    dig(raw, 'LaunchTemplate', 'LaunchTemplateId', 'Ref') ?? dig(raw, 'LaunchTemplate', 'LaunchTemplateName', 'Ref');
  const templates = resourcesOfType(ctx.view, 'AWS::EC2::LaunchTemplate');
  return templates.find((t) => t.id === ltId) ?? templates[0];
}

function instanceTypeFor(ctx: Ctx, raw: Record<string, unknown>): string {
  const lt = launchTemplateOf(ctx, raw);
  const type = dig(lt?.props, 'LaunchTemplateData', 'InstanceType') ?? ctx.view.params.InstanceType;
  return String(type);
}

function rootGb(ctx: Ctx, raw: Record<string, unknown>): number {
  const ltId = dig(raw, 'LaunchTemplate', 'LaunchTemplateId', 'Ref');
  const templates = resourcesOfType(ctx.view, 'AWS::EC2::LaunchTemplate');
  const lt = templates.find((t) => t.id === ltId) ?? templates[0];
  const maps = (dig(lt?.props, 'LaunchTemplateData', 'BlockDeviceMappings') as unknown[] | undefined) ?? [];
  const sizes = maps.map((m) => Number(dig(m, 'Ebs', 'VolumeSize'))).filter((n) => Number.isFinite(n));
  return sizes.length ? sizes.reduce((a, b) => a + b, 0) : usage(ctx.table, 'ebsRootGbDefault');
}

/** The same logical resource in the primary's stack of this layer (the source of a cross-region read replica). */
function sourceDatabase(ctx: Ctx, id: string): { props: Record<string, unknown> } | undefined {
  const primary = stackView(ctx.input, ctx.view.layer, 'primary');
  return primary ? resourcesOfType(primary, 'AWS::RDS::DBInstance').find((x) => x.id === id) : undefined;
}

/**
 * Runs per month of the stack's scheduled function: from ControllerScheduleMinutes when the stack has it; a secret
 * rotation function runs its four steps once every SecretRotationDays.
 */
function invocationsPerMonth(ctx: Ctx): number {
  const minutes = Number(ctx.view.params.ControllerScheduleMinutes);
  if (minutes > 0) return Math.round((H(ctx.table) * 60) / minutes);
  const rotationDays = Number(ctx.view.params.SecretRotationDays);
  if (rotationDays > 0) return Math.round((4 * H(ctx.table)) / 24 / rotationDays);
  return usage(ctx.table, 'lambdaInvocationsPerMonthDefault');
}

const HANDLERS: Record<string, Handler> = {
  'AWS::AutoScaling::AutoScalingGroup': (ctx, r) => {
    const n = Number(r.props.DesiredCapacity ?? r.props.MinSize ?? 0);
    const type = instanceTypeFor(ctx, r.raw);
    ctx.add(
      `${n} × ${type} instance-hours`,
      r.id,
      'AWS::AutoScaling::AutoScalingGroup',
      `ec2:instance:${type}`,
      n * H(ctx.table),
    );
    ctx.add(
      `${n} × ${rootGb(ctx, r.raw)} GB gp3`,
      r.id,
      'AWS::AutoScaling::AutoScalingGroup',
      'ebs:gp3:gb-month',
      n * rootGb(ctx, r.raw),
    );
    // Detailed monitoring (1-minute metrics) is billed as CloudWatch metrics, per instance.
    if (isTrue(dig(launchTemplateOf(ctx, r.raw)?.props, 'LaunchTemplateData', 'Monitoring', 'Enabled'))) {
      const metrics = usage(ctx.table, 'ec2DetailedMonitoringMetricsPerInstance');
      ctx.add(
        `${n} × ${metrics} detailed-monitoring metrics`,
        r.id,
        'AWS::AutoScaling::AutoScalingGroup',
        'cloudwatch:metric-month',
        n * metrics,
      );
    }
  },
  'AWS::EC2::Instance': (ctx, r) =>
    ctx.add('instance-hours', r.id, 'AWS::EC2::Instance', `ec2:instance:${String(r.props.InstanceType)}`, H(ctx.table)),
  'AWS::ElasticLoadBalancingV2::LoadBalancer': (ctx, r) => {
    if (String(r.props.Type ?? 'application') !== 'application') return;
    ctx.add('load balancer-hours', r.id, 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'alb:hour', H(ctx.table));
    ctx.add(
      'LCU-hours',
      r.id,
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'alb:lcu-hour',
      usage(ctx.table, 'albAverageLcu') * H(ctx.table),
    );
  },
  'AWS::EC2::NatGateway': (ctx, r) => {
    ctx.add('NAT gateway-hours', r.id, 'AWS::EC2::NatGateway', 'nat:hour', H(ctx.table));
    ctx.add('GB processed', r.id, 'AWS::EC2::NatGateway', 'nat:gb', usage(ctx.table, 'natProcessedGbPerGateway'));
  },
  'AWS::EC2::VPCEndpoint': (ctx, r) => {
    if (String(r.props.VpcEndpointType ?? 'Gateway') !== 'Interface') return;
    const subnets = Array.isArray(r.raw.SubnetIds)
      ? presentItems(ctx.view, r.raw.SubnetIds)
      : Number(ctx.view.params.AzCount ?? 2);
    ctx.add(
      `${subnets} AZ × endpoint-hours`,
      r.id,
      'AWS::EC2::VPCEndpoint',
      'vpce:interface:az-hour',
      subnets * H(ctx.table),
    );
    ctx.add(
      'GB processed',
      r.id,
      'AWS::EC2::VPCEndpoint',
      'vpce:interface:gb',
      usage(ctx.table, 'interfaceEndpointGbPerEndpoint'),
    );
  },
  'AWS::RDS::DBInstance': (ctx, r) => {
    const cls = String(r.props.DBInstanceClass);
    const multi = isTrue(r.props.MultiAZ) ? 'multi-az' : 'single-az';
    const engine = String(r.props.Engine ?? 'postgres').replace(/^postgresql$/, 'postgres');
    ctx.add(
      `${cls} ${multi} instance-hours`,
      r.id,
      'AWS::RDS::DBInstance',
      `rds:${engine}:${cls}:${multi}`,
      H(ctx.table),
    );
    const storage = String(r.props.StorageType ?? 'gp3');
    const replica = dig(r.props, 'SourceDBInstanceIdentifier') !== undefined;
    // A read replica takes its source's allocated storage; the template leaves AllocatedStorage unset on it.
    const source = replica && r.props.AllocatedStorage === undefined ? sourceDatabase(ctx, r.id) : undefined;
    const gb = Number(r.props.AllocatedStorage ?? source?.props.AllocatedStorage ?? 20);
    if (replica) {
      // Replication ships the source's changes across regions: inter-region transfer, charged where it leaves.
      const from = ctx.input.config.regions.primary;
      ctx.add(
        'replication to the cross-region replica (inter-region transfer)',
        r.id,
        'AWS::RDS::DBInstance',
        'transfer:inter-region:gb',
        usage(ctx.table, 'rdsReplicationGbPerMonth'),
        from,
        true,
      );
    }
    ctx.add(
      `${gb} GB ${storage} storage`,
      r.id,
      'AWS::RDS::DBInstance',
      `rds:storage:${storage}:${multi}:gb-month`,
      gb,
    );
    if (isTrue(r.props.EnablePerformanceInsights))
      ctx.add(
        'Performance Insights (7-day history)',
        r.id,
        'AWS::RDS::DBInstance',
        'rds:performance-insights:7-day',
        1,
      );
    if (isTrue(r.props.ManageMasterUserPassword))
      ctx.add('RDS-managed master secret', r.id, 'AWS::RDS::DBInstance', 'secretsmanager:secret-month', 1);
  },
  'AWS::DynamoDB::GlobalTable': (ctx, r) => {
    const replicas = (r.props.Replicas as unknown[] | undefined) ?? [];
    for (const rep of replicas) {
      const region = String(dig(rep, 'Region') ?? ctx.view.region);
      const primary = region === ctx.input.config.regions.primary;
      ctx.add(
        'replicated writes',
        r.id,
        'AWS::DynamoDB::GlobalTable',
        'dynamodb:rwru-million',
        usage(ctx.table, 'dynamodbWritesMillionPerMonth'),
        region,
      );
      if (primary)
        ctx.add(
          'reads',
          r.id,
          'AWS::DynamoDB::GlobalTable',
          'dynamodb:rru-million',
          usage(ctx.table, 'dynamodbReadsMillionPerMonth'),
          region,
        );
      ctx.add(
        'storage',
        r.id,
        'AWS::DynamoDB::GlobalTable',
        'dynamodb:storage:gb-month',
        usage(ctx.table, 'dynamodbStoredGb'),
        region,
      );
      const pitr = dig(rep, 'PointInTimeRecoverySpecification', 'PointInTimeRecoveryEnabled');
      if (isTrue(pitr))
        ctx.add(
          'PITR backup storage',
          r.id,
          'AWS::DynamoDB::GlobalTable',
          'dynamodb:pitr:gb-month',
          usage(ctx.table, 'dynamodbStoredGb'),
          region,
        );
    }
    // Each write is shipped to every other replica: inter-region transfer out of the region that took it.
    const others = replicas.filter((rep) => String(dig(rep, 'Region') ?? ctx.view.region) !== ctx.view.region).length;
    if (others > 0)
      ctx.add(
        `replication to ${others} other replica(s) (inter-region transfer)`,
        r.id,
        'AWS::DynamoDB::GlobalTable',
        'transfer:inter-region:gb',
        others * usage(ctx.table, 'dynamodbReplicatedGbPerMonth'),
        ctx.view.region,
        true,
      );
  },
  'AWS::S3::Bucket': (ctx, r) => {
    const rules = ((dig(r.props, 'ReplicationConfiguration', 'Rules') as unknown[] | undefined) ?? []).filter(
      (x) => String(dig(x, 'Status') ?? 'Enabled') === 'Enabled',
    );
    if (rules.length === 0) {
      ctx.add(
        'Standard storage',
        r.id,
        'AWS::S3::Bucket',
        's3:standard:gb-month',
        usage(ctx.table, 's3StoredGbPerBucket'),
      );
      return;
    }
    ctx.add(
      'Standard storage (replicated data)',
      r.id,
      'AWS::S3::Bucket',
      's3:standard:gb-month',
      usage(ctx.table, 's3ReplicatedBucketStoredGb'),
    );
    const gb = usage(ctx.table, 's3ReplicatedGbPerMonth');
    ctx.add('cross-region replication transfer', r.id, 'AWS::S3::Bucket', 's3:crr-transfer:gb', gb, undefined, true);
    if (rules.some((x) => String(dig(x, 'Destination', 'ReplicationTime', 'Status')) === 'Enabled'))
      ctx.add('Replication Time Control', r.id, 'AWS::S3::Bucket', 's3:rtc:gb', gb, undefined, true);
  },
  'AWS::KMS::Key': (ctx, r) => {
    ctx.add('customer managed key', r.id, 'AWS::KMS::Key', 'kms:key-month', 1);
    ctx.add('requests', r.id, 'AWS::KMS::Key', 'kms:requests-10k', usage(ctx.table, 'kmsRequestsTenThousandPerKey'));
  },
  'AWS::KMS::ReplicaKey': (ctx, r) =>
    ctx.add('multi-Region replica key', r.id, 'AWS::KMS::ReplicaKey', 'kms:key-month', 1),
  // The vault where the plan runs holds the backups; the other region's vault holds the copies (DR only, plus the
  // cross-region copy transfer). Storage per store type at AWS Backup's warm-storage prices.
  'AWS::Backup::BackupVault': (ctx, r) => {
    const primary = stackView(ctx.input, ctx.view.layer, 'primary');
    const copies = ctx.view.role === 'secondary' && !ctx.view.active.has('BackupPlan');
    if (!ctx.view.active.has('BackupPlan') && !(copies && primary?.active.has('BackupPlan'))) return;
    const what = copies ? 'copies' : 'backups';
    const data = stackView(ctx.input, 'data', 'primary');
    const dbGb = Number(data?.params.DbAllocatedStorage ?? usage(ctx.table, 'backupRelationalGbDefault'));
    ctx.add(
      `orders table ${what}`,
      r.id,
      'AWS::Backup::BackupVault',
      'backup:dynamodb:gb-month',
      usage(ctx.table, 'dynamodbStoredGb'),
      undefined,
      copies || undefined,
    );
    ctx.add(
      `database ${what}`,
      r.id,
      'AWS::Backup::BackupVault',
      'backup:rds:gb-month',
      dbGb,
      undefined,
      copies || undefined,
    );
    ctx.add(
      `assets bucket ${what}`,
      r.id,
      'AWS::Backup::BackupVault',
      'backup:s3:gb-month',
      usage(ctx.table, 's3ReplicatedBucketStoredGb'),
      undefined,
      copies || undefined,
    );
    if (copies)
      ctx.add(
        'cross-region copy transfer',
        r.id,
        'AWS::Backup::BackupVault',
        'transfer:inter-region:gb',
        usage(ctx.table, 'backupCopiedGbPerMonth'),
        primary?.region,
        true,
      );
  },
  'AWS::WAFv2::WebACL': (ctx, r) => {
    ctx.add('web ACL', r.id, 'AWS::WAFv2::WebACL', 'waf:web-acl-month', 1);
    const rules = presentItems(ctx.view, (r.props.Rules as unknown[] | undefined) ?? []);
    ctx.add(
      `${rules} rules (managed rule groups count as one each)`,
      r.id,
      'AWS::WAFv2::WebACL',
      'waf:rule-month',
      rules,
    );
    ctx.add(
      'requests inspected',
      r.id,
      'AWS::WAFv2::WebACL',
      'waf:requests-million',
      usage(ctx.table, 'wafRequestsMillionPerMonth'),
    );
  },
  'AWS::Synthetics::Canary': (ctx, r) => {
    const expr = String(dig(r.props, 'Schedule', 'Expression') ?? 'rate(5 minutes)');
    const m = /^rate\((\d+) minutes?\)$/.exec(expr);
    const runs = Math.round((H(ctx.table) * 60) / Number(m?.[1] ?? 5));
    ctx.add(`${runs} canary runs`, r.id, 'AWS::Synthetics::Canary', 'synthetics:run', runs);
  },
  'AWS::Route53::HostedZone': (ctx, r) =>
    ctx.add('hosted zone', r.id, 'AWS::Route53::HostedZone', 'route53:hosted-zone-month', 1),
  'AWS::Route53::HealthCheck': (ctx, r) => {
    const cfg = (r.props.HealthCheckConfig ?? {}) as Record<string, unknown>;
    ctx.add('health check (AWS endpoint)', r.id, 'AWS::Route53::HealthCheck', 'route53:health-check-aws-month', 1);
    const type = String(cfg.Type ?? '');
    const options = [
      Number(cfg.RequestInterval) === 10 ? 'fast interval' : '',
      type.startsWith('HTTPS') ? 'HTTPS' : '',
      type.endsWith('STR_MATCH') ? 'string matching' : '',
      isTrue(cfg.MeasureLatency) ? 'latency measurement' : '',
    ].filter(Boolean);
    if (options.length)
      ctx.add(
        `optional features: ${options.join(', ')}`,
        r.id,
        'AWS::Route53::HealthCheck',
        'route53:health-check-option-month',
        options.length,
      );
  },
  'AWS::CloudWatch::Alarm': (ctx, r) => {
    const highRes = Number(r.props.Period) > 0 && Number(r.props.Period) < 60;
    const metrics = Array.isArray(r.props.Metrics)
      ? Math.max(1, (r.props.Metrics as unknown[]).filter((m) => dig(m, 'MetricStat') !== undefined).length)
      : 1;
    ctx.add(
      `${metrics} alarm metric(s)`,
      r.id,
      'AWS::CloudWatch::Alarm',
      highRes ? 'cloudwatch:alarm-high-res-month' : 'cloudwatch:alarm-month',
      metrics,
    );
  },
  'AWS::CloudWatch::CompositeAlarm': (ctx, r) =>
    ctx.add('composite alarm', r.id, 'AWS::CloudWatch::CompositeAlarm', 'cloudwatch:composite-alarm-month', 1),
  'AWS::CloudWatch::Dashboard': (ctx, r) =>
    ctx.add('dashboard', r.id, 'AWS::CloudWatch::Dashboard', 'cloudwatch:dashboard-month', 1),
  'AWS::Logs::LogGroup': (ctx, r) => {
    ctx.add(
      'log ingestion',
      r.id,
      'AWS::Logs::LogGroup',
      'cloudwatch:logs-ingest-gb',
      usage(ctx.table, 'logsIngestGbPerLogGroup'),
    );
    ctx.add(
      'log storage',
      r.id,
      'AWS::Logs::LogGroup',
      'cloudwatch:logs-storage-gb-month',
      usage(ctx.table, 'logsStoredGbPerLogGroup'),
    );
  },
  'AWS::Lambda::Function': (ctx, r) => {
    const invocations = invocationsPerMonth(ctx);
    const gb = Number(r.props.MemorySize ?? 128) / 1024;
    ctx.add(`${invocations} invocations`, r.id, 'AWS::Lambda::Function', 'lambda:requests-million', invocations / 1e6);
    ctx.add(
      'compute (GB-seconds)',
      r.id,
      'AWS::Lambda::Function',
      'lambda:gb-second',
      invocations * usage(ctx.table, 'lambdaDurationSeconds') * gb,
    );
  },
  // A single-Region on-demand table (the controller's state): one read and one conditional write per controller run.
  'AWS::DynamoDB::Table': (ctx, r) => {
    const runs = invocationsPerMonth(ctx) / 1e6;
    ctx.add('writes (one per controller run)', r.id, 'AWS::DynamoDB::Table', 'dynamodb:wru-million', runs);
    ctx.add('reads (one per controller run)', r.id, 'AWS::DynamoDB::Table', 'dynamodb:rru-million', runs);
  },
  // Each replica (ReplicaRegions) is billed as a secret of its own, in its region; it exists for DR only.
  'AWS::SecretsManager::Secret': (ctx, r) => {
    ctx.add('secret', r.id, 'AWS::SecretsManager::Secret', 'secretsmanager:secret-month', 1);
    for (const rep of (r.props.ReplicaRegions as unknown[] | undefined) ?? []) {
      const region = String(dig(rep, 'Region') ?? ctx.view.region);
      ctx.add(
        'replica of the secret',
        r.id,
        'AWS::SecretsManager::Secret',
        'secretsmanager:secret-month',
        1,
        region,
        true,
      );
    }
  },
};

/** Non-alias routing records are billed per query; alias queries to ELB are free. */
function route53Queries(ctx: Ctx): void {
  const records = resourcesOfType(ctx.view, 'AWS::Route53::RecordSet').filter((r) => r.props.AliasTarget === undefined);
  if (records.length)
    ctx.add(
      'standard queries (non-alias records)',
      records.map((r) => r.id).join(', '),
      'AWS::Route53::RecordSet',
      'route53:queries-million',
      usage(ctx.table, 'route53QueriesMillionPerMonth'),
    );
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function computeCost(input: ReportInput, table: PriceTable): CostSummary {
  const lines: CostLine[] = [];
  const unpriced = new Set<string>();
  const roleOf = (region: string) => (region === input.config.regions.secondary ? 'secondary' : 'primary');
  for (const layer of input.layers.keys()) {
    for (const role of ROLES) {
      const view = stackView(input, layer, role);
      if (!view) continue;
      const ctx: Ctx = {
        table,
        view,
        input,
        add(item, resource, type, priceKey, quantity, region = view.region, drOnly = false) {
          const p = price(table, region, priceKey);
          // The failover layer and the global layer's records for the secondary exist only because of DR.
          const dr = drOnly || layer === 'failover' || (layer === 'global' && /secondary/i.test(resource));
          lines.push({
            region,
            role: roleOf(region),
            layer,
            resource,
            type,
            item,
            quantity: round2(quantity * 1e4) / 1e4,
            unit: p.unit,
            unitUsd: p.usd,
            monthlyUsd: round2(quantity * p.usd),
            priceKey,
            priceSource: p.source,
            ...(dr ? { drOnly: true } : {}),
          });
        },
      };
      for (const id of view.active) {
        const res = view.template.Resources[id];
        if (!res) continue;
        const handler = HANDLERS[res.Type];
        if (!handler) {
          if (!FREE_TYPES.has(res.Type)) unpriced.add(res.Type);
          continue;
        }
        handler(ctx, {
          id,
          props: resourcesOfType(view, res.Type).find((r) => r.id === id)?.props ?? {},
          raw: res.Properties ?? {},
        });
      }
      route53Queries(ctx);
    }
  }
  const monthlyUsd: Record<string, number> = {};
  const byLayer: Record<string, Record<string, number>> = {};
  for (const l of lines) {
    monthlyUsd[l.region] = round2((monthlyUsd[l.region] ?? 0) + l.monthlyUsd);
    byLayer[l.layer] ??= {};
    byLayer[l.layer]![l.region] = round2((byLayer[l.layer]![l.region] ?? 0) + l.monthlyUsd);
  }
  const primary = monthlyUsd[input.config.regions.primary] ?? 0;
  const secondary = monthlyUsd[input.config.regions.secondary] ?? 0;
  // One region without DR: the primary as deployed minus what it carries only for DR.
  const drInPrimary = lines
    .filter((l) => l.drOnly && l.region === input.config.regions.primary)
    .reduce((sum, l) => sum + l.monthlyUsd, 0);
  const singleRegion = round2(primary - drInPrimary);
  const total = round2(primary + secondary);
  return {
    priceTable: { file: table.file, effectiveDate: table.effectiveDate, currency: table.currency },
    monthlyUsd: {
      [input.config.regions.primary]: primary,
      [input.config.regions.secondary]: secondary,
      total,
      singleRegion,
      premiumUsd: round2(total - singleRegion),
      premiumPercent: singleRegion > 0 ? Math.round(((total - singleRegion) / singleRegion) * 1000) / 10 : 0,
    },
    byLayer,
    lines,
    unpricedTypes: [...unpriced].sort(),
    assumptions: table.usage,
  };
}
