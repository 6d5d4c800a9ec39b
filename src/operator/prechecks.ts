// Pre-checks of the operator commands (failover, failback, drill): every check runs, whatever the others found, and
// each ends as `pass`, `fail` or `unknown` ("could not check": a dependency did not answer), with the evidence and
// the fix. A command refuses (exit 4, nothing changed) while any check failed or could not be checked; an operator
// may accept the unknown ones explicitly (--accept-unchecked), never a failed one.
import { DrError, exitCodeFor } from '../errors.js';
import type { Reporter } from '../io/messages.js';
import { codePrefix, type PrecheckPrefix } from '../io/message-codes.js';

export type PrecheckStatus = 'pass' | 'fail' | 'unknown';

export interface PrecheckOutcome {
  status: Exclude<PrecheckStatus, 'unknown'>;
  /** What was observed. */
  evidence: string;
  /** What to do when it failed (default: the check's own fix). */
  fix?: string;
}

export interface Precheck {
  check: string;
  /** What to do when the check fails. */
  fix: string;
  /** A failed check that --force may override (failover's RPO guard: accepting data loss up to the lag). */
  overridable?: boolean;
  run(): Promise<PrecheckOutcome>;
}

export interface PrecheckResult {
  check: string;
  status: PrecheckStatus;
  /** True when the check passed (kept for readers of earlier reports). */
  ok: boolean;
  evidence: string;
  /** The same as `evidence` (kept for readers of earlier reports). */
  detail: string;
  fix?: string;
  overridable?: boolean;
}

export interface PrecheckOverrides {
  /** --force: go ahead although an overridable check failed. */
  force?: boolean;
  /** --accept-unchecked: go ahead although some checks could not be checked. */
  acceptUnchecked?: boolean;
}

const result = (check: Precheck, status: PrecheckStatus, evidence: string, fix?: string): PrecheckResult => ({
  check: check.check,
  status,
  ok: status === 'pass',
  evidence,
  detail: evidence,
  ...(status === 'pass' ? {} : { fix: fix ?? check.fix }),
  ...(check.overridable ? { overridable: true } : {}),
});

/** Runs every check (one after the other, so their calls are easy to follow); a check that throws is `unknown`. */
export async function runPrechecks(checks: Precheck[]): Promise<PrecheckResult[]> {
  const results: PrecheckResult[] = [];
  for (const check of checks) {
    try {
      const outcome = await check.run();
      results.push(result(check, outcome.status, outcome.evidence, outcome.fix));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const fix = err instanceof DrError && err.fix ? err.fix : 'Check the network path from this machine and re-run.';
      results.push(result(check, 'unknown', `could not check: ${message}`, fix));
    }
  }
  return results;
}

/** Memoises a lookup several checks share: a failed lookup makes each of them `unknown`, once. */
export function shared<T>(lookup: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= lookup());
}

const LABEL: Record<PrecheckStatus, string> = { pass: 'ok     ', fail: 'FAIL   ', unknown: 'UNKNOWN' };

/** One message per check: `<PREFIX>_PRECHECK` with the result as data. */
export function reportPrechecks(reporter: Reporter, prefix: PrecheckPrefix, results: PrecheckResult[]): void {
  for (const r of results)
    reporter.emit({
      code: `${prefix}_PRECHECK`,
      level: r.status === 'pass' ? 'info' : 'warn',
      text: `${LABEL[r.status]} ${r.check}: ${r.evidence}${r.fix ? `\n          fix: ${r.fix}` : ''}`,
      data: r,
    });
}

/** The refusal: the checks that stop the command, and all the results for the report. */
export class PrecheckRefusal extends DrError {
  readonly results: PrecheckResult[];
  constructor(command: string, prefix: PrecheckPrefix, results: PrecheckResult[], blocking: PrecheckResult[]) {
    const failed = blocking.filter((r) => r.status === 'fail');
    const unknown = blocking.filter((r) => r.status === 'unknown');
    const describe = (r: PrecheckResult) => `${r.check} (${r.evidence})`;
    const parts = [
      failed.length ? `${failed.length} failed: ${failed.map(describe).join('; ')}` : '',
      unknown.length ? `${unknown.length} could not be checked: ${unknown.map(describe).join('; ')}` : '',
    ].filter(Boolean);
    super({
      code: `E_${prefix}_PRECHECK`,
      kind: 'conflict',
      message: `${command} refused, nothing was changed: of ${results.length} pre-checks ${parts.join('; ')}`,
      fix: [
        ...blocking.map((r) => `${r.check}: ${r.fix ?? 'see the check'}`),
        ...(unknown.length && !failed.length
          ? ['or, if you have checked these by other means, re-run with --accept-unchecked']
          : []),
      ].join(' · '),
    });
    this.results = results;
  }
}

/** Which results stop the command under the operator's overrides. */
export function blockingPrechecks(results: PrecheckResult[], overrides: PrecheckOverrides): PrecheckResult[] {
  return results.filter(
    (r) =>
      (r.status === 'fail' && !(overrides.force && r.overridable)) ||
      (r.status === 'unknown' && !overrides.acceptUnchecked),
  );
}

/**
 * Runs and reports every check, then refuses (PrecheckRefusal, exit 4) or returns the results. Overridden checks are
 * reported as such, so the record shows what the operator accepted.
 */
export async function enforcePrechecks(
  reporter: Reporter,
  command: Lowercase<PrecheckPrefix>,
  checks: Precheck[],
  overrides: PrecheckOverrides,
): Promise<PrecheckResult[]> {
  const prefix = codePrefix(command);
  const results = await runPrechecks(checks);
  reportPrechecks(reporter, prefix, results);
  const blocking = blockingPrechecks(results, overrides);
  if (blocking.length) throw new PrecheckRefusal(command, prefix, results, blocking);
  const accepted = results.filter((r) => r.status !== 'pass');
  if (accepted.length)
    reporter.emit({
      code: `${prefix}_PRECHECK_OVERRIDDEN`,
      level: 'warn',
      text: `going on although ${accepted.map((r) => `${r.check} is ${r.status === 'fail' ? 'failed (--force)' : 'unchecked (--accept-unchecked)'}`).join(', ')}`,
      data: { checks: accepted.map((r) => ({ check: r.check, status: r.status })) },
    });
  return results;
}

/** The `--json` document of a refused command: every check, and the refusal as the error. */
export function refusalDocument(refusal: PrecheckRefusal): {
  status: 'refused';
  prechecks: PrecheckResult[];
  error: Record<string, unknown>;
} {
  return { status: 'refused', prechecks: refusal.results, error: refusal.toJSON() };
}

/**
 * Renders a refusal for people (the error with its fix) and for --json (`document` plus every check and the error),
 * and gives its exit code (4).
 */
export function reportRefusal(reporter: Reporter, refusal: PrecheckRefusal, document: Record<string, unknown>): number {
  reporter.emit({
    code: refusal.code,
    level: 'error',
    text: `${refusal.message}\n  fix: ${refusal.fix}`,
    data: refusal.toJSON(),
  });
  reporter.result({ ...document, ...refusalDocument(refusal) });
  return exitCodeFor(refusal);
}
