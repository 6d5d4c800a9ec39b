// CloudFormation operations for one region: describe, change sets, execute, delete, continue rollback, and a
// waiter that streams stack events until the stack leaves *_IN_PROGRESS (deploy and destroy); and the deployed
// view of a stack (status, outputs, parameters) the operator commands read. Throttling is retried by the SDK.
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
  type ChangeSetSummary,
  type CloudFormationClient,
  type Parameter,
  type Stack,
  type StackEvent,
  type StackResourceSummary,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import { DrError } from '../../errors.js';
import type { Reporter } from '../../io/messages.js';
import type { Clock } from '../../clock.js';
import type { AwsClients, ClientFactory } from '../clients.js';
import { awsCallError, errorName } from '../errors.js';

export type { Change, Parameter, Stack, StackResourceSummary, Tag } from '@aws-sdk/client-cloudformation';

/** How a template reaches CloudFormation: inline, or by URL from a bucket in the stack's region. */
export type TemplateSource = { TemplateBody: string } | { TemplateURL: string };

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

  /** A call whose failure needs no special handling: mapped to the one AWS error shape. */
  private async send<T>(operation: string, resource: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw awsCallError({ operation: `cloudformation:${operation}`, resource, region: this.region }, err);
    }
  }

  /** The stack, or undefined when it does not exist (never created, or deleted). */
  async describe(stackName: string): Promise<Stack | undefined> {
    const s = await describeStackRaw({ region: this.region, cloudformation: this.cfn }, stackName);
    return s && s.StackStatus !== 'DELETE_COMPLETE' ? s : undefined;
  }

  /**
   * Deletes the drctl change sets an earlier run left on this stack. Only entries whose StackId (or, without one,
   * StackName) is this stack's are touched: an endpoint that ignores ListChangeSets' StackName filter (as an emulator
   * did) would otherwise make parallel steps delete each other's change sets. Every page is read.
   */
  async deleteStaleChangeSets(stackName: string, stackId?: string): Promise<string[]> {
    const summaries: ChangeSetSummary[] = [];
    let token: string | undefined;
    do {
      const out = await this.send('ListChangeSets', stackName, () =>
        this.cfn.send(new ListChangeSetsCommand({ StackName: stackName, ...(token ? { NextToken: token } : {}) })),
      );
      summaries.push(...(out.Summaries ?? []));
      token = out.NextToken;
    } while (token);
    const ours = (s: ChangeSetSummary) =>
      stackId && s.StackId ? s.StackId === stackId : s.StackName === stackName || s.StackId === stackName;
    const stale = summaries.filter(
      (s) => ours(s) && s.ChangeSetName?.startsWith(CHANGE_SET_PREFIX) && s.ExecutionStatus !== 'EXECUTE_IN_PROGRESS',
    );
    for (const s of stale)
      await this.send('DeleteChangeSet', stackName, () =>
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
      const out = await this.cfn.send(
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
      );
      return out.Id ?? input.name;
    } catch (err) {
      throw awsCallError(
        { operation: 'cloudformation:CreateChangeSet', resource: input.stackName, region: this.region },
        err,
        {
          code: 'E_AWS_CHANGESET',
          fix: 'Read the message: usually a parameter value the template rejects, or a stack state that forbids updates.',
        },
      );
    }
  }

  /** Waits for the change set to be computed; returns its final status and every change (all pages). */
  async waitChangeSet(
    stackName: string,
    id: string,
  ): Promise<{ status: string; reason: string | undefined; changes: Change[] }> {
    for (;;) {
      const first = await this.send('DescribeChangeSet', stackName, () =>
        this.cfn.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: id })),
      );
      const status = first.Status ?? 'UNKNOWN';
      if (status === 'CREATE_COMPLETE' || status === 'FAILED' || status === 'DELETE_COMPLETE') {
        const changes = [...(first.Changes ?? [])];
        let token = first.NextToken;
        while (token) {
          const page = await this.send('DescribeChangeSet', stackName, () =>
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
    await this.send('DeleteChangeSet', stackName, () =>
      this.cfn.send(new DeleteChangeSetCommand({ StackName: stackName, ChangeSetName: id })),
    );
  }

  async executeChangeSet(stackName: string, id: string): Promise<void> {
    try {
      await this.cfn.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: id }));
    } catch (err) {
      throw awsCallError(
        { operation: 'cloudformation:ExecuteChangeSet', resource: stackName, region: this.region },
        err,
        { code: 'E_AWS_EXECUTE', fix: 'Run deploy again; a change set left behind is replaced.' },
      );
    }
  }

  async deleteStack(stackName: string): Promise<void> {
    try {
      await this.cfn.send(new DeleteStackCommand({ StackName: stackName }));
    } catch (err) {
      throw awsCallError({ operation: 'cloudformation:DeleteStack', resource: stackName, region: this.region }, err, {
        code: 'E_AWS_DELETE',
        fix: 'Check the stack state in the console; retry when it is no longer in progress.',
      });
    }
  }

  async continueUpdateRollback(stackName: string): Promise<void> {
    try {
      await this.cfn.send(new ContinueUpdateRollbackCommand({ StackName: stackName }));
    } catch (err) {
      throw awsCallError(
        { operation: 'cloudformation:ContinueUpdateRollback', resource: stackName, region: this.region },
        err,
        {
          code: 'E_AWS_CONTINUE_ROLLBACK',
          fix: 'Fix the resource that blocks the rollback (see the stack events), or skip it with ResourcesToSkip in the console.',
        },
      );
    }
  }

  async listResources(stackName: string): Promise<StackResourceSummary[]> {
    const all: StackResourceSummary[] = [];
    let token: string | undefined;
    do {
      const page = await this.send('ListStackResources', stackName, () =>
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
      const page = await this.send('DescribeStackEvents', stackId, () =>
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
  private describeForWait(stackId: string): Promise<Stack | undefined> {
    return describeStackRaw({ region: this.region, cloudformation: this.cfn }, stackId);
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

/** One StackOps per region, made on first use, sharing the caller's clock, reporter, poll interval and Ctrl-C. */
export function stackOpsByRegion(rt: OpsDeps & { factory: ClientFactory }): (region: string) => StackOps {
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

function isMissingStack(err: unknown): boolean {
  return errorName(err) === 'ValidationError' && /does not exist/i.test((err as Error).message ?? '');
}

/** DescribeStacks for one stack (name or id); undefined when it does not exist. */
async function describeStackRaw(
  aws: Pick<AwsClients, 'region' | 'cloudformation'>,
  stackName: string,
): Promise<Stack | undefined> {
  try {
    return (await aws.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (err) {
    if (isMissingStack(err)) return undefined;
    throw awsCallError({ operation: 'cloudformation:DescribeStacks', resource: stackName, region: aws.region }, err, {
      code: 'E_AWS_DESCRIBE_STACKS',
      fix: 'Check credentials (--profile), permissions (cloudformation:DescribeStacks) and network access to CloudFormation.',
    });
  }
}

/** A deployed stack as the operator commands read it: status, outputs and parameters by key. */
export interface DeployedStack {
  name: string;
  region: string;
  status: string;
  outputs: Record<string, string>;
  parameters: Record<string, string>;
}

/** The stack, or undefined when it does not exist in that region. */
export async function describeDeployedStack(
  aws: Pick<AwsClients, 'region' | 'cloudformation'>,
  name: string,
): Promise<DeployedStack | undefined> {
  const s = await describeStackRaw(aws, name);
  if (!s) return undefined;
  return {
    name,
    region: aws.region,
    status: s.StackStatus ?? 'UNKNOWN',
    outputs: outputsOf(s),
    parameters: Object.fromEntries(
      (s.Parameters ?? []).flatMap((p) =>
        p.ParameterKey && p.ParameterValue !== undefined ? [[p.ParameterKey, p.ParameterValue]] : [],
      ),
    ),
  };
}

/** A stack's outputs by key. */
export function outputsOf(stack: Stack | undefined): Record<string, string> {
  return Object.fromEntries(
    (stack?.Outputs ?? []).flatMap((o) =>
      o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [],
    ),
  );
}

/** A stack is usable when its last operation completed and was not rolled back. */
export function isStackComplete(status: string): boolean {
  return /_COMPLETE$/.test(status) && !/ROLLBACK|DELETE/.test(status);
}
