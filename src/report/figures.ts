// AWS figures the budget rests on, each with the page it comes from and what that page says.
// Where AWS publishes no number, the figure is an assumption and says so (kind 'assumption').
import type { TermSource } from './report-types.js';

export interface Figure {
  seconds: number;
  source: TermSource;
}

const R53_FAQ = 'https://aws.amazon.com/route53/faqs/';
const R53_HEALTH =
  'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html';
const ALB_HEALTH =
  'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html';

export const FIGURES = {
  /** Route 53 pushes a change (here: a health-check-driven answer change) to its authoritative servers. */
  route53Propagation: {
    seconds: 60,
    source: {
      kind: 'documented',
      reference: 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html',
      says: 'Changes generally propagate to all Route 53 name servers within 60 seconds.',
    },
  },
  /** A health check that fails by timing out is only counted as failed once its timeouts have run out. */
  route53HttpCheckTimeout: {
    seconds: 6,
    source: {
      kind: 'documented',
      reference: R53_HEALTH,
      says: 'HTTP and HTTPS health checks: Route 53 must be able to establish a TCP connection with the endpoint within four seconds; the endpoint must then respond with an HTTP status code of 2xx or 3xx within two seconds after connecting.',
    },
  },
  route53TcpCheckTimeout: {
    seconds: 10,
    source: {
      kind: 'documented',
      reference: R53_HEALTH,
      says: 'TCP health checks: Route 53 must be able to establish a TCP connection with the endpoint within ten seconds.',
    },
  },
  /** Alias records to an ELB carry the load balancer's fixed TTL. */
  aliasToElbTtl: {
    seconds: 60,
    source: {
      kind: 'documented',
      reference: R53_FAQ,
      says: 'To configure DNS failover for ELB and S3 website endpoints, use alias records, which have a fixed TTL of 60 seconds.',
    },
  },
  /** Every replica of a global table takes writes: the orders need no promotion, only traffic. */
  globalTableMultiActive: {
    seconds: 0,
    source: {
      kind: 'documented',
      reference: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GlobalTables.html',
      says: 'Any global table replica can serve reads and writes. Applications can achieve high resilience with a low or zero RPO by shifting traffic to a different Region if application processing is interrupted in a Region.',
    },
  },
  /** RDS publishes no number for promotion; we budget five minutes and say what the page does say. */
  rdsPromotion: {
    seconds: 300,
    source: {
      kind: 'assumption',
      says: 'Planning figure of 300 s for PromoteReadReplica on an RDS for PostgreSQL replica (includes the reboot RDS performs); measure it in a drill and replace.',
      reference: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html',
      documented:
        'When you promote a read replica, RDS reboots the DB instance before making it available. The promotion process can take several minutes or longer to complete, depending on the size of the read replica.',
    },
  },
  /** The gateway reads the writer endpoint from SSM; until it re-reads, writes still go to the old writer. */
  writerEndpointUpdate: {
    seconds: 30,
    source: {
      kind: 'assumption',
      says: 'The controller writes the new writer endpoint to the SSM parameter named by WriterEndpointParameterName (step update-writer-endpoint); we budget 30 s for the write and for every client of the database to re-read it and reconnect (the gateway caches the parameter for 5 s).',
    },
  },
  /** The controller's own default when the failover template sets no WAIT_BUDGET_MS (src/failover/controller/config.ts). */
  controllerPromotionWaitDefault: {
    seconds: 30,
    source: {
      kind: 'assumption',
      says: 'The failover template sets no WAIT_BUDGET_MS on the controller function, so the controller’s default applies: it waits up to 30 s for PromoteReadReplica within one invocation.',
    },
  },
  /** While it waits for the promotion the controller re-checks the instance every 10 s (src/failover/controller/run.ts). */
  controllerPromotionPoll: {
    seconds: 10,
    source: {
      kind: 'assumption',
      says: 'Within its wait budget the controller re-checks the promoted instance every 10 s (src/failover/controller/run.ts), so a promotion that ends during a wait is seen within 10 s.',
    },
  },
  /** EC2 publishes no launch-time figure. */
  instanceLaunch: {
    seconds: 120,
    source: {
      kind: 'assumption',
      says: 'Planning figure of 120 s from RunInstances to user data having started the gateway (pending → running, boot, bundle download); measure it in a drill and replace.',
    },
  },
  /** A newly registered target needs one passing check, not HealthyThresholdCount of them. */
  albFirstCheck: {
    seconds: 30,
    source: {
      kind: 'documented',
      reference: ALB_HEALTH,
      says: 'After your target is registered, it must pass one health check to be considered healthy. HealthCheckIntervalSeconds defaults to 30 seconds for instance targets.',
    },
  },
  /** Paging a human when automatic promotion is off. */
  operatorResponse: {
    seconds: 900,
    source: {
      kind: 'assumption',
      says: 'PromotionEnabled is false, so a person must promote: we budget a 15-minute page-to-action response.',
    },
  },
} satisfies Record<string, Figure>;

export const RPO_REFERENCES = {
  dynamoEventual: {
    url: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html',
    says: 'Multi-Region eventual consistency (MREC): item changes in a replica are typically replicated asynchronously to all other replicas within one second or less.',
  },
  dynamoNoSla: {
    url: 'https://docs.aws.amazon.com/prescriptive-guidance/latest/dynamodb-global-tables/overview.html',
    says: 'Newly written items are usually propagated to all replica tables within a second; ReplicationLatency shows the lag, and there is no SLA for this latency.',
  },
  dynamoStrong: {
    url: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html',
    says: 'Multi-Region strong consistency (MRSC): writes are synchronously replicated to at least one other Region before they return, giving a zero RPO.',
  },
  dynamoMetric: {
    url: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_monitoring.html',
    says: 'ReplicationLatency: the elapsed time between when an item is written to a replica table and when it appears in another replica.',
  },
  s3Rtc: {
    url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html',
    says: 'S3 RTC replicates most objects in seconds and 99.99 percent of new objects within 15 minutes.',
  },
  s3RtcSla: {
    url: 'https://aws.amazon.com/s3/sla-rtc/',
    says: 'The RTC Service Level Agreement credits a month in which fewer than 99.9 % of objects replicated within 15 minutes, per region pair.',
  },
  s3CrrNoRtc: {
    url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html',
    says: 'Without RTC, replication is asynchronous with no time guarantee.',
  },
  rdsReplicaLag: {
    url: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html',
    says: 'ReplicaLag: how far (in seconds) a read replica is behind its source DB instance; asynchronous replication means committed writes within that lag are lost if the source is lost.',
  },
} as const;

/**
 * Restore figures of the logical-corruption path (src/report/logical-corruption.ts): how finely each store can go
 * back in time, and how long a restore takes. AWS publishes no restore durations; ours are planning figures to
 * replace with the durations the backup layer's restore tests measure.
 */
export const RESTORE_FIGURES = {
  dynamoPointInTime: {
    seconds: 1,
    source: {
      kind: 'documented',
      reference: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/pointintimerecovery_restores.html',
      says: 'Point-in-time recovery restores the table data as it was at a chosen date and time, to the second, into a new table, within the recovery period (up to 35 days).',
    },
  },
  dynamoLatestRestorable: {
    seconds: 300,
    source: {
      kind: 'documented',
      reference:
        'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PointInTimeRecoveryDescription.html',
      says: 'LatestRestorableDateTime is typically 5 minutes before the current time.',
    },
  },
  dynamoRestore: {
    seconds: 3600,
    source: {
      kind: 'assumption',
      says: 'Planning figure of 1 h to restore the orders table to a new table; the duration grows with the table size and DynamoDB publishes none. Replace it with the time the backup layer restore test measures.',
      reference: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/pointintimerecovery_restores.html',
    },
  },
  continuousBackup: {
    seconds: 1,
    source: {
      kind: 'documented',
      reference: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html',
      says: 'AWS Backup continuous backup (RDS, Aurora, S3) restores the resource as it was at a point in time you choose within the retention period.',
    },
  },
  rdsAutomatedBackup: {
    seconds: 300,
    source: {
      kind: 'documented',
      reference: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html',
      says: 'RDS uploads transaction logs for DB instances to Amazon S3 every five minutes; the latest restorable time is typically within the last five minutes.',
    },
  },
  relationalRestore: {
    seconds: 2700,
    source: {
      kind: 'assumption',
      says: 'Planning figure of 45 min to restore the database to a point in time as a new cluster or instance (create, replay logs, make it available); RDS and Aurora publish no duration. Replace it with the time the restore test measures.',
      reference: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html',
    },
  },
  s3VersionRestore: {
    seconds: 1800,
    source: {
      kind: 'assumption',
      says: 'Planning figure of 30 min to copy the last good version of each damaged object back over the current one (versioning keeps every version until noncurrent expiration).',
      reference: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/RestoringPreviousVersions.html',
    },
  },
  findCorruptionPoint: {
    seconds: 900,
    source: {
      kind: 'assumption',
      says: 'Planning figure of 15 min for an operator to find the last good moment (application logs, CloudTrail) and start the restores; nothing automates this decision, on purpose.',
    },
  },
  cutOverToRestored: {
    seconds: 600,
    source: {
      kind: 'assumption',
      says: 'Planning figure of 10 min to point the gateway at the restored table and database (parameters, writer endpoint) and reconcile the orders written since the chosen moment.',
    },
  },
} as const satisfies Record<string, Figure>;
