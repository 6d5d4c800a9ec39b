// AWS SDK v3 clients for one region, built with the SDK's own credential chain, retries and endpoint override.
// Code that talks to AWS receives an `AwsClients` (or a factory) by injection and calls the service modules in
// ./services/; tests pass in-memory doubles. The SDK's adaptive retry is the only retry layer: a middleware placed
// just inside it observes each throttled attempt so long runs can say that they are being throttled.
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
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { IAMClient } from '@aws-sdk/client-iam';
import { ACMClient } from '@aws-sdk/client-acm';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { errorName, isThrottling } from './errors.js';
import { captureErrorBodies } from './response-capture.js';

/** One throttled attempt, as the SDK's retry layer saw it (it retries unless `attempt` reached `maxAttempts`). */
export interface ThrottledAttempt {
  region: string;
  operation: string;
  error: string;
  attempt: number;
  maxAttempts: number | undefined;
}

export interface AwsOptions {
  profile?: string;
  endpointUrl?: string;
  /** SDK retry attempts (adaptive mode backs off on throttling). */
  maxAttempts?: number;
  /** Told of every throttled attempt (the SDK retries it itself). */
  onThrottled?: (attempt: ThrottledAttempt) => void;
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
  secretsmanager: SecretsManagerClient;
  lambda: LambdaClient;
  /** IAM is global: any region's client reaches it. */
  iam: IAMClient;
  acm: ACMClient;
}

/** What a service module needs: the region (for messages) and its one client. */
export type ServiceClients<K extends Exclude<keyof AwsClients, 'region'>> = Pick<AwsClients, 'region' | K>;

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

interface MiddlewareClient {
  middlewareStack: {
    addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
  };
}

/**
 * Reports each throttled attempt of `client`'s calls. Sits right inside the SDK's retry middleware, so it sees every
 * attempt and the retry header the SDK stamped on it (`amz-sdk-request: attempt=N; max=M`).
 */
export function observeThrottling<C>(client: C, region: string, onThrottled: (t: ThrottledAttempt) => void): C {
  const middleware =
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (err) {
        if (isThrottling(err)) {
          const header = (args as { request?: { headers?: Record<string, string> } }).request?.headers?.[
            'amz-sdk-request'
          ];
          const [, attempt, max] = /attempt=(\d+)(?:; max=(\d+))?/.exec(header ?? '') ?? [];
          onThrottled({
            region,
            operation: (context.commandName ?? 'unknown').replace(/Command$/, ''),
            error: errorName(err),
            attempt: Number(attempt ?? 1),
            maxAttempts: max === undefined ? undefined : Number(max),
          });
        }
        throw err;
      }
    };
  (client as MiddlewareClient).middlewareStack.addRelativeTo(middleware, {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    name: 'drctlThrottleObserver',
    override: true,
  });
  return client;
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
    const observed = <C>(client: C): C => {
      captureErrorBodies(client);
      return opts.onThrottled ? observeThrottling(client, region, opts.onThrottled) : client;
    };
    const clients: AwsClients = {
      region,
      cloudformation: observed(new CloudFormationClient(cfg)),
      s3: observed(new S3Client({ ...cfg, forcePathStyle: s3EndpointOverridden(opts) })),
      sts: observed(new STSClient(cfg)),
      dynamodb: observed(new DynamoDBClient(cfg)),
      rds: observed(new RDSClient(cfg)),
      autoscaling: observed(new AutoScalingClient(cfg)),
      ssm: observed(new SSMClient(cfg)),
      sns: observed(new SNSClient(cfg)),
      route53: observed(new Route53Client(cfg)),
      cloudwatch: observed(new CloudWatchClient(cfg)),
      secretsmanager: observed(new SecretsManagerClient(cfg)),
      lambda: observed(new LambdaClient(cfg)),
      iam: observed(new IAMClient(cfg)),
      acm: observed(new ACMClient(cfg)),
    };
    cache.set(region, clients);
    return clients;
  };
}
