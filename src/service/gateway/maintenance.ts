// The region's maintenance flag (SSM Parameter Store, `on` | `off`) as the order path sees it. Operators and the
// runbooks set it to stop writes (drctl failover fences the primary; drctl failback stops writes in both regions
// before it switches the database), so POST /orders must refuse while it is `on` — not only /health.
//
// The fence has no gap: a write is checked against a read that *started* at most `maxAgeMs` before the check, so a
// write checked later than `maxAgeMs` after the flag was switched on sees it. Concurrent checks share one read, which
// keeps Parameter Store to about one read per `maxAgeMs` per instance (its throughput quota is per account and region).
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { GATEWAY_DEFAULTS } from './config.js';

export interface MaintenanceFlagOptions {
  /** Budget of one read (the SDK's abort signal); a read that fails or runs out keeps the last value. */
  readTimeoutMs?: number;
  /** Called when a read fails, with the value kept (undefined: none was ever read); once per run of failures. */
  onReadError?: (err: unknown, kept: boolean | undefined) => void;
}

interface Read {
  startedAt: number;
  on: boolean;
}

export class MaintenanceFlag {
  private last: Read | undefined;
  private inflight: { startedAt: number; promise: Promise<boolean> } | undefined;
  /** While reads fail: no new read before this time (the last value stands in). */
  private retryAt = 0;
  private failing = false;

  constructor(
    private readonly ssm: SSMClient,
    private readonly parameter: string,
    /** The longest time between the start of the read a check uses and the check itself. */
    readonly maxAgeMs: number = GATEWAY_DEFAULTS.maintenanceMaxAgeMs,
    private readonly now: () => number = Date.now,
    private readonly opts: MaintenanceFlagOptions = {},
  ) {}

  /**
   * True while writes must be refused. An unreadable flag keeps the last value read; one never read allows writes,
   * so a Parameter Store outage does not become a trading outage (the deep /health fails its maintenance check then,
   * which takes the region out of DNS).
   */
  async isOn(signal?: AbortSignal): Promise<boolean> {
    const t = this.now();
    const fresh = (startedAt: number) => t - startedAt < this.maxAgeMs;
    if (this.last && fresh(this.last.startedAt)) return this.last.on;
    if (this.failing && t < this.retryAt) return this.last?.on ?? false;
    if (!this.inflight || !fresh(this.inflight.startedAt)) {
      const startedAt = t;
      const promise = this.read(startedAt).finally(() => {
        if (this.inflight?.promise === promise) this.inflight = undefined;
      });
      this.inflight = { startedAt, promise };
    }
    return signal ? this.within(this.inflight.promise, signal) : this.inflight.promise;
  }

  /** The shared read's answer, or — when the caller's deadline comes first — the last value, as for a failed read. */
  private within(read: Promise<boolean>, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(this.last?.on ?? false);
    return new Promise((resolve) => {
      const onAbort = () => resolve(this.last?.on ?? false);
      signal.addEventListener('abort', onAbort, { once: true });
      void read.then((on) => {
        signal.removeEventListener('abort', onAbort);
        resolve(on);
      });
    });
  }

  private async read(startedAt: number): Promise<boolean> {
    try {
      const out = await this.ssm.send(new GetParameterCommand({ Name: this.parameter }), {
        abortSignal: AbortSignal.timeout(this.opts.readTimeoutMs ?? GATEWAY_DEFAULTS.requestDeadlineMs),
      });
      const on = out.Parameter?.Value === 'on';
      // A slower, older read never replaces a newer one.
      if (!this.last || startedAt >= this.last.startedAt) this.last = { startedAt, on };
      this.failing = false;
      return on;
    } catch (err) {
      if (!this.failing) this.opts.onReadError?.(err, this.last?.on);
      this.failing = true;
      this.retryAt = this.now() + Math.min(this.maxAgeMs, 1000);
      return this.last?.on ?? false;
    }
  }
}
