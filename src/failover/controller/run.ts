// One controller tick: load state, observe, decide, record the decision with a conditional write, then act.
// Only the invocation whose write wins acts, so a promotion starts at most once; steps are idempotent and
// resumed by later ticks until every one is done.
import type { ControllerClients } from '../../aws/lambda-clients.js';
import { putParameter } from '../../aws/services/ssm.js';
import { DrError } from '../../errors.js';
import {
  auditLine,
  isPromoted,
  notify,
  promoteDatabase,
  raiseCapacity,
  requireDatabase,
  setWriterEndpoint,
  type PromotionStepOutcome,
  PROMOTION_STEPS,
  type StepName,
} from '../steps.js';
import type { ControllerSettings } from './config.js';
import { decide, decideRequested } from './decide.js';
import type { ControllerState, Decision } from './model.js';
import { observe, type Network, type ObservationDetail } from './observe.js';
import type { StateStore } from './state-store.js';

export type { ControllerClients } from '../../aws/lambda-clients.js';

export interface RunDeps {
  settings: ControllerSettings;
  clients: ControllerClients;
  store: StateStore;
  network: Network;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Receives each structured log line (Lambda: console.log → CloudWatch Logs). */
  log: (line: string) => void;
  /** An operator asked for promotion (not a scheduled tick): skip the signal checks, keep the once-only guarantee. */
  requested?: boolean;
}

export interface RunResult {
  code: string;
  reason: string;
  action: Decision['action']['kind'];
  /** False when another invocation recorded its decision first; this one then did nothing. */
  recorded: boolean;
  steps: PromotionStepOutcome[];
  promotion: ControllerState['promotion']['status'];
  error?: string;
}

type AuditBase = { region: string; role: string; code: string; reason: string; action: string };

const STEP_NEEDS_WRITER: ReadonlySet<StepName> = new Set(['update-writer-endpoint', 'notify']);

export async function runOnce(deps: RunDeps): Promise<RunResult> {
  const { settings, clients, store } = deps;
  const region = clients.region;
  const prev = await store.load();
  const { observation, detail } = await observe({ settings, clients, network: deps.network, now: deps.now });
  const decision = deps.requested
    ? decideRequested(observation.at, prev)
    : decide(observation, prev, settings.decision);
  const base: AuditBase = {
    region,
    role: settings.decision.role,
    code: decision.code,
    reason: decision.reason,
    action: decision.action.kind,
  };
  deps.log(
    auditLine({
      at: observation.at,
      event: 'decision',
      ...base,
      observation: { ...observation, replicaLag: observation.replicaLag.slice(-3) },
      probes: summarize(detail),
    }),
  );

  if (
    !(await store.save(decision.state, prev.version, {
      code: decision.code,
      reason: decision.reason,
      at: observation.at,
    }))
  ) {
    deps.log(auditLine({ at: deps.now(), event: 'lost-race', ...base }));
    return { ...resultOf(decision, false), promotion: prev.promotion.status };
  }
  const audit = (event: string, extra: Record<string, unknown> = {}) =>
    store.audit({ at: deps.now(), event, ...base, ...extra });

  // What the on-call receives: the decision, its reason and what was observed.
  const notifyDecision = () =>
    notify(clients, settings.alertTopicArn, `[failover ${settings.environmentSuffix} ${region}] ${decision.code}`, {
      region,
      role: settings.decision.role,
      code: decision.code,
      reason: decision.reason,
      observation,
    });

  const action = decision.action;
  if (action.kind === 'page') {
    if (action.notify) {
      await audit('page', { probes: summarize(detail) });
      try {
        await notifyDecision();
      } catch (err) {
        // Forget that this page went out, so the next tick sends it instead of waiting out the re-page interval.
        await store
          .save({ ...decision.state, lastPage: prev.lastPage }, prev.version + 1, {
            code: decision.code,
            reason: 'page not delivered',
            at: deps.now(),
          })
          .catch(() => false);
        throw err;
      }
    }
    return resultOf(decision, true);
  }
  if (action.kind === 'fence-self') {
    // Own region only: this region's flag, which its gateways read (503 on /health, writes refused).
    const r = await putParameter(clients, settings.maintenanceParameter, 'on');
    await audit('fenced', {
      parameter: settings.maintenanceParameter,
      previous: r.previous ?? null,
      peerWriter: observation.peerWriter,
    });
    deps.log(auditLine({ at: deps.now(), event: 'fenced', ...base, parameter: settings.maintenanceParameter }));
    await notifyDecision();
    return resultOf(decision, true);
  }
  if (action.kind !== 'promote' && action.kind !== 'resume-promotion') return resultOf(decision, true);

  if (action.kind === 'promote') {
    await audit('promotion-started', {
      lagAtDecision: decision.state.promotion.lagAtDecision,
      probes: summarize(detail),
    });
    await notify(clients, settings.alertTopicArn, `[failover ${settings.environmentSuffix} ${region}] promoting`, {
      region,
      reason: decision.reason,
      steps: action.steps,
    }).catch((err: unknown) =>
      deps.log(auditLine({ at: deps.now(), event: 'notify-failed', ...base, error: (err as Error).message })),
    );
  }
  return executeSteps(deps, decision, action.steps, base);
}

async function executeSteps(deps: RunDeps, decision: Decision, steps: StepName[], base: AuditBase): Promise<RunResult> {
  const { settings, clients, store } = deps;
  let state = decision.state;
  // The stored version after runOnce recorded the decision; every later write must match it.
  let version = decision.state.version + 1;
  const outcomes: PromotionStepOutcome[] = [];
  let writerReady = state.promotion.completedSteps.includes('promote-database');
  const record = async (outcome: PromotionStepOutcome) => {
    outcomes.push(outcome);
    if (outcome.status === 'in-progress') return;
    const next: ControllerState = {
      ...state,
      promotion: { ...state.promotion, completedSteps: [...state.promotion.completedSteps, outcome.step] },
    };
    if (
      !(await store.save(next, version, {
        code: 'STEP_DONE',
        reason: `${outcome.step}: ${outcome.detail}`,
        at: deps.now(),
      }))
    )
      throw new DrError({
        code: 'E_STATE_CONFLICT',
        kind: 'conflict',
        message: 'the controller state changed while a promotion step ran',
        fix: 'Another actor is promoting this region; the next tick resumes from the recorded state.',
      });
    version += 1;
    state = { ...next, version };
    await store.audit({
      at: deps.now(),
      event: 'step',
      ...base,
      step: outcome.step,
      status: outcome.status,
      detail: outcome.detail,
    });
  };

  try {
    for (const step of steps) {
      if (STEP_NEEDS_WRITER.has(step) && !writerReady) continue;
      switch (step) {
        case 'promote-database': {
          let outcome = await promoteDatabase(clients, settings.dbIdentifier);
          // Wait for the promotion within this invocation's budget: every minute saved is RTO.
          const deadline = deps.now() + settings.waitBudgetMs;
          while (outcome.status === 'in-progress' && deps.now() < deadline) {
            await deps.sleep(Math.min(10_000, Math.max(0, deadline - deps.now())));
            if (await isPromoted(clients, settings.dbIdentifier))
              outcome = { step, status: 'done', detail: `${settings.dbIdentifier} is a standalone writer` };
          }
          await record(outcome);
          writerReady = outcome.status !== 'in-progress';
          break;
        }
        case 'raise-capacity':
          await record(await raiseCapacity(clients, settings.asgName, settings.failoverCapacity));
          break;
        case 'update-writer-endpoint': {
          const db = await requireDatabase(clients, settings.dbIdentifier);
          if (!db.endpoint)
            throw new DrError({
              code: 'E_DB_NO_ENDPOINT',
              kind: 'aws',
              message: `${settings.dbIdentifier} reports no endpoint`,
              fix: 'Wait until the instance is available; the next tick retries.',
            });
          // Only the endpoint moves: the region's secret parameter already names the local replica of the master
          // secret, whose user and password the promoted instance keeps.
          await record(await setWriterEndpoint(clients, settings.writerEndpointParameter, db.endpoint));
          break;
        }
        case 'notify':
          await record(
            await notify(
              clients,
              settings.alertTopicArn,
              `[failover ${settings.environmentSuffix} ${clients.region}] promoted`,
              {
                region: clients.region,
                reason: decision.reason,
                steps: state.promotion.completedSteps,
              },
            ),
          );
          break;
      }
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    deps.log(auditLine({ at: deps.now(), event: 'step-failed', ...base, error: message }));
    await store.audit({ at: deps.now(), event: 'step-failed', ...base, error: message }).catch(() => undefined);
    await notify(
      clients,
      settings.alertTopicArn,
      `[failover ${settings.environmentSuffix} ${clients.region}] promotion step failed`,
      { error: message, completed: state.promotion.completedSteps },
    ).catch(() => undefined);
    return { ...resultOf({ ...decision, state }, true), steps: outcomes, error: message };
  }

  const remaining = PROMOTION_STEPS.filter((x) => !state.promotion.completedSteps.includes(x));
  if (remaining.length === 0) {
    const done: ControllerState = {
      ...state,
      promotion: { ...state.promotion, status: 'completed', completedAt: deps.now() },
    };
    if (
      await store.save(done, version, {
        code: 'PROMOTION_COMPLETED',
        reason: 'every promotion step is done',
        at: deps.now(),
      })
    ) {
      version += 1;
      state = { ...done, version };
      await store.audit({
        at: deps.now(),
        event: 'promotion-completed',
        ...base,
        startedAt: state.promotion.startedAt,
        lagAtDecision: state.promotion.lagAtDecision,
      });
      deps.log(auditLine({ at: deps.now(), event: 'promotion-completed', ...base }));
    }
  }
  return { ...resultOf({ ...decision, state }, true), steps: outcomes };
}

function resultOf(d: Decision, recorded: boolean): RunResult {
  return {
    code: d.code,
    reason: d.reason,
    action: d.action.kind,
    recorded,
    steps: [],
    promotion: d.state.promotion.status,
  };
}

function summarize(d: ObservationDetail): Record<string, unknown> {
  return {
    peerHealth: d.peerHealth,
    peerAlb: d.peerAlb,
    selfHealth: d.selfHealth,
    dnsAddresses: d.dnsAddresses,
    maintenance: d.maintenance,
    errors: d.errors,
  };
}
