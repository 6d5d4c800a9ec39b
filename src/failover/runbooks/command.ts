// The failover and failback commands' bodies: build the dependencies, run the runbook, render the outcome.
// Tests call `runRunbookCommand` with doubles; the CLI calls it with real SDK clients.
import os from 'node:os';
import type { ClientFactory } from '../../aws/clients.js';
import type { CommandContext } from '../../cli/context.js';
import { loadProject } from '../../plan/project.js';
import type { Reporter } from '../../io/messages.js';
import { codePrefix } from '../../io/message-codes.js';
import { realClock, type Clock } from '../../clock.js';
import { operatorClients } from '../../operator/clients.js';
import { systemDnsResolver, type DnsResolver } from '../../operator/dns.js';
import { nodeHttpProbe, type HttpProbe } from '../../operator/http-probe.js';
import { commandSignal } from '../../session/interrupt.js';
import { PrecheckRefusal, reportRefusal } from '../../operator/prechecks.js';
import { loadTopology } from '../../operator/topology-cache.js';
import { withEnvironmentLock } from '../../session/environment-session.js';
import type { RunbookDeps, RunbookTimeouts } from './deps.js';
import { runFailback } from './failback.js';
import { runFailover } from './failover.js';
import { writeRunbookReport } from './report.js';
import { FileStateStore, type RunbookName, type RunbookState, type StateStore } from './state-store.js';

export interface RunbookCommandOptions {
  env?: string;
  yes?: boolean;
  force?: boolean;
  acceptUnchecked?: boolean;
  /** Remove another run's environment lock first (only when that run is dead). */
  forceUnlock?: boolean;
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
  host?: { hostname: string; pid: number };
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
  reporter.emit({
    code: `${codePrefix(state.runbook)}_COMPLETED`,
    level: 'result',
    text: `${state.runbook} ${state.runId} completed for ${state.environment}: ${state.steps.filter((s) => s.status === 'done').length} steps done, ${state.steps.filter((s) => s.status === 'skipped').length} skipped, ${(total / 1000).toFixed(1)} s of step time`,
    data: { runId: state.runId, totalStepMs: total },
  });
}

export async function runRunbookCommand(
  ctx: CommandContext,
  runbook: RunbookName,
  opts: RunbookCommandOptions,
  overrides: RunbookOverrides = {},
): Promise<number> {
  // The one parameter resolution: a value the templates refuse stops this command as it stops plan and deploy.
  const { config, file } = await loadProject(ctx.root, opts.env);
  const clients = overrides.clients ?? operatorClients(ctx);
  const clock = overrides.clock ?? realClock;
  const interrupt = commandSignal(ctx.signal, ctx.reporter, {
    code: `${codePrefix(runbook)}_SIGINT`,
    text: `Ctrl-C: stopping after the current wait; re-run drctl ${runbook} to resume (Ctrl-C again to quit at once)`,
  });
  try {
    return await withEnvironmentLock(
      {
        config,
        configFile: file,
        factory: clients,
        reporter: ctx.reporter,
        now: () => clock.now(),
        host: overrides.host ?? { hostname: os.hostname(), pid: process.pid },
      },
      runbook,
      Boolean(opts.forceUnlock),
      () => runLocked(ctx, runbook, opts, overrides, { config, clients, clock, signal: interrupt.signal }),
    );
  } catch (err) {
    if (!(err instanceof PrecheckRefusal)) throw err;
    // Refused: every check in the text output and in the JSON document, then the refusal's exit code (4).
    return reportRefusal(ctx.reporter, err, { runbook, environment: config.environment });
  } finally {
    interrupt.dispose();
  }
}

async function runLocked(
  ctx: CommandContext,
  runbook: RunbookName,
  opts: RunbookCommandOptions,
  overrides: RunbookOverrides,
  base: Pick<RunbookDeps, 'config' | 'clients' | 'clock' | 'signal'>,
): Promise<number> {
  const { config, clients } = base;
  const store = overrides.store ?? new FileStateStore(ctx.root, config.environment, runbook);
  // Failover may have to run while the primary region's APIs are down: it may fall back to the cached names.
  const topology = await loadTopology(ctx.root, config, clients, ctx.reporter, { allowCache: runbook === 'failover' });
  const deps: RunbookDeps = {
    ...base,
    root: ctx.root,
    topology,
    http: overrides.http ?? nodeHttpProbe({ tlsName: topology.global.domainName }),
    dns: overrides.dns ?? systemDnsResolver(),
    store,
    reporter: ctx.reporter,
  };
  const run = runbook === 'failover' ? runFailover : runFailback;
  try {
    const state = await run(deps, {
      yes: Boolean(opts.yes),
      force: Boolean(opts.force),
      acceptUnchecked: Boolean(opts.acceptUnchecked),
      ...(overrides.timeouts ? { timeouts: overrides.timeouts } : {}),
    });
    summarize(ctx.reporter, state);
    const result = runbookResult(state, store.location);
    const report = await writeRunbookReport(ctx.root, state, result);
    ctx.reporter.emit({
      code: `${codePrefix(runbook)}_REPORT`,
      level: 'info',
      text: `report: ${report.markdown}`,
      data: report,
    });
    ctx.reporter.result({ ...result, report });
    return 0;
  } catch (err) {
    // The error itself is reported by the caller; the partial timeline goes to the report, and under --json the
    // state so far is worth more than the bare error.
    const state = await store.load();
    if (state && state.status !== 'completed') {
      const result = runbookResult(state, store.location);
      const report = await writeRunbookReport(ctx.root, state, result).catch(() => undefined);
      if (report)
        ctx.reporter.emit({
          code: `${codePrefix(runbook)}_REPORT`,
          level: 'info',
          text: `report so far: ${report.markdown}`,
          data: report,
        });
      if (opts.json)
        ctx.reporter.emit({
          code: `${codePrefix(runbook)}_STATE`,
          level: 'debug',
          text: `state kept in ${store.location}`,
          data: { ...result, ...(report ? { report } : {}) },
        });
    }
    throw err;
  }
}
