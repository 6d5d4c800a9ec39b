// The deep health check: this region's DynamoDB replica (conditional write + consistent read of a health item),
// the database (reachable? writer or replica?), the region role and the maintenance flag. Each check has its
// own timeout; results are cached briefly and concurrent requests share one run.
import os from 'node:os';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { DbProbe, DbProbeResult } from './db-probe.js';

export type CheckStatus = 'ok' | 'fail';

export interface CheckResult {
  name: 'dynamodb' | 'database' | 'region' | 'maintenance';
  status: CheckStatus;
  latencyMs: number;
  detail: Record<string, unknown>;
}

export interface HealthReport {
  status: 'ok' | 'fail';
  region: string;
  role: string;
  checkedAt: string;
  cached: boolean;
  checks: CheckResult[];
}

export interface HealthDeps {
  region: string;
  role: 'primary' | 'secondary';
  ordersTable: string;
  maintenanceParameter: string;
  dynamodb: DynamoDBClient;
  ssm: SSMClient;
  db: DbProbe;
  timeoutMs: number;
  cacheMs: number;
  now?: () => number;
  /** Identifies this instance's health item (one item per instance, overwritten each check). */
  instanceId?: string;
}

/** Health items live in the orders table under a key no order id can take, and expire by TTL. */
const HEALTH_TTL_SECONDS = 3600;

export class TimeoutError extends Error {
  constructor(label: string, ms: number) {
    super(`${label} timed out after ${ms}ms`);
    this.name = 'TimeoutError';
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(label, ms)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function timed(
  name: CheckResult['name'],
  ms: number,
  body: () => Promise<{ status: CheckStatus; detail: Record<string, unknown> }>,
): Promise<CheckResult> {
  const start = performance.now();
  try {
    const r = await withTimeout(body(), ms, name);
    return { name, ...r, latencyMs: Math.round(performance.now() - start) };
  } catch (err) {
    return {
      name,
      status: 'fail',
      latencyMs: Math.round(performance.now() - start),
      detail: { error: `${(err as Error).name}: ${(err as Error).message}` },
    };
  }
}

export class HealthChecker {
  private readonly doc: DynamoDBDocumentClient;
  private readonly now: () => number;
  private readonly instanceId: string;
  private cache: { at: number; report: HealthReport } | undefined;
  private inflight: Promise<HealthReport> | undefined;
  private seq = 0;

  constructor(private readonly deps: HealthDeps) {
    this.doc = DynamoDBDocumentClient.from(deps.dynamodb);
    this.now = deps.now ?? Date.now;
    this.instanceId = deps.instanceId ?? `${os.hostname()}-${process.pid}`;
  }

  async check(): Promise<HealthReport> {
    const hit = this.cache;
    if (hit && this.now() - hit.at < this.deps.cacheMs) return { ...hit.report, cached: true };
    this.inflight ??= this.run().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async run(): Promise<HealthReport> {
    const { timeoutMs } = this.deps;
    // One database probe serves the database check and the region check.
    const probe = this.deps.db.probe();
    probe.catch(() => undefined);
    const checks = await Promise.all([
      timed('dynamodb', timeoutMs, () => this.checkDynamo()),
      timed('database', timeoutMs, () => this.checkDatabase(probe)),
      timed('region', timeoutMs, () => this.checkRegion(probe)),
      timed('maintenance', timeoutMs, () => this.checkMaintenance()),
    ]);
    const at = this.now();
    const report: HealthReport = {
      status: checks.every((c) => c.status === 'ok') ? 'ok' : 'fail',
      region: this.deps.region,
      role: this.deps.role,
      checkedAt: new Date(at).toISOString(),
      cached: false,
      checks,
    };
    this.cache = { at, report };
    return report;
  }

  /** Proves this region's replica takes writes and serves them back: conditional put, then a consistent get. */
  private async checkDynamo(): Promise<{ status: CheckStatus; detail: Record<string, unknown> }> {
    // The SDK's own cancellation ends the calls at the check's timeout, instead of leaving them running behind it.
    const signal = AbortSignal.timeout(this.deps.timeoutMs);
    const key = `health#${this.deps.region}#${this.instanceId}`;
    const token = `${this.now()}-${++this.seq}`;
    const at = this.now();
    await this.doc.send(
      new PutCommand({
        TableName: this.deps.ordersTable,
        Item: {
          orderId: key,
          healthItem: true,
          token,
          checkedAt: at,
          expiresAt: Math.floor(at / 1000) + HEALTH_TTL_SECONDS,
        },
        // Exercises the conditional-write path the orders use, and can only ever replace a health item, never an order.
        ConditionExpression: 'attribute_not_exists(orderId) OR healthItem = :yes',
        ExpressionAttributeValues: { ':yes': true },
      }),
      { abortSignal: signal },
    );
    const read = await this.doc.send(
      new GetCommand({ TableName: this.deps.ordersTable, Key: { orderId: key }, ConsistentRead: true }),
      { abortSignal: signal },
    );
    const ok = read.Item?.token === token;
    return {
      status: ok ? 'ok' : 'fail',
      detail: ok
        ? { table: this.deps.ordersTable }
        : { table: this.deps.ordersTable, error: 'health item read back differs from what was written' },
    };
  }

  private async checkDatabase(
    probe: Promise<DbProbeResult>,
  ): Promise<{ status: CheckStatus; detail: Record<string, unknown> }> {
    const r = await probe;
    // A replica is healthy for this check: the secondary serves reads until it is promoted.
    return { status: 'ok', detail: { role: r.inRecovery ? 'replica' : 'writer', endpoint: r.endpoint } };
  }

  /**
   * The region's role against its database's: the primary is only a region to send traffic to while its database is
   * the writer. A primary whose database is a replica (a failback rebuilding it from the other region) fails, so Route
   * 53 keeps traffic where the writer is. A database that cannot be probed is the database check's failure, not this one's.
   */
  private async checkRegion(
    probe: Promise<DbProbeResult>,
  ): Promise<{ status: CheckStatus; detail: Record<string, unknown> }> {
    const base = { region: this.deps.region, role: this.deps.role };
    // Within this check's own timeout: a hanging database is reported by the database check.
    const r = await withTimeout(probe, Math.max(0, this.deps.timeoutMs - 50), 'database').catch(() => undefined);
    if (!r) return { status: 'ok', detail: { ...base, databaseRole: 'unknown' } };
    const databaseRole = r.inRecovery ? 'replica' : 'writer';
    if (this.deps.role === 'primary' && r.inRecovery)
      return {
        status: 'fail',
        detail: {
          ...base,
          databaseRole,
          error: "the primary region's database is a replica: the writer is in the other region",
        },
      };
    return { status: 'ok', detail: { ...base, databaseRole } };
  }

  private async checkMaintenance(): Promise<{ status: CheckStatus; detail: Record<string, unknown> }> {
    const out = await this.deps.ssm.send(new GetParameterCommand({ Name: this.deps.maintenanceParameter }), {
      abortSignal: AbortSignal.timeout(this.deps.timeoutMs),
    });
    const flag = out.Parameter?.Value ?? 'off';
    return { status: flag === 'on' ? 'fail' : 'ok', detail: { flag, parameter: this.deps.maintenanceParameter } };
  }
}
