// How traffic enters the regions, and the one place the runbooks and the drill move it. The global layer declares its
// entry (`TrafficEntry` parameter and output); today that is only Route 53 (decision 0012 says why Global Accelerator
// is not offered), whose failover records follow the primary's deep health check: taking the primary out means
// inverting that check, putting it back means restoring it. Callers wait for the effect the way they always have —
// by resolving the domain — because a health-check update has no change id to wait on.
import type { ServiceClients } from '../aws/clients.js';
import {
  healthCheckInverted,
  healthCheckObservedHealthy,
  setHealthCheckInverted,
  type HealthCheckObservation,
} from '../aws/services/route53.js';
import { DrError } from '../errors.js';

export const TRAFFIC_ENTRIES = ['route53'] as const;
export type TrafficEntryKind = (typeof TRAFFIC_ENTRIES)[number];

/**
 * The entry a global stack declares, from its outputs. A stack deployed before the output existed has Route 53 (the
 * only entry there has ever been); a value this drctl does not know is refused rather than guessed.
 */
export function trafficEntryOf(stack: {
  name: string;
  region: string;
  outputs: Record<string, string>;
}): TrafficEntryKind {
  const value = stack.outputs.TrafficEntry;
  if (value === undefined || value === '') return 'route53';
  if ((TRAFFIC_ENTRIES as readonly string[]).includes(value)) return value as TrafficEntryKind;
  throw new DrError({
    code: 'E_TRAFFIC_ENTRY_UNKNOWN',
    kind: 'conflict',
    message: `stack ${stack.name} in ${stack.region} declares TrafficEntry=${value}, which this drctl cannot shift`,
    fix: `Use a drctl that knows ${value}, or redeploy the global layer with TrafficEntry ${TRAFFIC_ENTRIES.join(' | ')}.`,
    field: 'Outputs.TrafficEntry',
  });
}

/** The global layer's parts a traffic entry needs. */
export interface TrafficEntryTopology {
  region: string;
  trafficEntry?: TrafficEntryKind;
  primaryHealthCheckId: string;
  secondaryHealthCheckId: string;
}

export interface TrafficEntry {
  kind: TrafficEntryKind;
  /** What the entry's own health checking sees of the primary (after any draining). */
  primaryObserved(): Promise<HealthCheckObservation>;
  /** Whether the primary is taken out of the entry by an operator or a drill (Route 53: its check is inverted). */
  primaryDrained(): Promise<boolean>;
  /** What the entry's health checking sees of the secondary. */
  secondaryObserved(): Promise<HealthCheckObservation>;
  /** Takes the primary out of the entry so traffic goes to the secondary; `changed` is false when it already was. */
  drainPrimary(): Promise<{ changed: boolean }>;
  /** Puts the primary back (the inverse of drainPrimary); `changed` is false when it was not drained. */
  restorePrimary(): Promise<{ changed: boolean }>;
}

/** The entry's operations against the global layer's region (Route 53's control plane lives there). */
export function trafficEntry(global: TrafficEntryTopology, route53: () => ServiceClients<'route53'>): TrafficEntry {
  // A topology cached before the entry was recorded has Route 53, the only entry there has ever been.
  const kind = global.trafficEntry ?? 'route53';
  switch (kind) {
    case 'route53':
      return {
        kind,
        primaryObserved: () => healthCheckObservedHealthy(route53(), global.primaryHealthCheckId),
        primaryDrained: () => healthCheckInverted(route53(), global.primaryHealthCheckId),
        secondaryObserved: () => healthCheckObservedHealthy(route53(), global.secondaryHealthCheckId),
        async drainPrimary() {
          const previous = await setHealthCheckInverted(route53(), global.primaryHealthCheckId, true);
          return { changed: !previous };
        },
        async restorePrimary() {
          const previous = await setHealthCheckInverted(route53(), global.primaryHealthCheckId, false);
          return { changed: previous };
        },
      };
  }
}
