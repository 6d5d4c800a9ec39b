// AWS SDK v3 clients for one region, built with the SDK's own credential chain, retries and endpoint override.
// Code that talks to AWS receives an `AwsClients` (or a factory) by injection; tests pass in-memory doubles.
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
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

export interface AwsOptions {
  profile?: string;
  endpointUrl?: string;
  /** SDK retry attempts (adaptive mode backs off on throttling). */
  maxAttempts?: number;
}

export interface AwsClients {
  region: string;
  cloudformation: CloudFormationClient;
  s3: S3Client;
  sts: STSClient;
  dynamodb: DynamoDBClient;
  rds: RDSClient;
  autoscaling: AutoScalingClient;
  ssm: SSMClient;
  sns: SNSClient;
  route53: Route53Client;
  cloudwatch: CloudWatchClient;
  elbv2: ElasticLoadBalancingV2Client;
  secretsmanager: SecretsManagerClient;
}

export type ClientFactory = (region: string) => AwsClients;

/** Client settings shared by every service: region, credential chain (env vars, profile, SSO, IMDS), retries, endpoint. */
export function clientConfig(region: string, opts: AwsOptions) {
  return {
    region,
    credentials: fromNodeProviderChain(opts.profile ? { profile: opts.profile } : {}),
    maxAttempts: opts.maxAttempts ?? 8,
    retryMode: 'adaptive' as const,
    ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}),
  };
}

/**
 * Whether S3 calls go to an endpoint other than AWS's: --endpoint-url, or the SDK's own AWS_ENDPOINT_URL /
 * AWS_ENDPOINT_URL_S3 variables (which the SDK applies itself). Emulators serve every bucket on one host name,
 * so those calls need path-style addressing.
 */
export function s3EndpointOverridden(opts: AwsOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  if (opts.endpointUrl) return true;
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return false;
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

/** Real SDK clients, one set per region, created lazily and cached. */
export function sdkClientFactory(opts: AwsOptions = {}): ClientFactory {
  const cache = new Map<string, AwsClients>();
  return (region: string) => {
    const hit = cache.get(region);
    if (hit) return hit;
    const cfg = clientConfig(region, opts);
    const clients: AwsClients = {
      region,
      cloudformation: new CloudFormationClient(cfg),
      s3: new S3Client({ ...cfg, forcePathStyle: s3EndpointOverridden(opts) }),
      sts: new STSClient(cfg),
      dynamodb: new DynamoDBClient(cfg),
      rds: new RDSClient(cfg),
      autoscaling: new AutoScalingClient(cfg),
      ssm: new SSMClient(cfg),
      sns: new SNSClient(cfg),
      route53: new Route53Client(cfg),
      cloudwatch: new CloudWatchClient(cfg),
      elbv2: new ElasticLoadBalancingV2Client(cfg),
      secretsmanager: new SecretsManagerClient(cfg),
    };
    cache.set(region, clients);
    return clients;
  };
}
