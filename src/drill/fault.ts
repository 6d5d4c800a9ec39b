// Fault injection and its undoing. health-flag: the primary's maintenance flag makes its real deep /health answer
// 503, so Route 53's checkers see a failing region end to end. inverted-check: Route 53 inverts the primary's
// health check, so only the DNS side is exercised while the primary stays up.
import type { ClientFactory } from '../aws/clients.js';
import { getParameter, putParameter } from '../aws/services/ssm.js';
import type { Topology } from '../operator/topology.js';
import { trafficEntry } from '../operator/traffic-entry.js';
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
  topology: Topology,
  clients: ClientFactory,
  now: () => number,
): Promise<InjectedFault> {
  if (mode === 'health-flag') {
    const { previous } = await putParameter(
      clients(topology.primary.region),
      topology.primary.maintenanceParameter,
      'on',
    );
    return {
      mode,
      previous: previous ?? 'off',
      description: `${topology.primary.maintenanceParameter}=on in ${topology.primary.region}`,
      injectedAt: now(),
    };
  }
  const { global } = topology;
  const previous = !(await trafficEntry(global, () => clients(global.region)).drainPrimary()).changed;
  return {
    mode,
    previous,
    description: `health check ${global.primaryHealthCheckId} Inverted=true`,
    injectedAt: now(),
  };
}

export async function restoreFault(fault: InjectedFault, topology: Topology, clients: ClientFactory): Promise<string> {
  if (fault.mode === 'health-flag') {
    const value = fault.previous === 'on' ? 'off' : String(fault.previous);
    await putParameter(clients(topology.primary.region), topology.primary.maintenanceParameter, value);
    return `${topology.primary.maintenanceParameter}=${value} in ${topology.primary.region}`;
  }
  const { global } = topology;
  await trafficEntry(global, () => clients(global.region)).restorePrimary();
  return `health check ${global.primaryHealthCheckId} Inverted=false`;
}

/** True when the primary's maintenance flag is on (a fault or a maintenance in progress). */
export async function maintenanceOn(topology: Topology, clients: ClientFactory): Promise<boolean> {
  return (await getParameter(clients(topology.primary.region), topology.primary.maintenanceParameter)) === 'on';
}
