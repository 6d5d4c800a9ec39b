// One simulated AWS account: CloudFormation per region, S3, STS and Secrets Manager, on a virtual clock, exposed
// as a ClientFactory of real SDK v3 clients whose `send` is routed to the doubles (so the code under test builds
// real commands with real inputs; only the transport is replaced).
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SNSClient } from '@aws-sdk/client-sns';
import { Route53Client } from '@aws-sdk/client-route-53';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsClients, ClientFactory } from '../../src/aws/clients.js';
import { CloudFormationDouble } from './cloudformation.js';
import { S3Double } from './s3.js';
import { SecretsManagerDouble } from './secrets-manager.js';
import { StsDouble } from './sts.js';
import { VirtualClock } from './virtual-clock.js';

type Handler = (op: string, input: Record<string, unknown>) => Promise<unknown>;

function route<C extends { send: unknown }>(client: C, handler: Handler): C {
  (client as { send: unknown }).send = async (command: {
    input: Record<string, unknown>;
    constructor: { name: string };
  }) => {
    const op = command.constructor.name.replace(/Command$/, '');
    // Copy so the double never aliases the caller's objects.
    return handler(op, structuredClone(command.input));
  };
  return client;
}

const unsupported =
  (service: string): Handler =>
  async (op) => {
    throw new Error(`${service} double: ${op} is not simulated`);
  };

export class AwsWorld {
  readonly clock = new VirtualClock();
  readonly s3 = new S3Double(() => this.clock.now());
  /** Secrets in every region: CloudFormation creates and deletes them, replicas included. */
  readonly secrets = new SecretsManagerDouble(() => this.clock.now());
  readonly sts: StsDouble;
  private readonly cfn = new Map<string, CloudFormationDouble>();

  constructor(readonly account = '111111111111') {
    this.sts = new StsDouble(account);
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

  factory(): ClientFactory {
    const cache = new Map<string, AwsClients>();
    return (region: string) => {
      const hit = cache.get(region);
      if (hit) return hit;
      const cfg = { region, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } };
      const clients: AwsClients = {
        region,
        cloudformation: route(new CloudFormationClient(cfg), (op, input) =>
          this.cloudformation(region).handle(op, input),
        ),
        s3: route(new S3Client(cfg), (op, input) => this.s3.handle(op, input, region)),
        sts: route(new STSClient(cfg), (op) => this.sts.handle(op)),
        dynamodb: route(new DynamoDBClient(cfg), unsupported('DynamoDB')),
        rds: route(new RDSClient(cfg), unsupported('RDS')),
        autoscaling: route(new AutoScalingClient(cfg), unsupported('AutoScaling')),
        ssm: route(new SSMClient(cfg), unsupported('SSM')),
        sns: route(new SNSClient(cfg), unsupported('SNS')),
        route53: route(new Route53Client(cfg), unsupported('Route53')),
        cloudwatch: route(new CloudWatchClient(cfg), unsupported('CloudWatch')),
        elbv2: route(new ElasticLoadBalancingV2Client(cfg), unsupported('ELBv2')),
        secretsmanager: route(new SecretsManagerClient(cfg), (op, input) => this.secrets.handle(op, input, region)),
      };
      cache.set(region, clients);
      return clients;
    };
  }
}
