// Pre-flight: who are we and in which account? Runs before anything changes, so missing credentials or the
// wrong account stop a command with a clear error instead of half-way through.
import type { ClientFactory } from '../aws/clients.js';
import { awsCallError, errorName, isUnreachable } from '../aws/errors.js';
import { getCallerIdentity } from '../aws/services/sts.js';
import { DrError, usageError } from '../errors.js';

export interface Identity {
  account: string;
  arn: string;
  /** The human-ish name: IAM user name or the assumed-role session name. */
  user: string;
  /** The region whose STS endpoint answered. */
  region: string;
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'AccessDenied',
]);

export function userFromArn(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  // assumed-role/<role>/<session>, user/<path>/<name>, root
  return parts.length > 1 ? (parts[parts.length - 1] ?? resource) : resource;
}

/**
 * Asks STS in `regions` (all at once, so an unreachable primary costs no extra wait) and takes the first region's
 * answer, else the next one's: STS is regional, and during an outage of the primary region the secondary's endpoint
 * still says who we are. A credential problem is reported as such whichever region says it.
 */
export async function callerIdentity(
  factory: ClientFactory,
  regions: string[],
  expectedAccountId: string | undefined,
  configFile: string,
): Promise<Identity> {
  const answers = await Promise.allSettled(regions.map((region) => getCallerIdentity(factory(region))));
  let found: Identity | undefined;
  for (const [i, region] of regions.entries()) {
    const answer = answers[i] as PromiseSettledResult<{ account: string; arn: string }>;
    if (answer.status === 'fulfilled') {
      found = { ...answer.value, user: userFromArn(answer.value.arn), region };
      break;
    }
    const err: unknown = answer.reason;
    const name = errorName(err);
    if (CREDENTIAL_ERRORS.has(name)) {
      throw new DrError({
        code: 'E_AWS_CREDENTIALS',
        kind: 'aws',
        message: `no usable AWS credentials (${name}: ${(err as Error).message})`,
        fix: 'Pass --profile <name> (or set AWS_PROFILE), or export AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; for SSO run `aws sso login --profile <name>` first.',
        cause: err,
      });
    }
    if (isUnreachable(err) && i < regions.length - 1) continue;
    throw awsCallError({ operation: 'sts:GetCallerIdentity', resource: 'caller', region }, err, {
      code: 'E_AWS_STS',
      fix: 'Check network access to STS (or --endpoint-url).',
    });
  }
  const identity = found as Identity;
  if (expectedAccountId && identity.account !== expectedAccountId) {
    throw usageError(
      'E_WRONG_ACCOUNT',
      `the credentials belong to account ${identity.account} (${identity.arn}), but ${configFile} expects ${expectedAccountId}`,
      `Use credentials for account ${expectedAccountId} (--profile / AWS_PROFILE), or fix expectedAccountId in ${configFile}.`,
      { file: configFile, field: 'expectedAccountId' },
    );
  }
  return identity;
}
