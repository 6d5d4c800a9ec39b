// Before destroy deletes a stack that owns replicated secrets, it removes their replicas. Secrets Manager refuses
// to delete a primary secret that still has replicas ("You can't delete secret … that still has replica regions
// […]"; the documented order is RemoveRegionsFromReplication, then DeleteSecret), and nothing documents that
// CloudFormation's secret handler removes them first. Removing a replica deletes it at once; the primary secret
// itself is left to CloudFormation.
import type { ServiceClients } from '../aws/clients.js';
import { removeReplicaRegions, secretReplicaRegions } from '../aws/services/secrets-manager.js';
import type { AwsErrorOptions } from '../aws/errors.js';

export interface SecretReplicasRemoved {
  secret: string;
  regions: string[];
}

const REPLICA_ERROR = {
  code: 'E_SECRET_REPLICAS',
  fix: 'Grant secretsmanager:DescribeSecret and secretsmanager:RemoveRegionsFromReplication (and secretsmanager:DeleteSecret in the replica Regions), then destroy again.',
} satisfies AwsErrorOptions;

/**
 * Removes every replica of one secret, through a client of the secret's own (primary) Region. Undefined when there
 * was nothing to remove: no replicas, or the secret is gone. Running it again is harmless.
 */
export async function removeSecretReplicas(
  aws: ServiceClients<'secretsmanager'>,
  secret: string,
): Promise<SecretReplicasRemoved | undefined> {
  const regions = await secretReplicaRegions(aws, secret, REPLICA_ERROR);
  if (!regions?.length) return undefined;
  if (!(await removeReplicaRegions(aws, secret, regions, REPLICA_ERROR))) return undefined;
  return { secret, regions };
}
