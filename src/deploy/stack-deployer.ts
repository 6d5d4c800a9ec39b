// Brings one stack to the desired template + parameters through a change set, whatever state a previous run
// (or a failure) left it in: waits out operations in progress, recreates ROLLBACK_COMPLETE stacks after
// confirmation, continues UPDATE_ROLLBACK_FAILED rollbacks, replaces stale change sets, and reports "no changes".
import { DrError } from '../errors.js';
import type { Reporter } from '../io/messages.js';
import type { Clock } from '../clock.js';
import type { StackNode } from '../plan/graph.js';
import {
  CHANGE_SET_PREFIX,
  interrupted,
  isInProgress,
  isNoChangesReason,
  outputsOf,
  type Change,
  type Stack,
  type StackOps,
  type Tag,
  type TemplateSource,
} from '../aws/services/cloudformation.js';

export { outputsOf };

/** Resource types that hold data: replacing or removing one loses it. */
export const STATEFUL_TYPES = new Set([
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::S3::Bucket',
  'AWS::EFS::FileSystem',
  'AWS::EC2::Volume',
  'AWS::KMS::Key',
  'AWS::SecretsManager::Secret',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Logs::LogGroup',
]);

export interface ChangeSummary {
  action: string;
  logicalId: string;
  type: string;
  replacement: string;
  /** Replaces or removes a stateful resource. */
  destructive: boolean;
}

export function summarizeChanges(changes: Change[]): ChangeSummary[] {
  return changes
    .map((c) => c.ResourceChange)
    .filter((rc): rc is NonNullable<typeof rc> => Boolean(rc))
    .map((rc) => {
      const type = rc.ResourceType ?? '';
      const replacement = rc.Replacement ?? (rc.Action === 'Modify' ? 'False' : '-');
      const destructive =
        STATEFUL_TYPES.has(type) &&
        (rc.Action === 'Remove' ||
          (rc.Action === 'Modify' && (replacement === 'True' || replacement === 'Conditional')));
      return { action: rc.Action ?? '', logicalId: rc.LogicalResourceId ?? '', type, replacement, destructive };
    });
}

export type StackOutcome = 'created' | 'updated' | 'no-changes';

export interface StackDeployDeps {
  reporter: Reporter;
  clock: Clock;
  signal?: AbortSignal;
  /** Answer yes to confirmations (replacing stateful resources, recreating a rolled-back stack). */
  yes: boolean;
}

export interface StackDeployInput {
  node: StackNode;
  template: TemplateSource;
  tags: Tag[];
  /** Parameter values, given what is deployed now (deferred inputs keep their deployed value). */
  parameters: (existing: Stack | undefined) => Record<string, string>;
}

const FAILED_END_STATES = new Set(['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED']);

function stackFailure(node: StackNode, status: string, detail: string | undefined, fix: string): DrError {
  return new DrError({
    code: 'E_STACK_FAILED',
    kind: 'aws',
    message: `${node.id}: ${node.stackName} in ${node.region} ended in ${status}${detail ? `: ${detail}` : ''}`,
    fix,
  });
}

async function confirm(deps: StackDeployDeps, question: string): Promise<boolean> {
  return deps.yes || (await deps.reporter.confirm(question));
}

/**
 * Brings a stack a previous run (or a failure) left behind into a state a change set can start from: waits out an
 * operation in progress, deletes a stack whose first creation failed (after confirmation), continues a failed
 * update rollback, and clears drctl change sets left pending. Returns the stack, or undefined when there is none.
 */
async function settle(ops: StackOps, node: StackNode, deps: StackDeployDeps): Promise<Stack | undefined> {
  const { reporter } = deps;
  let stack = await ops.describe(node.stackName);

  // A previous run was interrupted mid-operation: CloudFormation carried on; wait for it to settle.
  if (stack && isInProgress(stack.StackStatus)) {
    reporter.emit({
      code: 'DEPLOY_RESUME_WAIT',
      level: 'info',
      text: `${node.id}: ${node.stackName} is ${stack.StackStatus} (left by an earlier run); waiting for it`,
      data: { node: node.id, status: stack.StackStatus },
    });
    stack = await ops.waitStable(node.stackName, node.id, deps.clock.now());
  }

  if (stack && FAILED_END_STATES.has(stack.StackStatus ?? '')) {
    const ok = await confirm(
      deps,
      `${node.stackName} in ${node.region} is ${stack.StackStatus}: its first creation failed and it cannot be updated. Delete it and create it again?`,
    );
    if (!ok) {
      throw new DrError({
        code: 'E_STACK_NEEDS_RECREATE',
        kind: 'conflict',
        message: `${node.id}: ${node.stackName} in ${node.region} is ${stack.StackStatus} and can only be deleted and recreated`,
        fix: 'Run deploy again with --yes (or answer yes) to delete and recreate it.',
      });
    }
    reporter.emit({
      code: 'DEPLOY_RECREATE',
      level: 'warn',
      text: `${node.id}: deleting ${node.stackName} (${stack.StackStatus}) to create it again`,
      data: { node: node.id, status: stack.StackStatus },
    });
    const since = deps.clock.now();
    await ops.deleteStack(stack.StackId ?? node.stackName);
    const after = await ops.waitStable(stack.StackId ?? node.stackName, node.id, since, true);
    if (after)
      throw stackFailure(
        node,
        after.StackStatus ?? 'UNKNOWN',
        await ops.firstFailure(stack.StackId ?? node.stackName, since),
        'Delete the stack by hand (see its events), then deploy again.',
      );
    return undefined;
  }

  if (stack?.StackStatus === 'UPDATE_ROLLBACK_FAILED') {
    reporter.emit({
      code: 'DEPLOY_CONTINUE_ROLLBACK',
      level: 'warn',
      text: `${node.id}: ${node.stackName} is UPDATE_ROLLBACK_FAILED; continuing the rollback before updating`,
      data: { node: node.id },
    });
    const since = deps.clock.now();
    await ops.continueUpdateRollback(node.stackName);
    stack = await ops.waitStable(node.stackName, node.id, since, true);
    if (stack?.StackStatus !== 'UPDATE_ROLLBACK_COMPLETE') {
      throw stackFailure(
        node,
        stack?.StackStatus ?? 'DELETE_COMPLETE',
        undefined,
        'Resolve the resource that blocks the rollback (stack events), then deploy again.',
      );
    }
  }

  if (stack?.StackStatus === 'DELETE_FAILED') {
    throw new DrError({
      code: 'E_STACK_DELETE_FAILED',
      kind: 'conflict',
      message: `${node.id}: ${node.stackName} in ${node.region} is DELETE_FAILED`,
      fix: 'Finish deleting it (drctl destroy, or the console), then deploy again.',
    });
  }

  // Change sets a crashed or interrupted run left behind would confuse the next step: replace them.
  if (stack) {
    const stale = await ops.deleteStaleChangeSets(node.stackName, stack.StackId);
    if (stale.length)
      reporter.emit({
        code: 'DEPLOY_STALE_CHANGESET_DELETED',
        level: 'info',
        text: `${node.id}: deleted change set(s) left by an earlier run: ${stale.join(', ')}`,
        data: { node: node.id, changeSets: stale },
      });
  }
  return stack;
}

/** Deploys one stack node; returns what happened and the stack's outputs. */
export async function deployStack(
  ops: StackOps,
  input: StackDeployInput,
  deps: StackDeployDeps,
): Promise<{ outcome: StackOutcome; outputs: Record<string, string> }> {
  const { node } = input;
  const { reporter } = deps;
  const stack = await settle(ops, node, deps);
  const exists = stack !== undefined && stack.StackStatus !== 'REVIEW_IN_PROGRESS';
  const values = input.parameters(stack);
  const name = `${CHANGE_SET_PREFIX}${new Date(deps.clock.now())
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14)}-p${node.pass}`;
  const id = await ops.createChangeSet({
    stackName: node.stackName,
    name,
    type: exists ? 'UPDATE' : 'CREATE',
    template: input.template,
    parameters: Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    tags: input.tags,
  });
  const cs = await ops.waitChangeSet(node.stackName, id);
  if (cs.status === 'INTERRUPTED') {
    await ops.deleteChangeSet(node.stackName, id);
    throw interrupted(`before changing ${node.stackName}`);
  }
  if (cs.status === 'FAILED') {
    await ops.deleteChangeSet(node.stackName, id);
    if (isNoChangesReason(cs.reason) && exists) {
      reporter.emit({
        code: 'DEPLOY_NO_CHANGES',
        level: 'info',
        text: `${node.id}: ${node.stackName} (${node.region}) no changes`,
        data: { node: node.id, stackName: node.stackName, region: node.region },
      });
      return { outcome: 'no-changes', outputs: outputsOf(stack) };
    }
    throw new DrError({
      code: 'E_CHANGESET_FAILED',
      kind: 'aws',
      message: `${node.id}: change set for ${node.stackName} in ${node.region} failed: ${cs.reason ?? 'no reason given'}`,
      fix: 'Fix the template or parameters the reason names, then deploy again.',
    });
  }

  const summary = summarizeChanges(cs.changes);
  reporter.emit({
    code: 'DEPLOY_CHANGESET',
    level: 'info',
    text: [
      `${node.id}: ${exists ? 'update' : 'create'} ${node.stackName} (${node.region}), ${summary.length} change(s)`,
      ...summary.map(
        (c) =>
          `    ${c.action.padEnd(7)} ${c.logicalId.padEnd(28)} ${c.type.padEnd(44)} replacement: ${c.replacement}${c.destructive ? '  (stateful!)' : ''}`,
      ),
    ].join('\n'),
    data: {
      node: node.id,
      stackName: node.stackName,
      region: node.region,
      type: exists ? 'UPDATE' : 'CREATE',
      changes: summary,
    },
  });
  const destructive = summary.filter((c) => c.destructive);
  if (destructive.length) {
    const ok = await confirm(
      deps,
      `${node.stackName} in ${node.region} would ${destructive.map((c) => `${c.action === 'Remove' ? 'delete' : 'replace'} ${c.logicalId} (${c.type})`).join(', ')}, losing its data. Continue?`,
    );
    if (!ok) {
      await ops.deleteChangeSet(node.stackName, id);
      throw new DrError({
        code: 'E_STATEFUL_REPLACEMENT',
        kind: 'interrupted',
        message: `${node.id}: not executing a change set that replaces or deletes ${destructive.map((c) => c.logicalId).join(', ')}`,
        fix: 'Re-run with --yes if losing that data is intended, or change the template so the resource is updated in place.',
      });
    }
  }
  if (deps.signal?.aborted) {
    await ops.deleteChangeSet(node.stackName, id);
    throw interrupted(`before changing ${node.stackName}`);
  }

  const since = deps.clock.now();
  await ops.executeChangeSet(node.stackName, id);
  const final = await ops.waitStable(node.stackName, node.id, since - 1000, true);
  const status = final?.StackStatus ?? 'DELETE_COMPLETE';
  if (status !== 'CREATE_COMPLETE' && status !== 'UPDATE_COMPLETE') {
    const fix =
      status === 'ROLLBACK_COMPLETE'
        ? 'Fix the cause, then deploy again: drctl deletes the rolled-back stack (after confirmation) and creates it anew.'
        : status === 'UPDATE_ROLLBACK_FAILED'
          ? 'Deploy again: drctl continues the rollback first (ContinueUpdateRollback).'
          : 'Fix the cause named in the stack events, then deploy again.';
    throw stackFailure(node, status, await ops.firstFailure(final?.StackId ?? node.stackName, since - 1000), fix);
  }
  return { outcome: exists ? 'updated' : 'created', outputs: outputsOf(final) };
}
