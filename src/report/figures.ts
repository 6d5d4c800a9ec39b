// AWS figures the budget rests on, each with the page it comes from and what that page says.
// Where AWS publishes no number, the figure is an assumption and says so (kind 'assumption').
import type { TermSource } from './report-types.js';

export interface Figure {
  seconds: number;
  source: TermSource;
}

const R53_FAQ = 'https://aws.amazon.com/route53/faqs/';

export const FIGURES = {
  /** Route 53 pushes a change (here: a health-check-driven answer change) to its authoritative servers. */
  route53Propagation: {
    seconds: 60,
    source: {
      kind: 'documented',
      reference: R53_FAQ,
      says: 'Amazon Route 53 is designed to propagate updates to its world-wide network of authoritative DNS servers within 60 seconds under normal conditions.',
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
  /** RDS publishes no number for promotion; we budget five minutes and say what the page does say. */
  rdsPromotion: {
    seconds: 300,
    source: {
      kind: 'assumption',
      says: 'Planning figure of 300 s for PromoteReadReplica on a small PostgreSQL replica (includes the reboot RDS performs); measure it in a drill and replace.',
      reference: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html',
      documented: 'When you promote a read replica, RDS reboots the DB instance before making it available. The promotion process can take several minutes or longer to complete, depending on the size of the read replica.',
    },
  },
  /** The gateway reads the writer endpoint from SSM; until it re-reads, writes still go to the old writer. */
  writerEndpointUpdate: {
    seconds: 30,
    source: {
      kind: 'assumption',
      says: 'The controller writes the new writer endpoint to the SSM parameter named by WriterEndpointParameterName; we budget 30 s for the write and for every gateway to re-read it.',
    },
  },
  /** Our controller (src/failover/controller/run.ts) waits this long for PromoteReadReplica inside one invocation. */
  controllerPromotionWait: {
    seconds: 30,
    source: {
      kind: 'assumption',
      says: 'The controller runs promote-database, then raise-capacity, in one invocation; it first waits up to WAIT_BUDGET_MS (default 30 s) for the promotion to finish.',
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
  /** ALB target group defaults, used when the template does not set them. */
  albHealthyThresholdDefault: {
    seconds: 5,
    source: {
      kind: 'documented',
      reference: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
      says: 'HealthyThresholdCount: the number of consecutive successful health checks required before considering a target healthy; default 5 for Application Load Balancers.',
    },
  },
  albIntervalDefault: {
    seconds: 30,
    source: {
      kind: 'documented',
      reference: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
      says: 'HealthCheckIntervalSeconds: the approximate amount of time between health checks of an individual target; default 30 seconds (instance and ip targets).',
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
