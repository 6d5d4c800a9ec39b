// The drill command's body: build the dependencies, run the drill, write the report, map the outcome to an exit
// code (1 when an objective was missed). Tests call `runDrillCommand` with doubles.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientConfig, sdkClientFactory, type AwsOptions, type ClientFactory } from '../aws/clients.js';
import type { CommandContext } from '../cli/context.js';
import { loadProject } from '../plan/project.js';
import { usageError } from '../errors.js';
import { realClock, type Clock } from '../clock.js';
import { systemDnsResolver, type DnsResolver } from '../failover/runbooks/dns.js';
import { nodeHttpProbe, type HttpProbe } from '../failover/runbooks/http-probe.js';
import { loadTopology } from '../failover/runbooks/load-topology.js';
import type { Topology } from '../failover/runbooks/topology.js';
import { secretsManagerCredentials } from '../service/gateway/db-probe.js';
import { pgDbCanary, type DbCanary } from './db-canary.js';
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
  signal?: AbortSignal;
}

/** A PostgreSQL canary when the data stacks export endpoints and the master secret. */
function defaultDbCanary(t: Topology, aws: AwsOptions, now: () => number): DbCanary | undefined {
  const { primary: p, secondary: s } = t;
  if (!p.dbEndpoint || !s.dbEndpoint || !p.dbSecretArn) return undefined;
  return pgDbCanary({
    writer: { host: p.dbEndpoint, port: p.dbPort ?? 5432 },
    replica: { host: s.dbEndpoint, port: s.dbPort ?? 5432 },
    credentials: secretsManagerCredentials(p.dbSecretArn, new SecretsManagerClient(clientConfig(p.region, aws)), now),
  });
}

export async function runDrillCommand(
  ctx: CommandContext,
  opts: DrillCommandOptions,
  o: DrillOverrides = {},
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
  const { config } = await loadProject(ctx.root, opts.env);
  const aws: AwsOptions = {
    ...(ctx.options.profile ? { profile: ctx.options.profile } : {}),
    ...(ctx.options.endpointUrl ? { endpointUrl: ctx.options.endpointUrl } : {}),
  };
  const clients = o.clients ?? sdkClientFactory(aws);
  const clock = o.clock ?? realClock;
  const topology = await loadTopology(ctx.root, config, clients, ctx.reporter, { allowCache: false });
  const db =
    o.db === null || opts.dbCanary === 'off' ? undefined : (o.db ?? defaultDbCanary(topology, aws, () => clock.now()));
  // Ctrl-C must not leave a fault behind: the first one stops measuring and restores; a second one quits at once.
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    ctx.reporter.emit({
      code: 'DRILL_SIGINT',
      level: 'warn',
      text: 'Ctrl-C: undoing the fault before exiting (Ctrl-C again to quit at once)',
    });
    abort.abort();
  };
  if (!o.signal) process.on('SIGINT', onSigint);
  let report;
  try {
    report = await runDrill(
      {
        root: ctx.root,
        config,
        topology,
        clients,
        clock,
        http: o.http ?? nodeHttpProbe({ tlsName: topology.global.domainName }),
        dns: o.dns ?? systemDnsResolver(),
        reporter: ctx.reporter,
        ...(db ? { db } : {}),
      },
      {
        mode,
        yes: Boolean(opts.yes),
        timeoutMs: timeoutSeconds * 1000,
        signal: o.signal ?? abort.signal,
        ...(o.pollMs ? { pollMs: o.pollMs } : {}),
        ...(o.restoreTimeoutMs ? { restoreTimeoutMs: o.restoreTimeoutMs } : {}),
      },
    );
  } finally {
    process.off('SIGINT', onSigint);
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
