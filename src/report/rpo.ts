// RPO per data store (DESIGN §4): how much committed data a regional failure can lose, and what that rests on.
import { RPO_REFERENCES } from './figures.js';

/** src/failover/controller/config.ts: LAG_MAX_AGE_SECONDS when the function's environment does not set it. */
const CONTROLLER_LAG_MAX_AGE_DEFAULT = 180;
import {
  dig,
  requireLayer,
  requireNumber,
  requireParam,
  resourcesOfType,
  stackView,
  type ReportInput,
} from './report-input.js';
import type { RpoStore } from './report-types.js';

function dynamo(input: ReportInput, target: number): RpoStore | undefined {
  const data = requireLayer(input, 'data', 'primary', 'the RPO reads the data stores');
  const table = resourcesOfType(data, 'AWS::DynamoDB::GlobalTable')[0];
  if (!table) return undefined;
  // The resource decides; the parameter names it for the reader.
  const consistency = String(
    dig(table.props, 'MultiRegionConsistency') ?? requireParam(data, 'TableConsistency', 'the DynamoDB RPO'),
  ).toUpperCase();
  const strong = consistency === 'STRONG';
  const regions = ((dig(table.props, 'Replicas') as unknown[] | undefined) ?? []).map((r) =>
    String(dig(r, 'Region') ?? '?'),
  );
  const witness = dig(table.props, 'GlobalTableWitnesses', 0, 'Region');
  const seconds = strong ? 0 : 1;
  return {
    name: `DynamoDB global table ${table.id}`,
    data: 'orders, executions, positions',
    seconds,
    targetSeconds: target,
    class: 'transactional',
    meets: seconds <= target,
    basis: strong
      ? `MultiRegionConsistency STRONG (TableConsistency=${data.params.TableConsistency ?? consistency}) across ${regions.join(', ')}${witness ? ` with witness ${String(witness)}` : ''}: a write returns only after another Region holds it, so a regional failure loses nothing acknowledged.`
      : `MultiRegionConsistency EVENTUAL (TableConsistency=${data.params.TableConsistency ?? consistency}) across ${regions.join(', ')}: replication is asynchronous and typically under one second, with no SLA; we carry 1 s. Watch ReplicationLatency, which is the live value of this RPO.`,
    references: strong
      ? [RPO_REFERENCES.dynamoStrong]
      : [RPO_REFERENCES.dynamoEventual, RPO_REFERENCES.dynamoNoSla, RPO_REFERENCES.dynamoMetric],
  };
}

function rds(input: ReportInput, target: number): RpoStore | undefined {
  const data = requireLayer(input, 'data', 'secondary', 'the RPO reads the data stores');
  const replica = resourcesOfType(data, 'AWS::RDS::DBInstance').find(
    (r) => dig(r.props, 'SourceDBInstanceIdentifier') !== undefined,
  );
  if (!replica) return undefined;
  const failover = requireLayer(input, 'failover', 'secondary', 'the RDS RPO is bounded by the controller’s RPO guard');
  const guard = requireNumber(
    failover,
    'RpoGuardSeconds',
    'the RDS RPO (the controller promotes only within this lag)',
  );
  const monitoring = stackView(input, 'monitoring', 'secondary');
  const alarm = monitoring?.params.ReplicaLagThresholdSeconds;
  const alarmNote =
    alarm === undefined
      ? 'No ReplicaLagThresholdSeconds in the secondary monitoring stack: lag above the guard pages nobody before a failure.'
      : Number(alarm) > target
        ? `The ReplicaLag alarm fires at ${alarm} s, above the ${target} s target: lag can break the RPO before anyone is told.`
        : `The ReplicaLag alarm (ReplicaLagThresholdSeconds=${alarm}) warns before the lag reaches the target.`;
  // decide.ts checks the last ReplicaLag datapoint taken before it saw the outage, and accepts one up to
  // ReplicaLagMaxAgeSeconds old (LAG_MAX_AGE_SECONDS, default 180 s in the controller when the template sets none).
  const ageParam = failover.params.ReplicaLagMaxAgeSeconds;
  const maxAge = ageParam !== undefined && ageParam !== '' ? Number(ageParam) : CONTROLLER_LAG_MAX_AGE_DEFAULT;
  const ageSource =
    ageParam !== undefined && ageParam !== ''
      ? `ReplicaLagMaxAgeSeconds=${maxAge}`
      : `the controller's default lag age of ${maxAge} s (the failover template has no ReplicaLagMaxAgeSeconds)`;
  const bound = guard + maxAge;
  return {
    name: `RDS cross-region read replica ${replica.id}`,
    data: 'reference / relational data',
    seconds: bound,
    targetSeconds: target,
    class: 'transactional',
    meets: bound <= target,
    basis: `Asynchronous replication: the loss equals the replica lag at the failure, usually seconds. The controller promotes automatically only when the last ReplicaLag datapoint before it saw the outage is within RpoGuardSeconds=${guard}; that datapoint may be up to ${ageSource} older than the failure, and the lag (seconds behind the source) grows by at most one second per second, so the loss an automatic failover can accept is bounded by ${guard} + ${maxAge} = ${bound} s.${bound > target ? ` Lower RpoGuardSeconds and ReplicaLagMaxAgeSeconds (at least 60: ReplicaLag is published per minute) to bring the bound within ${target} s.` : ''} ${alarmNote}`,
    references: [RPO_REFERENCES.rdsReplicaLag],
  };
}

function s3(input: ReportInput, target: number): RpoStore | undefined {
  const data = requireLayer(input, 'data', 'primary', 'the RPO reads the data stores');
  const bucket = resourcesOfType(data, 'AWS::S3::Bucket').find(
    (b) => dig(b.props, 'ReplicationConfiguration', 'Rules') !== undefined,
  );
  if (!bucket) return undefined;
  const rules = (dig(bucket.props, 'ReplicationConfiguration', 'Rules') as unknown[]) ?? [];
  const rtc =
    rules.length > 0 && rules.every((r) => String(dig(r, 'Destination', 'ReplicationTime', 'Status')) === 'Enabled');
  const seconds = rtc ? 15 * 60 : null;
  // DESIGN §4: assets, reports and backups are read-mostly; they are reported against the target but not held to it.
  const meetsTarget = seconds !== null && seconds <= target;
  return {
    name: `S3 cross-region replication ${bucket.id}`,
    data: 'assets, reports, backups',
    seconds,
    targetSeconds: target,
    class: 'read-mostly',
    meets: seconds !== null,
    basis: rtc
      ? `Replication Time Control enabled (ReplicationTimeControl=${data.params.ReplicationTimeControl ?? 'Enabled'}): most objects replicate in seconds, 99.99 % within 15 minutes, so the guaranteed bound is 900 s. ${meetsTarget ? '' : `That fails a ${target} s target; it is accepted only because DESIGN §4 classes this store as read-mostly (no RTO for writes). Keep transactional data out of this bucket.`}`.trim()
      : `Replication without RTC (ReplicationTimeControl=${data.params.ReplicationTimeControl ?? 'Disabled'}): asynchronous with no time guarantee, so no RPO can be claimed. Enable ReplicationTimeControl for a 15-minute bound.`,
    references: rtc ? [RPO_REFERENCES.s3Rtc, RPO_REFERENCES.s3RtcSla] : [RPO_REFERENCES.s3CrrNoRtc],
  };
}

export function computeRpo(input: ReportInput): RpoStore[] {
  const target = input.config.objectives.rpoSeconds;
  return [dynamo(input, target), rds(input, target), s3(input, target)].filter((s): s is RpoStore => s !== undefined);
}
