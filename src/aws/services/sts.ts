// STS: who the caller is.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { ServiceClients } from '../clients.js';

export interface CallerIdentity {
  account: string;
  arn: string;
}

/** Raw identity; the caller maps failures (credential errors deserve their own message and fix). */
export async function getCallerIdentity(aws: ServiceClients<'sts'>): Promise<CallerIdentity> {
  const out = await aws.sts.send(new GetCallerIdentityCommand({}));
  return { account: out.Account ?? '', arn: out.Arn ?? '' };
}
