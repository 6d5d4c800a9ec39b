// What every operator command (failover, failback, drill) acts through: the deployed names, AWS, time, HTTP and
// DNS, injected so tests drive them end to end against doubles.
import type { ClientFactory } from '../aws/clients.js';
import type { Clock } from '../clock.js';
import type { EnvironmentConfig } from '../config/config-types.js';
import type { Reporter } from '../io/messages.js';
import type { DnsResolver } from './dns.js';
import type { HttpProbe } from './http-probe.js';
import type { Topology } from './topology.js';

export interface OperatorDeps {
  /** Project root: where .drctl/<env>/ state lives. */
  root: string;
  config: EnvironmentConfig;
  topology: Topology;
  clients: ClientFactory;
  clock: Clock;
  http: HttpProbe;
  dns: DnsResolver;
  reporter: Reporter;
  /** Ctrl-C: stop waiting, leave things in a state the next run can continue from. */
  signal?: AbortSignal;
}

/** The RPO guard: the failover layer's RpoGuardSeconds when deployed, else the environment's RPO objective. */
export function rpoGuardSeconds(deps: Pick<OperatorDeps, 'config' | 'topology'>): number {
  return deps.topology.secondary.rpoGuardSeconds ?? deps.config.objectives.rpoSeconds;
}
