// In-memory STS: who the caller is, or the SDK's error when no credentials can be found.
import { awsError } from './aws-error.js';

export interface StsIdentity {
  account: string;
  arn: string;
  userId: string;
}

export class StsDouble {
  /** `undefined` simulates a machine with no credentials at all. */
  identity: StsIdentity | undefined;
  /** Simulates credentials that exist but are rejected (expired session, revoked key). */
  rejectWith: 'ExpiredToken' | 'InvalidClientTokenId' | undefined;
  calls = 0;

  constructor(account = '111111111111', user = 'alice') {
    this.identity = {
      account,
      arn: `arn:aws:sts::${account}:assumed-role/Deployer/${user}`,
      userId: `AROAEXAMPLE:${user}`,
    };
  }

  async handle(op: string): Promise<unknown> {
    this.calls++;
    if (op !== 'GetCallerIdentity') throw new Error(`STS double: ${op} is not supported by this double`);
    if (!this.identity) {
      // What the default credential chain throws before any request is sent.
      const err = new Error('Could not load credentials from any providers');
      err.name = 'CredentialsProviderError';
      throw err;
    }
    if (this.rejectWith === 'ExpiredToken')
      throw awsError('ExpiredToken', 'The security token included in the request is expired', 400);
    if (this.rejectWith === 'InvalidClientTokenId')
      throw awsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    return { Account: this.identity.account, Arn: this.identity.arn, UserId: this.identity.userId };
  }
}
