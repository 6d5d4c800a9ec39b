// Running the runbook commands against a World, as the CLI would but with the doubles injected.
import { MemoryReporter } from '../../src/io/reporters.js';
import type { Message } from '../../src/io/messages.js';
import { exitCodeFor } from '../../src/errors.js';
import { reportError, type CommandContext } from '../../src/cli/context.js';
import { runRunbookCommand, type RunbookCommandOptions } from '../../src/failover/runbooks/command.js';
import type { RunbookName } from '../../src/failover/runbooks/state-store.js';
import type { World } from './world.js';

/** Lets a test stop the run at a precise message, as Ctrl-C would. */
export class InterruptingReporter extends MemoryReporter {
  constructor(
    private readonly stopAt: (m: Message) => boolean,
    answers: boolean | boolean[] = false,
  ) {
    super(answers);
  }
  override emit<T>(msg: Omit<Message<T>, 'time'> & { time?: number }): void {
    super.emit(msg);
    if (this.stopAt(this.messages[this.messages.length - 1] as Message)) throw new Error(`interrupted at ${msg.code}`);
  }
}

export interface RunOutcome {
  code: number;
  reporter: MemoryReporter;
  result: Record<string, unknown> | undefined;
  error: unknown;
}

export async function runRunbook(
  w: World,
  runbook: RunbookName,
  opts: RunbookCommandOptions,
  reporter = new MemoryReporter(),
  signal?: AbortSignal,
): Promise<RunOutcome> {
  const ctx: CommandContext = {
    root: w.root,
    reporter,
    options: { json: Boolean(opts.json), yes: Boolean(opts.yes) },
    ...(signal ? { signal } : {}),
  };
  try {
    const code = await runRunbookCommand(
      ctx,
      runbook,
      { env: 'dev', ...opts },
      { clients: w.clients, clock: w.clock, http: w.http, dns: w.dns },
    );
    return { code, reporter, result: reporter.results[0] as Record<string, unknown> | undefined, error: undefined };
  } catch (err) {
    reportError(ctx, err);
    return {
      code: exitCodeFor(err),
      reporter,
      result: reporter.results[0] as Record<string, unknown> | undefined,
      error: err,
    };
  }
}

/** Calls that change something in AWS (what pre-checks must never make). */
export const MUTATING = new Set([
  'PromoteReadReplica',
  'CreateDBInstanceReadReplica',
  'DeleteDBInstance',
  'ModifyDBInstance',
  'PutParameter',
  'UpdateAutoScalingGroup',
  'SetDesiredCapacity',
  'UpdateHealthCheck',
  'Publish',
  'PutBucketReplication',
  'PutObject',
  'PutItem',
]);

/** Calls that changed the environment: everything in MUTATING except drctl's own state (the environment lock). */
export function environmentChanges(w: World) {
  return w.aws.log.calls.filter(
    (c) =>
      MUTATING.has(c.operation) &&
      !(c.service === 's3' && String((c.input as { Bucket?: unknown }).Bucket).startsWith('drctl-state-')),
  );
}
