// Lambda double: the account's concurrency per region (quota, reservations) as GetAccountSettings reports it, and
// each function's reserved concurrency. Unreserved = quota − every reservation, as Lambda computes it.
import { ResourceNotFoundException, type LambdaClient } from '@aws-sdk/client-lambda';
import { CallLog } from './call-log.js';
import { FailureInjector, fakeClient, sdkError, unsupported } from './fake-client.js';

export class LambdaDouble {
  readonly log: CallLog;
  readonly failures = new FailureInjector();
  /** region → concurrency quota (default 1000, Lambda's default). */
  private readonly quotas = new Map<string, number>();
  /** region → function name → reserved concurrency. */
  private readonly reserved = new Map<string, Map<string, number>>();
  private readonly now: () => number;

  constructor(opts: { now: () => number; log?: CallLog }) {
    this.now = opts.now;
    this.log = opts.log ?? new CallLog();
  }

  /** Sets the region's concurrency quota (new accounts may have as little as 10). */
  setQuota(region: string, limit: number): void {
    this.quotas.set(region, limit);
  }

  /** A function that exists with a reservation (another workload, or ours from an earlier deploy). */
  reserve(region: string, functionName: string, concurrency: number): void {
    let m = this.reserved.get(region);
    if (!m) this.reserved.set(region, (m = new Map()));
    m.set(functionName, concurrency);
  }

  client(region: string): LambdaClient {
    return fakeClient<LambdaClient>('lambda', region, this.log, this.now, this.failures, (op, input) =>
      this.handle(op, input, region),
    );
  }

  private handle(op: string, input: Record<string, unknown>, region: string): unknown {
    const reservations = this.reserved.get(region) ?? new Map<string, number>();
    switch (op) {
      case 'GetAccountSettings': {
        const limit = this.quotas.get(region) ?? 1000;
        const used = [...reservations.values()].reduce((a, b) => a + b, 0);
        return {
          AccountLimit: {
            ConcurrentExecutions: limit,
            UnreservedConcurrentExecutions: limit - used,
            TotalCodeSize: 80_530_636_800,
            CodeSizeUnzipped: 262_144_000,
            CodeSizeZipped: 52_428_800,
          },
          AccountUsage: { FunctionCount: reservations.size, TotalCodeSize: 0 },
        };
      }
      case 'GetFunctionConcurrency': {
        const name = String(input.FunctionName);
        if (!reservations.has(name))
          throw sdkError(ResourceNotFoundException, `Function not found: arn:aws:lambda:${region}:function:${name}`);
        return { ReservedConcurrentExecutions: reservations.get(name) };
      }
      default:
        throw unsupported('lambda', op);
    }
  }
}
