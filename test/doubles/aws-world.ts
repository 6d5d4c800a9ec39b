// The one doubles factory: a simulated AWS account — CloudFormation per region, S3, STS, Secrets Manager, RDS,
// Auto Scaling, SSM, SNS, CloudWatch, Route 53, Lambda, IAM, ACM and (once started) DynamoDB — on one virtual clock, with one call log.
// `factory()` hands code under test a ClientFactory like the real one. CloudFormation, S3, STS and Secrets Manager
// are real SDK v3 clients whose requests stop just inside the SDK's retry middleware and go to the doubles (so the
// code under test builds real commands, and the SDK's own retry handles throttling); the other services are fake
// clients dispatching `send(new XCommand(input))` to their double; DynamoDB is a local dynalite server.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import {
  observeThrottling,
  type AwsClients,
  type ClientFactory,
  type ThrottledAttempt,
} from '../../src/aws/clients.js';
import { AcmDouble } from './acm.js';
import { AutoScalingDouble } from './autoscaling.js';
import { CallLog } from './call-log.js';
import { CloudFormationDouble } from './cloudformation.js';
import { CloudWatchDouble } from './cloudwatch.js';
import { startLocalDynamo, type LocalDynamo } from './dynamodb.js';
import { IamDouble } from './iam.js';
import { LambdaDouble } from './lambda.js';
import { RdsDouble, type RdsDoubleOptions } from './rds.js';
import { Route53Double } from './route53.js';
import { S3Double } from './s3.js';
import { SecretsManagerDouble } from './secrets-manager.js';
import { SnsDouble } from './sns.js';
import { SsmDouble } from './ssm.js';
import { StsDouble } from './sts.js';
import { VirtualClock } from './virtual-clock.js';

type Handler = (op: string, input: Record<string, unknown>) => Promise<unknown>;

interface MiddlewareHost {
  middlewareStack: { addRelativeTo(middleware: unknown, options: Record<string, unknown>): void };
}

/**
 * Ends every request of a real SDK client at the double: a middleware inside the retry middleware answers with the
 * double's output (or throws its error), so the SDK's retries see the double's errors. It sits just before signing:
 * a request that never leaves the process needs no SigV4 signature, which was a fifth of each simulated call's time.
 */
function route<C>(client: C, handler: Handler): C {
  (client as MiddlewareHost).middlewareStack.addRelativeTo(
    (_next: unknown, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      const op = String(context.commandName ?? '').replace(/Command$/, '');
      // Copy so the double never aliases the caller's objects.
      const output = (await handler(op, structuredClone(args.input))) as Record<string, unknown>;
      return { response: {}, output: { $metadata: { httpStatusCode: 200 }, ...output } };
    },
    { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'awsWorldDouble' },
  );
  return client;
}

const unsupported =
  (service: string): Handler =>
  async (op) => {
    throw new Error(`${service} double: ${op} is not simulated`);
  };

export interface AwsWorldOptions {
  account?: string;
  start?: number;
  rds?: Omit<RdsDoubleOptions, 'now' | 'log'>;
  launchMs?: number;
  /**
   * Route 53 hosted zones the account holds (id → name). Default: the deploy fixture project's zone
   * (`Z0000000000000`, trading.example.com), so deploy's pre-flight finds it.
   */
  hostedZones?: Record<string, string>;
  /** A specialised S3 double (e.g. one that replicates between buckets). */
  s3?: (now: () => number) => S3Double;
}

export class AwsWorld {
  readonly clock: VirtualClock;
  readonly account: string;
  readonly log = new CallLog();
  readonly s3: S3Double;
  /** Secrets in every region: CloudFormation creates and deletes them, replicas included. */
  readonly secrets: SecretsManagerDouble;
  readonly sts: StsDouble;
  readonly rds: RdsDouble;
  readonly autoscaling: AutoScalingDouble;
  readonly ssm: SsmDouble;
  readonly sns: SnsDouble;
  readonly cloudwatch: CloudWatchDouble;
  readonly route53: Route53Double;
  readonly lambda: LambdaDouble;
  readonly iam: IamDouble;
  readonly acm: AcmDouble;
  /** DynamoDB, once `startDynamo()` ran. */
  dynamo: LocalDynamo | undefined;
  private readonly cfn = new Map<string, CloudFormationDouble>();
  private defaultFactory: ClientFactory | undefined;

  constructor(accountOrOptions: string | AwsWorldOptions = {}) {
    const opts = typeof accountOrOptions === 'string' ? { account: accountOrOptions } : accountOrOptions;
    this.account = opts.account ?? '111111111111';
    this.clock = new VirtualClock(opts.start);
    const now = this.clock.now;
    const base = { now, log: this.log };
    this.s3 = opts.s3 ? opts.s3(now) : new S3Double(now);
    this.secrets = new SecretsManagerDouble(now);
    this.sts = new StsDouble(this.account);
    this.rds = new RdsDouble({ ...base, ...opts.rds });
    this.autoscaling = new AutoScalingDouble({
      ...base,
      ...(opts.launchMs === undefined ? {} : { launchMs: opts.launchMs }),
    });
    this.ssm = new SsmDouble(base);
    this.sns = new SnsDouble(base);
    this.cloudwatch = new CloudWatchDouble(base);
    this.route53 = new Route53Double(base);
    for (const [id, name] of Object.entries(opts.hostedZones ?? { Z0000000000000: 'trading.example.com' }))
      this.route53.addHostedZone(id, name, [`ns-1.awsdns-01.org`, `ns-2.awsdns-02.com`]);
    this.lambda = new LambdaDouble(base);
    this.iam = new IamDouble(base);
    this.acm = new AcmDouble(base);
  }

  /** One region's clients from a default factory (what most tests hand the code under test). */
  clientsFor(region: string): AwsClients {
    this.defaultFactory ??= this.factory();
    return this.defaultFactory(region);
  }

  /** Starts the local DynamoDB server (needed by the operator commands' state table and canaries). */
  async startDynamo(): Promise<LocalDynamo> {
    this.dynamo ??= await startLocalDynamo(this.log);
    return this.dynamo;
  }

  async close(): Promise<void> {
    await this.dynamo?.close();
  }

  cloudformation(region: string): CloudFormationDouble {
    let d = this.cfn.get(region);
    if (!d)
      this.cfn.set(
        region,
        (d = new CloudFormationDouble(region, this.account, () => this.clock.now(), this.s3, this.secrets)),
      );
    return d;
  }

  /** Every CloudFormation call in every region, in order. */
  cfnCalls(): { region: string; op: string; input: Record<string, unknown>; at: number }[] {
    return [...this.cfn.entries()]
      .flatMap(([region, d]) => d.calls.map((c) => ({ region, ...c })))
      .sort((a, b) => a.at - b.at);
  }

  /** Records the call in the log, then lets the double answer. */
  private recorded(service: string, region: string, handler: Handler): Handler {
    return async (op, input) => {
      this.log.record({ service, region, operation: op, input: structuredClone(input), at: this.clock.now() });
      return handler(op, input);
    };
  }

  /**
   * Clients per region, cached. `onThrottled` observes the SDK's retries as the real factory's does; the SDK retries
   * without backoff delay here (simulated time does not pass in the SDK's own sleeps).
   */
  factory(opts: { onThrottled?: (t: ThrottledAttempt) => void } = {}): ClientFactory {
    const cache = new Map<string, AwsClients>();
    return (region: string) => {
      const hit = cache.get(region);
      if (hit) return hit;
      const cfg = {
        region,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
        retryStrategy: new ConfiguredRetryStrategy(8, () => 0),
      };
      const sdk = <C>(service: string, client: C, handler: Handler): C => {
        const routed = route(client, this.recorded(service, region, handler));
        return opts.onThrottled ? observeThrottling(routed, region, opts.onThrottled) : routed;
      };
      const clients: AwsClients = {
        region,
        cloudformation: sdk('cloudformation', new CloudFormationClient(cfg), (op, input) =>
          this.cloudformation(region).handle(op, input),
        ),
        s3: sdk('s3', new S3Client(cfg), (op, input) => this.s3.handle(op, input, region)),
        sts: sdk('sts', new STSClient(cfg), (op) => this.sts.handle(op)),
        secretsmanager: sdk('secretsmanager', new SecretsManagerClient(cfg), (op, input) =>
          this.secrets.handle(op, input, region),
        ),
        dynamodb: this.dynamo
          ? this.dynamo.client(region)
          : sdk('dynamodb', new DynamoDBClient(cfg), unsupported('DynamoDB')),
        rds: this.rds.client(region),
        autoscaling: this.autoscaling.client(region),
        ssm: this.ssm.client(region),
        sns: this.sns.client(region),
        route53: this.route53.client(region),
        cloudwatch: this.cloudwatch.client(region),
        lambda: this.lambda.client(region),
        iam: this.iam.client(region),
        acm: this.acm.client(region),
      };
      cache.set(region, clients);
      return clients;
    };
  }
}
