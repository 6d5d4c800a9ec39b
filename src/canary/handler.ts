// The CloudWatch Synthetics entry point (handler `index.handler`): one order check against TARGET_URL. Synthetics
// counts a run as failed when the handler throws, which is what the SuccessPercent alarm and the controller's canary
// signal read. Configuration comes from the canary's RunConfig environment (templates/canaries.json).
import { runOrderCheck, type OrderCheckResult } from './order-check.js';

export interface CanarySettings {
  targetUrl: string;
  label: string;
  latencyBudgetMs: number;
  tag: string;
}

export class CanaryConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'CanaryConfigError';
  }
}

export function readCanarySettings(env: Record<string, string | undefined>): CanarySettings {
  const targetUrl = env.TARGET_URL ?? '';
  if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?\/?$/.test(targetUrl))
    throw new CanaryConfigError('TARGET_URL', `"${targetUrl}" is not http(s)://host[:port]`);
  const budget = Number(env.LATENCY_BUDGET_MS ?? '2000');
  if (!Number.isInteger(budget) || budget < 100)
    throw new CanaryConfigError(
      'LATENCY_BUDGET_MS',
      `"${env.LATENCY_BUDGET_MS}" is not a whole number of at least 100`,
    );
  const label = env.TARGET_LABEL || 'regional';
  const tag = `${env.REGION_ROLE || 'region'}-${label}`.replace(/[^A-Za-z0-9.:_-]/g, '-');
  return { targetUrl, label, latencyBudgetMs: budget, tag };
}

export class CanaryRunFailed extends Error {
  constructor(readonly result: OrderCheckResult) {
    const failed = result.steps.find((s) => !s.ok);
    super(
      `order canary failed against ${result.target}: ${failed?.name ?? 'unknown step'} ${failed?.reason ?? ''}${failed?.detail ? ` (${failed.detail})` : ''}`,
    );
    this.name = 'CanaryRunFailed';
  }
}

/** Runs the check and logs one JSON line; throws CanaryRunFailed so Synthetics records the run as failed. */
export async function runCanary(
  env: Record<string, string | undefined>,
  deps: { fetch?: typeof fetch; log?: (line: string) => void; now?: () => number } = {},
): Promise<OrderCheckResult> {
  const settings = readCanarySettings(env);
  const result = await runOrderCheck({
    baseUrl: settings.targetUrl,
    latencyBudgetMs: settings.latencyBudgetMs,
    tag: settings.tag,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  (deps.log ?? console.log)(
    JSON.stringify({ code: result.ok ? 'CANARY_RUN_OK' : 'CANARY_RUN_FAILED', label: settings.label, ...result }),
  );
  if (!result.ok) throw new CanaryRunFailed(result);
  return result;
}

export const handler = async (): Promise<OrderCheckResult> => runCanary(process.env);
