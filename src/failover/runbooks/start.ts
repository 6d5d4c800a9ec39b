// Starting or resuming a runbook: a run that did not complete is resumed (after a fresh confirmation); a new run
// runs and reports every pre-check and a confirmation before the first change.
import { DrError } from '../../errors.js';
import { codePrefix } from '../../io/message-codes.js';
import { enforcePrechecks, type Precheck, type PrecheckOverrides } from '../../operator/prechecks.js';
import type { RunbookDeps } from './deps.js';
import { newState, resumeIndex, runSteps, type RunbookStep } from './runner.js';
import type { RunbookName, RunbookState } from './state-store.js';

export interface StartSpec {
  runbook: RunbookName;
  steps: RunbookStep[];
  prechecks: () => Precheck[];
  question: string;
  overrides: PrecheckOverrides & { yes: boolean };
}

export async function startOrResume(deps: RunbookDeps, spec: StartSpec): Promise<RunbookState> {
  const { reporter, store, clock, topology } = deps;
  const prefix = codePrefix(spec.runbook);
  let state = await store.load();
  if (state && state.status === 'completed') {
    const moved = await store.archive(state);
    reporter.emit({
      code: `${prefix}_PREVIOUS_ARCHIVED`,
      level: 'debug',
      text: `previous completed run kept as ${moved}`,
      data: { file: moved },
    });
    state = undefined;
  }
  if (state) {
    const next = state.steps[resumeIndex(state)];
    const question = `Resume ${spec.runbook} run ${state.runId} for ${topology.environment} at step "${next?.id}"?`;
    if (!spec.overrides.yes && !(await reporter.confirm(question))) throw refused(spec.runbook);
  } else {
    const results = await enforcePrechecks(reporter, spec.runbook, spec.prechecks(), spec.overrides);
    if (!spec.overrides.yes && !(await reporter.confirm(spec.question))) throw refused(spec.runbook);
    state = newState(spec.runbook, topology.environment, spec.steps, clock);
    state.facts.forced = Boolean(spec.overrides.force);
    state.facts.prechecks = results.map((r) => ({ check: r.check, status: r.status, evidence: r.evidence }));
  }
  return runSteps({
    steps: spec.steps,
    state,
    store,
    reporter,
    clock,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
}

function refused(runbook: string): DrError {
  return new DrError({
    code: 'E_CONFIRM_REFUSED',
    kind: 'interrupted',
    message: `${runbook} not confirmed; nothing was changed`,
    fix: 'Re-run with --yes to confirm non-interactively.',
  });
}
