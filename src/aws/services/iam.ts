// IAM (a global service): whether a role exists, and creating a service's service-linked role.
import { CreateServiceLinkedRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import type { ServiceClients } from '../clients.js';
import { awsCallError, errorName } from '../errors.js';

type Iam = ServiceClients<'iam'>;

export async function roleExists(aws: Iam, roleName: string): Promise<boolean> {
  try {
    await aws.iam.send(new GetRoleCommand({ RoleName: roleName }));
    return true;
  } catch (err) {
    if (errorName(err) === 'NoSuchEntityException' || errorName(err) === 'NoSuchEntity') return false;
    throw awsCallError({ operation: 'iam:GetRole', resource: roleName, region: aws.region }, err, {
      fix: 'The caller needs iam:GetRole to check the service-linked roles the templates name.',
    });
  }
}

/** Creates the service-linked role of `service` (e.g. `autoscaling.amazonaws.com`); one that exists is left as it is. */
export async function createServiceLinkedRole(aws: Iam, service: string): Promise<void> {
  try {
    await aws.iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: service }));
  } catch (err) {
    // Created meanwhile (another run, or the service itself): the goal is met.
    if (/has been taken|already exists/i.test(err instanceof Error ? err.message : '')) return;
    throw awsCallError({ operation: 'iam:CreateServiceLinkedRole', resource: service, region: aws.region }, err, {
      fix: `Create it with: aws iam create-service-linked-role --aws-service-name ${service}`,
    });
  }
}
