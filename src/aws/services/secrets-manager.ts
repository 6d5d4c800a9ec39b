// Secrets Manager: the master secret's credentials (the drill's database canary) and its replicas (destroy).
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  RemoveRegionsFromReplicationCommand,
} from '@aws-sdk/client-secrets-manager';
import type { ServiceClients } from '../clients.js';
import { awsCallError, errorName, type AwsErrorOptions } from '../errors.js';

type SecretsManager = ServiceClients<'secretsmanager'>;

/** The secret's current value as text. */
export async function getSecretString(aws: SecretsManager, secretId: string): Promise<string> {
  try {
    return (await aws.secretsmanager.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? '';
  } catch (err) {
    throw awsCallError({ operation: 'secretsmanager:GetSecretValue', resource: secretId, region: aws.region }, err, {
      fix: `Check that the caller may read ${secretId} (secretsmanager:GetSecretValue, and kms:Decrypt on its key).`,
    });
  }
}

/** Regions the secret is replicated to; undefined when the secret no longer exists. */
export async function secretReplicaRegions(
  aws: SecretsManager,
  secretId: string,
  error?: AwsErrorOptions,
): Promise<string[] | undefined> {
  try {
    const d = await aws.secretsmanager.send(new DescribeSecretCommand({ SecretId: secretId }));
    return (d.ReplicationStatus ?? []).flatMap((r) => (r.Region ? [r.Region] : []));
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return undefined;
    throw awsCallError(
      { operation: 'secretsmanager:DescribeSecret', resource: secretId, region: aws.region },
      err,
      error,
    );
  }
}

/** Removes replicas (deleted at once); false when the secret no longer exists. */
export async function removeReplicaRegions(
  aws: SecretsManager,
  secretId: string,
  regions: string[],
  error?: AwsErrorOptions,
): Promise<boolean> {
  try {
    await aws.secretsmanager.send(
      new RemoveRegionsFromReplicationCommand({ SecretId: secretId, RemoveReplicaRegions: regions }),
    );
    return true;
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return false;
    throw awsCallError(
      { operation: 'secretsmanager:RemoveRegionsFromReplication', resource: secretId, region: aws.region },
      err,
      error,
    );
  }
}
