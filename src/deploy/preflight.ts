// Pre-flight: who are we and in which account? Runs before anything changes, so missing credentials or the
// wrong account stop a deploy with a clear error instead of half-way through.
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { DrError, usageError } from '../errors.js';
import { errorName, withThrottlingRetry } from '../aws/retry.js';

export interface Identity {
  account: string;
  arn: string;
  /** The human-ish name: IAM user name or the assumed-role session name. */
  user: string;
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

export async function callerIdentity(
  sts: STSClient,
  expectedAccountId: string | undefined,
  configFile: string,
  sleep: (ms: number) => Promise<void>,
): Promise<Identity> {
  let out;
  try {
    out = await withThrottlingRetry(() => sts.send(new GetCallerIdentityCommand({})), { sleep });
  } catch (err) {
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
    throw new DrError({
      code: 'E_AWS_STS',
      kind: 'aws',
      message: `sts:GetCallerIdentity failed: ${name}: ${(err as Error).message}`,
      fix: 'Check network access to STS (or --endpoint-url).',
      cause: err,
    });
  }
  const identity = { account: out.Account ?? '', arn: out.Arn ?? '', user: userFromArn(out.Arn ?? '') };
  if (expectedAccountId && identity.account !== expectedAccountId) {
    throw usageError(
      'E_WRONG_ACCOUNT',
      `the credentials belong to account ${identity.account} (${identity.arn}), but ${configFile} expects ${expectedAccountId}`,
      `Use credentials for account ${expectedAccountId} (--profile / AWS_PROFILE), or fix expectedAccountId in ${configFile}.`,
      {
        file: configFile,
        field: 'expectedAccountId',
      },
    );
  }
  return identity;
}
