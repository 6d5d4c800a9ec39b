// The maintenance fence's bound: how long after the flag is switched on a gateway may still have a write in flight.
// A write is checked, right before it is sent, against a flag read that started at most the flag's max age earlier,
// so every write checked later than that after the switch is refused; a write let through just before is abandoned
// by the SDK at the request's deadline. The runbooks wait out this bound before they treat writes as stopped.
import { GATEWAY_DEFAULTS } from './config.js';

/** The compute template parameters that set the two gateway settings the bound is made of. */
export const FENCE_PARAMETERS = {
  maintenanceMaxAgeMs: 'MaintenanceFlagMaxAgeMs',
  requestDeadlineMs: 'GatewayRequestDeadlineMs',
} as const;

/**
 * Added to the bound for what the gateway's own timers do not cover: the event-loop turn between the check and the
 * send, and a request the SDK abandoned that is still in transit inside the region. Our assumption, not an AWS figure.
 */
export const FENCE_MARGIN_MS = 1000;

export interface WriteFence {
  /** maintenanceMaxAgeMs + requestDeadlineMs + FENCE_MARGIN_MS. */
  ms: number;
  maintenanceMaxAgeMs: number;
  requestDeadlineMs: number;
  marginMs: number;
  /** The formula with its values, for runbook output and the report. */
  formula: string;
}

export function writeFence(s: { maintenanceMaxAgeMs: number; requestDeadlineMs: number }): WriteFence {
  const ms = s.maintenanceMaxAgeMs + s.requestDeadlineMs + FENCE_MARGIN_MS;
  return {
    ms,
    maintenanceMaxAgeMs: s.maintenanceMaxAgeMs,
    requestDeadlineMs: s.requestDeadlineMs,
    marginMs: FENCE_MARGIN_MS,
    formula: `${FENCE_PARAMETERS.maintenanceMaxAgeMs} ${s.maintenanceMaxAgeMs} ms + ${FENCE_PARAMETERS.requestDeadlineMs} ${s.requestDeadlineMs} ms + margin ${FENCE_MARGIN_MS} ms`,
  };
}

/**
 * The bound from compute template parameter values (a config's parameter blocks, merged by the caller, or a stack's
 * parameters); a parameter that is absent or not a number takes the template's default.
 */
export function writeFenceFromParameters(params: Record<string, unknown>): WriteFence {
  const read = (name: string, fallback: number): number => {
    const v = params[name];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) && n >= 0 ? n : fallback;
  };
  return writeFence({
    maintenanceMaxAgeMs: read(FENCE_PARAMETERS.maintenanceMaxAgeMs, GATEWAY_DEFAULTS.maintenanceMaxAgeMs),
    requestDeadlineMs: read(FENCE_PARAMETERS.requestDeadlineMs, GATEWAY_DEFAULTS.requestDeadlineMs),
  });
}

/** Template parameter values as config/<env>.json holds them: `common`, overridden per region role. */
export interface ParameterBlocks {
  common?: Record<string, unknown>;
  primary?: Record<string, unknown>;
  secondary?: Record<string, unknown>;
}

/** The longest bound among the given regions' gateways (a runbook that fences both regions waits for the slower). */
export function writeFenceForRegions(
  parameters: ParameterBlocks,
  roles: readonly ('primary' | 'secondary')[],
): WriteFence {
  return roles
    .map((role) => writeFenceFromParameters({ ...parameters.common, ...parameters[role] }))
    .reduce((a, b) => (b.ms > a.ms ? b : a));
}
