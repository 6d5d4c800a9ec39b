// Runs a runbook's steps in order, persisting state after each one, so that a re-run resumes at the first step
// that has not completed. Steps must be idempotent: a step interrupted mid-way is started again and must first
// look at the current state of what it changes.
import type { Reporter } from '../../io/messages.js';
import { codePrefix } from '../../io/message-codes.js';
import { DrError } from '../../errors.js';
import type { Clock } from '../../clock.js';
import type { RunbookName, RunbookState, StateStore, StepRecord } from './state-store.js';

export interface RunbookStepResult {
  status: 'done' | 'skipped';
  detail?: Record<string, unknown>;
  /** One line for people, e.g. why the step was skipped. */
  note?: string;
}

export interface StepHelpers {
  state: RunbookState;
  /** Progress inside a long step (waits); emitted as `<RUNBOOK>_STEP_PROGRESS`. */
  progress(text: string, data?: Record<string, unknown>): void;
  /** Persists `facts` now, e.g. right after an irreversible call, before waiting on its result. */
  checkpoint(): Promise<void>;
}

export interface RunbookStep {
  id: string;
  title: string;
  run(helpers: StepHelpers): Promise<RunbookStepResult>;
}

export function newState(runbook: RunbookName, environment: string, steps: RunbookStep[], clock: Clock): RunbookState {
  const at = new Date(clock.now()).toISOString();
  return {
    runbook,
    environment,
    runId: at
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')
      .toLowerCase(),
    status: 'running',
    startedAt: at,
    updatedAt: at,
    steps: steps.map((s) => ({ id: s.id, title: s.title, status: 'pending', attempts: 0 })),
    facts: {},
  };
}

/** Index of the first step that still has to run. */
export function resumeIndex(state: RunbookState): number {
  const i = state.steps.findIndex((s) => s.status !== 'done' && s.status !== 'skipped');
  return i === -1 ? state.steps.length : i;
}

export async function runSteps(opts: {
  steps: RunbookStep[];
  state: RunbookState;
  store: StateStore;
  reporter: Reporter;
  clock: Clock;
  /** Ctrl-C: no further step starts; the state says where the next run resumes. */
  signal?: AbortSignal;
}): Promise<RunbookState> {
  const { steps, state, store, reporter, clock } = opts;
  const P = codePrefix(state.runbook);
  const total = steps.length;
  const iso = () => new Date(clock.now()).toISOString();
  const start = resumeIndex(state);
  if (start > 0 && start < total) {
    reporter.emit({
      code: `${P}_RESUMED`,
      level: 'info',
      text: `resuming ${state.runbook} run ${state.runId} at step ${start + 1}/${total} (${steps[start]?.id})`,
      data: { runId: state.runId, step: steps[start]?.id, index: start + 1, total },
    });
  }
  state.status = 'running';
  for (let i = start; i < total; i++) {
    const step = steps[i] as RunbookStep;
    const rec = state.steps[i] as StepRecord;
    if (opts.signal?.aborted) {
      state.status = 'failed';
      state.updatedAt = iso();
      await store.save(state);
      throw new DrError({
        code: 'E_INTERRUPTED',
        kind: 'interrupted',
        message: `${state.runbook} interrupted before step ${i + 1}/${total} (${step.id})`,
        fix: `Run drctl ${state.runbook} again: it resumes at ${step.id}.`,
      });
    }
    if (rec.id !== step.id)
      throw new DrError({
        code: 'E_RUNBOOK_STATE_MISMATCH',
        kind: 'conflict',
        message: `${store.location}: step ${i + 1} is "${rec.id}", expected "${step.id}"`,
        fix: 'The state file was written by another version of drctl; finish or move it aside.',
      });
    const t0 = clock.now();
    rec.status = 'running';
    rec.startedAt = iso();
    rec.attempts += 1;
    delete rec.error;
    state.updatedAt = rec.startedAt;
    await store.save(state);
    reporter.emit({
      code: `${P}_STEP_START`,
      level: 'info',
      text: `[${i + 1}/${total}] ${step.title}`,
      data: { runId: state.runId, step: step.id, index: i + 1, total, attempt: rec.attempts },
    });
    const helpers: StepHelpers = {
      state,
      progress: (text, data) =>
        reporter.emit({
          code: `${P}_STEP_PROGRESS`,
          level: 'info',
          text: `      ${text}`,
          data: { step: step.id, elapsedMs: clock.now() - t0, ...data },
        }),
      checkpoint: () => store.save(state),
    };
    let outcome: RunbookStepResult;
    try {
      outcome = await step.run(helpers);
    } catch (err) {
      rec.status = 'failed';
      rec.endedAt = iso();
      rec.durationMs = clock.now() - t0;
      rec.error = {
        code: err instanceof DrError ? err.code : 'E_INTERNAL',
        message: err instanceof Error ? err.message : String(err),
      };
      state.status = 'failed';
      state.updatedAt = rec.endedAt;
      await store.save(state);
      reporter.emit({
        code: `${P}_STEP_FAILED`,
        level: 'error',
        text: `[${i + 1}/${total}] ${step.id} failed after ${(rec.durationMs / 1000).toFixed(1)} s; re-run to resume at this step (state: ${store.location})`,
        data: { runId: state.runId, step: step.id, index: i + 1, total, durationMs: rec.durationMs, error: rec.error },
      });
      throw err;
    }
    // Persisted before it is reported: an interruption from here on resumes at the next step.
    rec.status = outcome.status;
    rec.detail = outcome.detail ?? {};
    rec.endedAt = iso();
    rec.durationMs = clock.now() - t0;
    state.updatedAt = rec.endedAt;
    await store.save(state);
    reporter.emit({
      code: outcome.status === 'done' ? `${P}_STEP_DONE` : `${P}_STEP_SKIPPED`,
      level: 'info',
      text: `[${i + 1}/${total}] ${step.id}: ${outcome.status} in ${(rec.durationMs / 1000).toFixed(1)} s${outcome.note ? ` (${outcome.note})` : ''}`,
      data: { runId: state.runId, step: step.id, index: i + 1, total, durationMs: rec.durationMs, detail: rec.detail },
    });
  }
  state.status = 'completed';
  state.updatedAt = iso();
  await store.save(state);
  return state;
}
