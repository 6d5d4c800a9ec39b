// Lambda entry of the failover controller (the failover layer's ControllerCodeKey artifact). It builds clients
// for its own region only (AWS_REGION): deciding must never depend on the region it may have to replace.
import { controllerClients, type ControllerClients } from '../../aws/lambda-clients.js';
import { systemDnsResolver } from '../../operator/dns.js';
import { readSettings } from './config.js';
import { realNetwork, type Network } from './observe.js';
import { runOnce, type RunResult } from './run.js';
import { dynamoStateStore } from './state-store.js';

export interface HandlerDeps {
  env: Record<string, string | undefined>;
  /** Builds the clients for one region; the handler asks for its own region only. */
  clientsFor: (region: string) => ControllerClients;
  network?: Network;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

/** The real clients (src/aws's controller factory), for the handler's own region. */
export const sdkClientsFor = controllerClients;

/** Scheduled ticks carry the rule's constant input; EventBridge's own scheduled-event shape counts too. */
export function isScheduledTick(event: unknown): boolean {
  if (event === undefined || event === null) return true;
  const e = event as { trigger?: unknown; source?: unknown; 'detail-type'?: unknown };
  return e.trigger === 'schedule' || (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event');
}

export function createHandler(
  deps: HandlerDeps,
): (event?: unknown, context?: { getRemainingTimeInMillis?: () => number }) => Promise<RunResult> {
  return async (event, context) => {
    const region = deps.env.AWS_REGION;
    if (!region) throw new Error('AWS_REGION is not set (the Lambda runtime always sets it)');
    const settings = readSettings(deps.env);
    // Leave 15 s of the invocation for recording state after waiting on a promotion.
    const remaining = context?.getRemainingTimeInMillis?.();
    if (remaining !== undefined)
      settings.waitBudgetMs = Math.max(0, Math.min(settings.waitBudgetMs, remaining - 15_000));
    // Anything but the schedule is an operator's request, honoured only where the Region switch plan is enabled.
    const requested = !isScheduledTick(event);
    if (requested && !settings.executeOnInvoke)
      throw new Error(
        'this controller runs on its schedule only; enable the Region switch plan (EXECUTE_ON_INVOKE) to request promotion by invocation',
      );
    const clients = deps.clientsFor(region);
    const result = await runOnce({
      settings,
      clients,
      store: dynamoStateStore(clients, settings.stateTable),
      network: deps.network ?? realNetwork(systemDnsResolver(settings.probeTimeoutMs)),
      now: deps.now ?? Date.now,
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      log: deps.log ?? ((line) => console.log(line)),
      requested,
    });
    // A failed step is an error for Lambda too, so the Errors alarm fires and the DLQ keeps the event.
    if (result.error) throw new Error(`failover step failed: ${result.error}`);
    // The Region switch plan retries a failed step every RetryIntervalMinutes: fail until the promotion is done,
    // so the plan's step completes only when this region really holds the writer.
    if (requested && result.promotion !== 'completed')
      throw new Error(`promotion in progress (${result.code}): ${result.reason}`);
    return result;
  };
}

export const handler = createHandler({ env: process.env, clientsFor: sdkClientsFor });
