// The drill command's body: build the dependencies, run the drill, write the report, map the outcome to an exit
// code (1 when an objective was missed). Tests call `runDrillCommand` with doubles.
import os from 'node:os';
import type { ClientFactory } from '../aws/clients.js';
import type { CommandContext } from '../cli/context.js';
import { loadProject } from '../plan/project.js';
import { usageError } from '../errors.js';
import { realClock, type Clock } from '../clock.js';
import { operatorClients } from '../operator/clients.js';
import { systemDnsResolver, type DnsResolver } from '../operator/dns.js';
import { nodeHttpProbe, type HttpProbe } from '../operator/http-probe.js';
import { commandSignal } from '../session/interrupt.js';
import { PrecheckRefusal, reportRefusal } from '../operator/prechecks.js';
import { loadTopology } from '../operator/topology-cache.js';
import type { Topology } from '../operator/topology.js';
import { withEnvironmentLock } from '../session/environment-session.js';
import { pgDbCanary, secretCredentials, type DbCanary } from './db-canary.js';
import type { DrillReport } from './report-types.js';
import { runDrill } from './drill.js';
import { writeDrillReport } from './report.js';
import { DRILL_MODES, type DrillMode } from './report-types.js';

export { DRILL_MODES };

export interface DrillCommandOptions {
  env?: string;
  mode?: string;
  yes?: boolean;
  json?: boolean;
  /** Seconds to wait for DNS, writes and canaries. */
  timeout?: string | number;
  dbCanary?: string;
  acceptUnchecked?: boolean;
  /** Remove another run's environment lock first (only when that run is dead). */
  forceUnlock?: boolean;
}

export interface DrillOverrides {
  clients?: ClientFactory;
  clock?: Clock;
  http?: HttpProbe;
  dns?: DnsResolver;
  /** The RDS canary; `null` forces the ReplicaLag fallback. */
  db?: DbCanary | null;
  pollMs?: number;
  restoreTimeoutMs?: number;
  host?: { hostname: string; pid: number };
}

/** A PostgreSQL canary when the data stacks export endpoints and the master secret. */
function defaultDbCanary(topology: Topology, clients: ClientFactory): DbCanary | undefined {
  const { primary, secondary } = topology;
  if (!primary.dbEndpoint || !secondary.dbEndpoint || !primary.dbSecretArn) return undefined;
  return pgDbCanary({
    writer: { host: primary.dbEndpoint, port: primary.dbPort ?? 5432 },
    replica: { host: secondary.dbEndpoint, port: secondary.dbPort ?? 5432 },
    credentials: secretCredentials(clients(primary.region), primary.dbSecretArn),
  });
}

export async function runDrillCommand(
  ctx: CommandContext,
  opts: DrillCommandOptions,
  overrides: DrillOverrides = {},
): Promise<number> {
  const mode = (opts.mode ?? 'health-flag') as DrillMode;
  if (!DRILL_MODES.includes(mode))
    throw usageError(
      'E_DRILL_MODE',
      `--mode "${opts.mode}" is not a drill mode`,
      `Use one of: ${DRILL_MODES.join(', ')}.`,
      { field: '--mode' },
    );
  const timeoutSeconds = opts.timeout === undefined ? 900 : Number(opts.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 30)
    throw usageError(
      'E_DRILL_TIMEOUT',
      `--timeout "${opts.timeout}" is not a number of seconds ≥ 30`,
      'Give the longest wait in seconds, e.g. --timeout 900.',
      { field: '--timeout' },
    );
  if (opts.dbCanary !== undefined && !['auto', 'off'].includes(opts.dbCanary))
    throw usageError(
      'E_DRILL_DB_CANARY',
      `--db-canary "${opts.dbCanary}" is not auto or off`,
      'Use --db-canary auto (default) or off.',
      { field: '--db-canary' },
    );
  // The one parameter resolution: a value the templates refuse stops this command as it stops plan and deploy.
  const { config, file } = await loadProject(ctx.root, opts.env);
  const clients = overrides.clients ?? operatorClients(ctx);
  const clock = overrides.clock ?? realClock;
  // Ctrl-C must not leave a fault behind: the first one stops measuring and restores; a second one quits at once.
  const interrupt = commandSignal(ctx.signal, ctx.reporter, {
    code: 'DRILL_SIGINT',
    text: 'Ctrl-C: undoing the fault before exiting (Ctrl-C again to quit at once)',
  });
  let report: DrillReport;
  try {
    report = await withEnvironmentLock(
      {
        config,
        configFile: file,
        factory: clients,
        reporter: ctx.reporter,
        now: () => clock.now(),
        host: overrides.host ?? { hostname: os.hostname(), pid: process.pid },
      },
      'drill',
      Boolean(opts.forceUnlock),
      async () => {
        const topology = await loadTopology(ctx.root, config, clients, ctx.reporter, { allowCache: false });
        const db =
          overrides.db === null || opts.dbCanary === 'off'
            ? undefined
            : (overrides.db ?? defaultDbCanary(topology, clients));
        return runDrill(
          {
            root: ctx.root,
            config,
            topology,
            clients,
            clock,
            http: overrides.http ?? nodeHttpProbe({ tlsName: topology.global.domainName }),
            dns: overrides.dns ?? systemDnsResolver(),
            reporter: ctx.reporter,
            signal: interrupt.signal,
            ...(db ? { db } : {}),
          },
          {
            mode,
            yes: Boolean(opts.yes),
            acceptUnchecked: Boolean(opts.acceptUnchecked),
            timeoutMs: timeoutSeconds * 1000,
            signal: interrupt.signal,
            ...(overrides.pollMs ? { pollMs: overrides.pollMs } : {}),
            ...(overrides.restoreTimeoutMs ? { restoreTimeoutMs: overrides.restoreTimeoutMs } : {}),
          },
        );
      },
    );
  } catch (err) {
    if (!(err instanceof PrecheckRefusal)) throw err;
    // Refused: every check in the text output and in the JSON document, then the refusal's exit code (4).
    return reportRefusal(ctx.reporter, err, { kind: 'drctl-drill', environment: config.environment, mode });
  } finally {
    interrupt.dispose();
  }
  const files = await writeDrillReport(ctx.root, report);
  const rto = report.rto.seconds === null ? 'not reached' : `${report.rto.seconds} s`;
  const rpo = report.rpo.stores
    .map((s) => `${s.store} ${s.seconds === null ? 'unknown' : `${s.seconds} s`}`)
    .join(', ');
  ctx.reporter.emit({
    code:
      report.outcome === 'passed'
        ? 'DRILL_PASSED'
        : report.outcome === 'interrupted'
          ? 'DRILL_INTERRUPTED'
          : 'DRILL_FAILED',
    level: 'result',
    text: `drill ${report.drillId} ${report.outcome}: RTO ${rto} (objective ${report.objectives.rtoSeconds} s); RPO ${rpo} (objective ${report.objectives.rpoSeconds} s)${report.missed.length ? `\n  missed: ${report.missed.join('; ')}` : ''}\n  report: ${files.markdown}`,
    data: { outcome: report.outcome, files },
  });
  ctx.reporter.result({ ...report, files });
  return report.outcome === 'passed' ? 0 : report.outcome === 'interrupted' ? 130 : 1;
}
