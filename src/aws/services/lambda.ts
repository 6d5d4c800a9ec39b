// Lambda: the region's concurrency quota (GetAccountSettings) and a function's reserved concurrency, which deploy's
// pre-flight compares before a stack reserves any.
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import type { ServiceClients } from '../clients.js';
import { awsCallError, errorName } from '../errors.js';

type Lambda = ServiceClients<'lambda'>;

export interface AccountConcurrency {
  /** The region's concurrency quota (AccountLimit.ConcurrentExecutions). */
  limit: number;
  /** What functions without a reservation share (AccountLimit.UnreservedConcurrentExecutions). */
  unreserved: number;
}

export async function accountConcurrency(aws: Lambda): Promise<AccountConcurrency> {
  try {
    const out = await aws.lambda.send(new GetAccountSettingsCommand({}));
    return {
      limit: out.AccountLimit?.ConcurrentExecutions ?? 0,
      unreserved: out.AccountLimit?.UnreservedConcurrentExecutions ?? 0,
    };
  } catch (err) {
    throw awsCallError({ operation: 'lambda:GetAccountSettings', resource: 'account', region: aws.region }, err);
  }
}

/** The function's reserved concurrency: 0 when it has none or does not exist yet. */
export async function reservedConcurrency(aws: Lambda, functionName: string): Promise<number> {
  try {
    const out = await aws.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: functionName }));
    return out.ReservedConcurrentExecutions ?? 0;
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return 0;
    throw awsCallError({ operation: 'lambda:GetFunctionConcurrency', resource: functionName, region: aws.region }, err);
  }
}
