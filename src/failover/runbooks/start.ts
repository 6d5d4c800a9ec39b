// Starting or resuming a runbook: a run that did not complete is resumed (after a fresh confirmation); a new run
// passes its pre-checks and a confirmation before the first change.
import { DrError } from '../../errors.js';
import type { RunbookDeps } from './deps.js';
import { newState, resumeIndex, runSteps, type RunbookStep } from './runner.js';
import type { RunbookName, RunbookState } from './state-store.js';

export interface PrecheckResult {
  check: string;
  ok: boolean;
  detail: string;
  /** A failed check that --force may override. */
  overridable?: boolean;
  /** A failed check that means the current state forbids the runbook (exit 4) rather than a failed check (exit 1). */
  conflict?: boolean;
}

export interface StartSpec {
  runbook: RunbookName;
  steps: RunbookStep[];
  prechecks: () => Promise<PrecheckResult[]>;
  question: string;
  yes: boolean;
  force: boolean;
  fix: string;
}

export async function startOrResume(deps: RunbookDeps, spec: StartSpec): Promise<RunbookState> {
  const { reporter, store, clock, topology: t } = deps;
  const P = spec.runbook.toUpperCase();
  let state = await store.load();
  if (state && state.status === 'completed') {
    const moved = await store.archive(state);
    reporter.emit({
      code: `${P}_PREVIOUS_ARCHIVED`,
      level: 'debug',
      text: `previous completed run kept as ${moved}`,
      data: { file: moved },
    });
    state = undefined;
  }
  if (state) {
    const next = state.steps[resumeIndex(state)];
    const q = `Resume ${spec.runbook} run ${state.runId} for ${t.environment} at step "${next?.id}"?`;
    if (!spec.yes && !(await reporter.confirm(q))) throw refused(spec.runbook);
  } else {
    const checks = await spec.prechecks();
    for (const c of checks)
      reporter.emit({
        code: `${P}_PRECHECK`,
        level: c.ok ? 'info' : 'warn',
        text: `${c.ok ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}`,
        data: c,
      });
    const blocking = checks.filter((c) => !c.ok && !(spec.force && c.overridable));
    if (blocking.length) {
      const conflict = blocking.some((c) => c.conflict);
      throw new DrError({
        code: conflict ? `E_${P}_STATE` : `E_${P}_PRECHECK`,
        kind: conflict ? 'conflict' : 'findings',
        message: `${spec.runbook} pre-checks failed: ${blocking.map((c) => `${c.check} (${c.detail})`).join('; ')}; nothing was changed`,
        fix: spec.fix,
      });
    }
    if (!spec.yes && !(await reporter.confirm(spec.question))) throw refused(spec.runbook);
    state = newState(spec.runbook, t.environment, spec.steps, clock);
    state.facts.forced = spec.force;
  }
  return runSteps({ steps: spec.steps, state, store, reporter, clock });
}

function refused(runbook: string): DrError {
  return new DrError({
    code: 'E_CONFIRM_REFUSED',
    kind: 'interrupted',
    message: `${runbook} not confirmed; nothing was changed`,
    fix: 'Re-run with --yes to confirm non-interactively.',
  });
}
