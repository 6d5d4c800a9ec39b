// The failover controller's clients: the six services it uses, for its own region only, with the Lambda role's
// credentials from the runtime. Kept apart from the CLI's factory (./clients.ts) so the Lambda bundle loads only
// these client packages (the runtime provides them; the bundle keeps @aws-sdk/* external).
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsClients } from './clients.js';
import { captureErrorBodies } from './response-capture.js';

export type ControllerClients = Pick<
  AwsClients,
  'region' | 'rds' | 'autoscaling' | 'ssm' | 'sns' | 'cloudwatch' | 'dynamodb'
>;

export function controllerClients(region: string): ControllerClients {
  // Few retries: a tick that cannot finish is retried by the next one a minute later.
  const cfg = { region, maxAttempts: 3 };
  return {
    region,
    rds: captureErrorBodies(new RDSClient(cfg)),
    autoscaling: captureErrorBodies(new AutoScalingClient(cfg)),
    ssm: captureErrorBodies(new SSMClient(cfg)),
    sns: captureErrorBodies(new SNSClient(cfg)),
    cloudwatch: captureErrorBodies(new CloudWatchClient(cfg)),
    dynamodb: captureErrorBodies(new DynamoDBClient(cfg)),
  };
}
