// Before destroy deletes a stack that owns replicated secrets, it removes their replicas. Secrets Manager refuses
// to delete a primary secret that still has replicas ("You can't delete secret … that still has replica regions
// […]"; the documented order is RemoveRegionsFromReplication, then DeleteSecret), and nothing documents that
// CloudFormation's secret handler removes them first. Removing a replica deletes it at once; the primary secret
// itself is left to CloudFormation.
import {
  DescribeSecretCommand,
  RemoveRegionsFromReplicationCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DrError } from '../errors.js';
import { errorName, throttlingRetry } from '../aws/retry.js';
import type { Clock } from '../clock.js';

export interface SecretReplicasRemoved {
  secret: string;
  regions: string[];
}

/** A secret deleted meanwhile (an earlier destroy, by hand) has nothing left to prepare. */
const gone = (err: unknown) => errorName(err) === 'ResourceNotFoundException';

function replicaError(secret: string, action: string, err: unknown): DrError {
  return new DrError({
    code: 'E_SECRET_REPLICAS',
    kind: 'aws',
    message: `cannot ${action} ${secret}: ${errorName(err)}: ${(err as Error).message}`,
    fix: 'Grant secretsmanager:DescribeSecret and secretsmanager:RemoveRegionsFromReplication (and secretsmanager:DeleteSecret in the replica Regions), then destroy again.',
    cause: err,
  });
}

/**
 * Removes every replica of one secret, through a client of the secret's own (primary) Region. Undefined when there
 * was nothing to remove: no replicas, or the secret is gone. Running it again is harmless.
 */
export async function removeSecretReplicas(
  sm: SecretsManagerClient,
  secret: string,
  clock: Clock,
): Promise<SecretReplicasRemoved | undefined> {
  const retry = throttlingRetry((ms) => clock.sleep(ms));
  let regions: string[];
  try {
    const d = await retry(() => sm.send(new DescribeSecretCommand({ SecretId: secret })));
    regions = (d.ReplicationStatus ?? []).flatMap((r) => (r.Region ? [r.Region] : []));
  } catch (err) {
    if (gone(err)) return undefined;
    throw replicaError(secret, 'describe', err);
  }
  if (!regions.length) return undefined;
  try {
    await retry(() =>
      sm.send(new RemoveRegionsFromReplicationCommand({ SecretId: secret, RemoveReplicaRegions: regions })),
    );
  } catch (err) {
    if (gone(err)) return undefined;
    throw replicaError(secret, `remove the replicas in ${regions.join(', ')} of`, err);
  }
  return { secret, regions };
}
