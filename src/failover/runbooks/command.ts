// The failover and failback commands' bodies: build the dependencies, run the runbook, render the outcome.
// Tests call `runRunbookCommand` with doubles; the CLI calls it with real SDK clients.
import { sdkClientFactory, type ClientFactory } from '../../aws/clients.js';
import type { CommandContext } from '../../cli/context.js';
import { loadProject } from '../../plan/project.js';
import type { Reporter } from '../../io/messages.js';
import { realClock, type Clock } from '../../clock.js';
import type { RunbookDeps, RunbookTimeouts } from './deps.js';
import { systemDnsResolver, type DnsResolver } from './dns.js';
import { runFailback } from './failback.js';
import { runFailover } from './failover.js';
import { nodeHttpProbe, type HttpProbe } from './http-probe.js';
import { loadTopology } from './load-topology.js';
import { writeRunbookReport } from './report.js';
import { FileStateStore, type RunbookName, type RunbookState, type StateStore } from './state-store.js';

export interface RunbookCommandOptions {
  env?: string;
  yes?: boolean;
  force?: boolean;
  json?: boolean;
}

/** Replaceable parts; anything not given is the real thing. */
export interface RunbookOverrides {
  clients?: ClientFactory;
  clock?: Clock;
  http?: HttpProbe;
  dns?: DnsResolver;
  store?: StateStore;
  timeouts?: Partial<RunbookTimeouts>;
}

export function runbookResult(state: RunbookState, stateFile: string): Record<string, unknown> {
  return {
    runbook: state.runbook,
    environment: state.environment,
    runId: state.runId,
    status: state.status,
    stateFile,
    startedAt: state.startedAt,
    finishedAt: state.updatedAt,
    steps: state.steps.map((s) => ({
      id: s.id,
      title: s.title,
      status: s.status,
      attempts: s.attempts,
      startedAt: s.startedAt ?? null,
      durationMs: s.durationMs ?? null,
      detail: s.detail ?? {},
    })),
    facts: state.facts,
  };
}

function summarize(reporter: Reporter, state: RunbookState): void {
  const total = state.steps.reduce((ms, s) => ms + (s.durationMs ?? 0), 0);
  const P = state.runbook.toUpperCase();
  reporter.emit({
    code: `${P}_COMPLETED`,
    level: 'result',
    text: `${state.runbook} ${state.runId} completed for ${state.environment}: ${state.steps.filter((s) => s.status === 'done').length} steps done, ${state.steps.filter((s) => s.status === 'skipped').length} skipped, ${(total / 1000).toFixed(1)} s of step time`,
    data: { runId: state.runId, totalStepMs: total },
  });
}

export async function runRunbookCommand(
  ctx: CommandContext,
  runbook: RunbookName,
  opts: RunbookCommandOptions,
  o: RunbookOverrides = {},
): Promise<number> {
  // The one parameter resolution: a value the templates refuse stops this command as it stops plan and deploy.
  const { config } = await loadProject(ctx.root, opts.env);
  const clients =
    o.clients ??
    sdkClientFactory({
      ...(ctx.options.profile ? { profile: ctx.options.profile } : {}),
      ...(ctx.options.endpointUrl ? { endpointUrl: ctx.options.endpointUrl } : {}),
    });
  const store = o.store ?? new FileStateStore(ctx.root, config.environment, runbook);
  // Failover may have to run while the primary region's APIs are down: it may fall back to the cached names.
  const topology = await loadTopology(ctx.root, config, clients, ctx.reporter, { allowCache: runbook === 'failover' });
  const deps: RunbookDeps = {
    root: ctx.root,
    config,
    topology,
    clients,
    clock: o.clock ?? realClock,
    http: o.http ?? nodeHttpProbe({ tlsName: topology.global.domainName }),
    dns: o.dns ?? systemDnsResolver(),
    store,
    reporter: ctx.reporter,
  };
  const run = runbook === 'failover' ? runFailover : runFailback;
  try {
    const state = await run(deps, {
      yes: Boolean(opts.yes),
      force: Boolean(opts.force),
      ...(o.timeouts ? { timeouts: o.timeouts } : {}),
    });
    summarize(ctx.reporter, state);
    const result = runbookResult(state, store.location);
    const report = await writeRunbookReport(ctx.root, state, result);
    ctx.reporter.emit({
      code: `${runbook.toUpperCase()}_REPORT`,
      level: 'info',
      text: `report: ${report.markdown}`,
      data: report,
    });
    ctx.reporter.result({ ...result, report });
    return 0;
  } catch (err) {
    // The error itself is reported by runAction; the partial timeline goes to the report, and under --json the
    // state so far is worth more than the bare error.
    const state = await store.load();
    if (state && state.status !== 'completed') {
      const result = runbookResult(state, store.location);
      const report = await writeRunbookReport(ctx.root, state, result).catch(() => undefined);
      if (report)
        ctx.reporter.emit({
          code: `${runbook.toUpperCase()}_REPORT`,
          level: 'info',
          text: `report so far: ${report.markdown}`,
          data: report,
        });
      if (opts.json)
        ctx.reporter.emit({
          code: `${runbook.toUpperCase()}_STATE`,
          level: 'debug',
          text: `state kept in ${store.location}`,
          data: { ...result, ...(report ? { report } : {}) },
        });
    }
    throw err;
  }
}
