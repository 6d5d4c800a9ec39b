// What a drill needs from the outside world, injected so tests drive it end to end against doubles.
import type { ClientFactory } from '../aws/clients.js';
import type { EnvironmentConfig } from '../config/config-types.js';
import type { Reporter } from '../io/messages.js';
import type { Clock } from '../failover/runbooks/clock.js';
import type { DnsResolver } from '../failover/runbooks/dns.js';
import type { HttpProbe } from '../failover/runbooks/http-probe.js';
import type { Topology } from '../failover/runbooks/topology.js';
import type { DbCanary } from './db-canary.js';
import type { DrillMode } from './report-types.js';

export interface DrillDeps {
  root: string;
  config: EnvironmentConfig;
  topology: Topology;
  clients: ClientFactory;
  clock: Clock;
  http: HttpProbe;
  dns: DnsResolver;
  reporter: Reporter;
  /** The RDS canary writer; without one the RDS figure is the ReplicaLag at fault injection. */
  db?: DbCanary;
}

export interface DrillOptions {
  mode: DrillMode;
  yes: boolean;
  /** Longest wait for DNS, writes and canaries after the fault (default 15 min). */
  timeoutMs?: number;
  /** Longest wait for DNS to return to the primary after the restore (default 10 min). */
  restoreTimeoutMs?: number;
  pollMs?: number;
  /** Aborted by Ctrl-C: stop measuring, undo the fault, report. */
  signal?: AbortSignal;
}
