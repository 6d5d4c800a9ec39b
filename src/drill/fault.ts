// Fault injection and its undoing. health-flag: the primary's maintenance flag makes its real deep /health answer
// 503, so Route 53's checkers see a failing region end to end. inverted-check: Route 53 inverts the primary's
// health check, so only the DNS side is exercised while the primary stays up.
import type { ClientFactory } from '../aws/clients.js';
import { getParameter, putParameter, setHealthCheckInverted } from '../failover/runbooks/aws-ops.js';
import type { Topology } from '../failover/runbooks/topology.js';
import type { DrillMode } from './report-types.js';

export interface InjectedFault {
  mode: DrillMode;
  /** What restoring sets back. */
  previous: string | boolean;
  description: string;
  /** When the fault took effect (ms). */
  injectedAt: number;
}

export async function injectFault(
  mode: DrillMode,
  t: Topology,
  clients: ClientFactory,
  now: () => number,
): Promise<InjectedFault> {
  if (mode === 'health-flag') {
    const previous = (await putParameter(clients(t.primary.region).ssm, t.primary.maintenanceParameter, 'on')) ?? 'off';
    return {
      mode,
      previous,
      description: `${t.primary.maintenanceParameter}=on in ${t.primary.region}`,
      injectedAt: now(),
    };
  }
  const previous = await setHealthCheckInverted(clients(t.global.region).route53, t.global.primaryHealthCheckId, true);
  return {
    mode,
    previous,
    description: `health check ${t.global.primaryHealthCheckId} Inverted=true`,
    injectedAt: now(),
  };
}

export async function restoreFault(f: InjectedFault, t: Topology, clients: ClientFactory): Promise<string> {
  if (f.mode === 'health-flag') {
    const value = f.previous === 'on' ? 'off' : String(f.previous);
    await putParameter(clients(t.primary.region).ssm, t.primary.maintenanceParameter, value);
    return `${t.primary.maintenanceParameter}=${value} in ${t.primary.region}`;
  }
  await setHealthCheckInverted(clients(t.global.region).route53, t.global.primaryHealthCheckId, false);
  return `health check ${t.global.primaryHealthCheckId} Inverted=false`;
}

/** True when the primary's maintenance flag is on (a fault or a maintenance in progress). */
export async function maintenanceOn(t: Topology, clients: ClientFactory): Promise<boolean> {
  return (await getParameter(clients(t.primary.region).ssm, t.primary.maintenanceParameter)) === 'on';
}
