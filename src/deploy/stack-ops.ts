// CloudFormation operations for one region: describe, change sets, execute, delete, continue rollback, and a
// waiter that streams stack events until the stack leaves *_IN_PROGRESS. Every call retries on throttling.
import {
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  type Change,
  type CloudFormationClient,
  type Parameter,
  type Stack,
  type StackEvent,
  type StackResourceSummary,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import { DrError } from '../errors.js';
import type { Reporter } from '../io/messages.js';
import { errorName, withThrottlingRetry } from '../aws/retry.js';
import type { Clock } from '../clock.js';
import type { TemplateSource } from './template-source.js';
import type { Runtime } from './runtime.js';

export const CHANGE_SET_PREFIX = 'drctl-';
/** Polls after which a settled status is accepted even though no sign of the new operation was seen. */
const START_POLLS = 12;

export interface OpsDeps {
  clock: Clock;
  reporter: Reporter;
  /** Milliseconds between DescribeStacks / DescribeChangeSet polls. */
  pollMs: number;
  signal?: AbortSignal;
}

/** The service's two phrasings of "this change set would change nothing". */
export function isNoChangesReason(reason: string | undefined): boolean {
  return /didn't contain changes|No updates are to be performed/i.test(reason ?? '');
}

export function isInProgress(status: string | undefined): boolean {
  return Boolean(status?.endsWith('_IN_PROGRESS')) && status !== 'REVIEW_IN_PROGRESS';
}

export function awsFailure(code: string, what: string, err: unknown, fix: string): DrError {
  const message = err instanceof Error ? err.message : String(err);
  return new DrError({
    code,
    kind: 'aws',
    message: `${what}: ${errorName(err) || 'Error'}: ${message}`,
    fix,
    cause: err,
  });
}

export function interrupted(what: string): DrError {
  return new DrError({
    code: 'E_INTERRUPTED',
    kind: 'interrupted',
    message: `interrupted ${what}`,
    fix: 'Run the same command again: it resumes where this run stopped.',
  });
}

export class StackOps {
  constructor(
    readonly region: string,
    private readonly cfn: CloudFormationClient,
    private readonly deps: OpsDeps,
  ) {}

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withThrottlingRetry(fn, {
      sleep: (ms) => this.deps.clock.sleep(ms),
      onRetry: (attempt, delayMs, err) =>
        this.deps.reporter.emit({
          code: 'AWS_THROTTLED',
          level: 'debug',
          text: `throttled (${errorName(err)}) in ${this.region}; retry ${attempt} in ${delayMs} ms`,
          data: { region: this.region, attempt, delayMs },
        }),
    });
  }

  /** The stack, or undefined when it does not exist (never created, or deleted). */
  async describe(stackName: string): Promise<Stack | undefined> {
    try {
      const out = await this.call(() => this.cfn.send(new DescribeStacksCommand({ StackName: stackName })));
      const s = out.Stacks?.[0];
      return s && s.StackStatus !== 'DELETE_COMPLETE' ? s : undefined;
    } catch (err) {
      if (errorName(err) === 'ValidationError' && /does not exist/.test((err as Error).message)) return undefined;
      throw awsFailure(
        'E_AWS_DESCRIBE',
        `DescribeStacks ${stackName} in ${this.region}`,
        err,
        'Check credentials, region and permissions (cloudformation:DescribeStacks).',
      );
    }
  }

  async deleteStaleChangeSets(stackName: string): Promise<string[]> {
    const out = await this.call(() => this.cfn.send(new ListChangeSetsCommand({ StackName: stackName })));
    const stale = (out.Summaries ?? []).filter(
      (s) => s.ChangeSetName?.startsWith(CHANGE_SET_PREFIX) && s.ExecutionStatus !== 'EXECUTE_IN_PROGRESS',
    );
    for (const s of stale)
      await this.call(() =>
        this.cfn.send(
          new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: s.ChangeSetId ?? s.ChangeSetName }),
        ),
      );
    return stale.map((s) => s.ChangeSetName ?? '');
  }

  async createChangeSet(input: {
    stackName: string;
    name: string;
    type: 'CREATE' | 'UPDATE';
    template: TemplateSource;
    parameters: Parameter[];
    tags: Tag[];
  }): Promise<string> {
    try {
      const out = await this.call(() =>
        this.cfn.send(
          new CreateChangeSetCommand({
            StackName: input.stackName,
            ChangeSetName: input.name,
            ChangeSetType: input.type,
            ...input.template,
            Parameters: input.parameters,
            Tags: input.tags,
            Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
            Description: 'drctl deploy',
          }),
        ),
      );
      return out.Id ?? input.name;
    } catch (err) {
      throw awsFailure(
        'E_AWS_CHANGESET',
        `CreateChangeSet for ${input.stackName} in ${this.region}`,
        err,
        'Read the message: usually a parameter value the template rejects, or a stack state that forbids updates.',
      );
    }
  }

  /** Waits for the change set to be computed; returns its final status and every change (all pages). */
  async waitChangeSet(
    stackName: string,
    id: string,
  ): Promise<{ status: string; reason: string | undefined; changes: Change[] }> {
    for (;;) {
      const first = await this.call(() =>
        this.cfn.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: id })),
      );
      const status = first.Status ?? 'UNKNOWN';
      if (status === 'CREATE_COMPLETE' || status === 'FAILED' || status === 'DELETE_COMPLETE') {
        const changes = [...(first.Changes ?? [])];
        let token = first.NextToken;
        while (token) {
          const page = await this.call(() =>
            this.cfn.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: id, NextToken: token })),
          );
          changes.push(...(page.Changes ?? []));
          token = page.NextToken;
        }
        return { status, reason: first.StatusReason, changes };
      }
      if (this.deps.signal?.aborted) return { status: 'INTERRUPTED', reason: undefined, changes: [] };
      await this.deps.clock.sleep(Math.min(this.deps.pollMs, 2000), this.deps.signal);
    }
  }

  async deleteChangeSet(stackName: string, id: string): Promise<void> {
    await this.call(() => this.cfn.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: id })));
  }

  async executeChangeSet(stackName: string, id: string): Promise<void> {
    try {
      await this.call(() => this.cfn.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: id })));
    } catch (err) {
      throw awsFailure(
        'E_AWS_EXECUTE',
        `ExecuteChangeSet for ${stackName} in ${this.region}`,
        err,
        'Run deploy again; a change set left behind is replaced.',
      );
    }
  }

  async deleteStack(stackName: string): Promise<void> {
    try {
      await this.call(() => this.cfn.send(new DeleteStackCommand({ StackName: stackName })));
    } catch (err) {
      throw awsFailure(
        'E_AWS_DELETE',
        `DeleteStack ${stackName} in ${this.region}`,
        err,
        'Check the stack state in the console; retry when it is no longer in progress.',
      );
    }
  }

  async continueUpdateRollback(stackName: string): Promise<void> {
    try {
      await this.call(() => this.cfn.send(new ContinueUpdateRollbackCommand({ StackName: stackName })));
    } catch (err) {
      throw awsFailure(
        'E_AWS_CONTINUE_ROLLBACK',
        `ContinueUpdateRollback ${stackName} in ${this.region}`,
        err,
        'Fix the resource that blocks the rollback (see the stack events), or skip it with ResourcesToSkip in the console.',
      );
    }
  }

  async listResources(stackName: string): Promise<StackResourceSummary[]> {
    const all: StackResourceSummary[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(() =>
        this.cfn.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: token })),
      );
      all.push(...(page.StackResourceSummaries ?? []));
      token = page.NextToken;
    } while (token);
    return all;
  }

  /** Events newer than `since` not yet seen, oldest first (the API pages newest first). */
  private async newEvents(stackId: string, since: number, seen: Set<string>): Promise<StackEvent[]> {
    const fresh: StackEvent[] = [];
    let token: string | undefined;
    pages: do {
      const page = await this.call(() =>
        this.cfn.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: token })),
      );
      for (const e of page.StackEvents ?? []) {
        if (seen.has(e.EventId ?? '') || (e.Timestamp && e.Timestamp.getTime() < since)) break pages;
        fresh.push(e);
      }
      token = page.NextToken;
    } while (token);
    for (const e of fresh) seen.add(e.EventId ?? '');
    return fresh.reverse();
  }

  /**
   * Polls until the stack is no longer in progress, streaming its events and status as messages tagged with
   * `node`. Returns the final stack (undefined once deleted). On Ctrl-C it stops waiting; CloudFormation
   * carries on server-side and the next run picks the stack up.
   */
  async waitStable(stackName: string, node: string, since: number, awaitStart = false): Promise<Stack | undefined> {
    const seen = new Set<string>();
    let stackId = stackName;
    let last = '';
    // Right after Execute/Delete/ContinueUpdateRollback, DescribeStacks may still show the previous, settled
    // status (eventual consistency): only trust a settled status once the operation has visibly started.
    let started = !awaitStart;
    let lastStackEvent: string | undefined;
    for (let poll = 0; ; poll++) {
      const s = await this.describeForWait(stackId);
      if (s?.StackId) stackId = s.StackId;
      if (s) {
        for (const e of await this.newEvents(stackId, since, seen)) {
          if (e.ResourceType === 'AWS::CloudFormation::Stack') {
            // The stack's own events are what DEPLOY_STACK_STATUS reports; do not print them twice.
            lastStackEvent = e.ResourceStatus;
            continue;
          }
          this.deps.reporter.emit({
            code: 'DEPLOY_STACK_EVENT',
            level: 'info',
            text: `${node}  ${e.LogicalResourceId} ${e.ResourceType} ${e.ResourceStatus}${e.ResourceStatusReason ? ` (${e.ResourceStatusReason})` : ''}`,
            data: {
              node,
              region: this.region,
              stackName,
              logicalId: e.LogicalResourceId,
              type: e.ResourceType,
              status: e.ResourceStatus,
              reason: e.ResourceStatusReason,
              time: e.Timestamp?.toISOString(),
            },
          });
        }
      }
      const status = s?.StackStatus ?? 'DELETE_COMPLETE';
      if (status !== last) {
        last = status;
        this.deps.reporter.emit({
          code: 'DEPLOY_STACK_STATUS',
          level: 'info',
          text: `${node}  ${stackName} (${this.region})  ${status}${s?.StackStatusReason && !isInProgress(status) ? `: ${s.StackStatusReason}` : ''}`,
          data: { node, region: this.region, stackName, status, reason: s?.StackStatusReason },
        });
      }
      if (isInProgress(status) || !s) started = true;
      // The operation's own final stack event agreeing with DescribeStacks also proves the answer is fresh.
      const fresh = started || lastStackEvent === status || poll >= START_POLLS;
      if ((!isInProgress(status) && fresh) || status === 'DELETE_COMPLETE')
        return s?.StackStatus === 'DELETE_COMPLETE' ? undefined : s;
      if (this.deps.signal?.aborted)
        throw interrupted(`while waiting for ${stackName} in ${this.region} (${status}); CloudFormation continues it`);
      await this.deps.clock.sleep(this.deps.pollMs, this.deps.signal);
    }
  }

  /** Like describe, but by stack id so a deleted stack reports DELETE_COMPLETE instead of vanishing. */
  private async describeForWait(stackId: string): Promise<Stack | undefined> {
    try {
      const out = await this.call(() => this.cfn.send(new DescribeStacksCommand({ StackName: stackId })));
      return out.Stacks?.[0];
    } catch (err) {
      if (errorName(err) === 'ValidationError' && /does not exist/.test((err as Error).message)) return undefined;
      throw awsFailure(
        'E_AWS_DESCRIBE',
        `DescribeStacks ${stackId} in ${this.region}`,
        err,
        'Check credentials and permissions (cloudformation:DescribeStacks).',
      );
    }
  }

  /** The reason of the first failed resource event since `since`, for error messages. */
  async firstFailure(stackId: string, since: number): Promise<string | undefined> {
    const events = await this.newEvents(stackId, since, new Set());
    const failed = events.find(
      (e) => /FAILED$/.test(e.ResourceStatus ?? '') && e.ResourceType !== 'AWS::CloudFormation::Stack',
    );
    return failed
      ? `${failed.LogicalResourceId} (${failed.ResourceType}): ${failed.ResourceStatusReason ?? failed.ResourceStatus}`
      : undefined;
  }
}

/** One StackOps per region, made on first use, sharing the runtime's clock, reporter, poll interval and Ctrl-C. */
export function stackOpsByRegion(rt: Runtime): (region: string) => StackOps {
  const ops = new Map<string, StackOps>();
  return (region) => {
    let o = ops.get(region);
    if (!o)
      ops.set(
        region,
        (o = new StackOps(region, rt.factory(region).cloudformation, {
          clock: rt.clock,
          reporter: rt.reporter,
          pollMs: rt.pollMs,
          signal: rt.signal,
        })),
      );
    return o;
  };
}
