// drctl destroy: deletes the environment's stacks in reverse dependency order. Each stack is prepared first:
// versioned buckets emptied (every version and delete marker) and replicated secrets' replicas removed, since
// CloudFormation cannot delete either as they are. The secondary's RDS replica goes before its source (the reverse
// of the input edge that created it), and the global table goes with the primary data stack once every stack
// that consumes it is gone. Stacks without this environment's tag are never touched.
import { DrError } from '../errors.js';
import type { MessageCode } from '../io/message-codes.js';
import { emptyBucket, type BucketEmptyResult } from '../aws/services/s3.js';
import { withEnvironmentLock } from '../session/environment-session.js';
import { nodeStateMessage, runGraph, type ExecNode, type ExecutionResult } from './executor.js';
import { stackInstances, type DeployGraph, type NodeState, type StackNode } from '../plan/graph.js';
import type { Project } from '../plan/project.js';
import { sessionOf, type Runtime } from './runtime.js';
import { removeSecretReplicas } from './secret-replicas.js';
import {
  stackOpsByRegion,
  type Stack,
  type StackOps,
  type StackResourceSummary,
} from '../aws/services/cloudformation.js';

export interface DestroyNode extends ExecNode {
  stack: StackNode;
}

/** Stack-level dependencies of each stack (through artifact steps; deferred second-pass inputs ignored). */
export function stackDependencies(g: DeployGraph): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const through = (id: string, acc: Set<string>) => {
    for (const d of g.nodes.get(id)!.dependencies) {
      const dep = g.nodes.get(d)!;
      if (dep.kind === 'stack') acc.add(`${dep.layer}@${dep.role}`);
      else through(d, acc);
    }
    return acc;
  };
  for (const s of stackInstances(g)) out.set(s.id, through(s.id, new Set()));
  return out;
}

/** The destroy graph: a stack is deleted only after every stack that depends on it. */
export function destroyGraph(g: DeployGraph): DestroyNode[] {
  const deps = stackDependencies(g);
  const instances = stackInstances(g);
  return instances
    .map((s) => ({
      id: s.id,
      stack: s,
      dependencies: [...deps]
        .filter(([, ds]) => ds.has(s.id))
        .map(([consumer]) => consumer)
        .sort(),
      // Reverse the deploy priority: what deployed last is removed first.
      priority: g.criticalPathSeconds - s.priority,
    }))
    .reverse();
}

export { emptyBucket, type BucketEmptyResult };

export interface DestroyRequest {
  yes: boolean;
  concurrency: number;
  forceUnlock: boolean;
}

export interface DestroyReport {
  environment: string;
  account: string;
  status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'nothing-to-do';
  stacks: {
    id: string;
    stackName: string;
    region: string;
    state: NodeState;
    outcome?: 'deleted' | 'absent' | 'foreign';
    buckets?: BucketEmptyResult[];
    error?: Record<string, unknown>;
  }[];
}

/** The stack's resources of `type` that still exist: their physical ids (bucket names, secret ARNs). */
function live(resources: StackResourceSummary[], type: string): string[] {
  return resources
    .filter((r) => r.ResourceType === type && r.PhysicalResourceId && r.ResourceStatus !== 'DELETE_COMPLETE')
    .map((r) => r.PhysicalResourceId!);
}

/**
 * Makes the stack deletable by CloudFormation: empties every bucket it still has (adding what each held to
 * `emptied`) and removes the replicas of its secrets. Returns how many buckets and secrets it worked on.
 */
async function prepareForDeletion(
  n: DestroyNode,
  stackId: string,
  o: StackOps,
  rt: Runtime,
  emptied: BucketEmptyResult[],
): Promise<number> {
  const clients = rt.factory(n.stack.region);
  const resources = await o.listResources(stackId);
  let count = 0;
  for (const bucket of live(resources, 'AWS::S3::Bucket')) {
    const res = await emptyBucket(clients, bucket);
    count++;
    const seen = emptied.find((b) => b.bucket === res.bucket);
    if (seen) {
      seen.versions += res.versions;
      seen.deleteMarkers += res.deleteMarkers;
    } else emptied.push(res);
    rt.reporter.emit({
      code: 'DESTROY_BUCKET_EMPTIED',
      level: 'info',
      text: `${n.id}: emptied s3://${res.bucket} (${res.versions} versions, ${res.deleteMarkers} delete markers)`,
      data: { node: n.id, ...res },
    });
  }
  // The stack's own secrets only, in its own Region: a stack's secret resource is always the primary copy there.
  for (const secret of live(resources, 'AWS::SecretsManager::Secret')) {
    const removed = await removeSecretReplicas(clients, secret);
    if (!removed) continue;
    count++;
    rt.reporter.emit({
      code: 'DESTROY_SECRET_REPLICAS_REMOVED',
      level: 'info',
      text: `${n.id}: removed the replicas of ${removed.secret} in ${removed.regions.join(', ')} (Secrets Manager deletes no secret that still has replicas)`,
      data: { node: n.id, ...removed },
    });
  }
  return count;
}

/**
 * Prepares the stack, deletes it and waits. Objects can still land in a bucket after it was emptied (replication
 * in flight, access logs), which fails the delete: then the stack is prepared again and the delete retried, once.
 */
async function deletePrepared(
  n: DestroyNode,
  stackId: string,
  o: StackOps,
  rt: Runtime,
  emptied: BucketEmptyResult[],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const prepared = await prepareForDeletion(n, stackId, o, rt, emptied);
    const since = rt.clock.now();
    await o.deleteStack(stackId);
    const after = await o.waitStable(stackId, n.id, since - 1000, true);
    if (!after) return;
    if (attempt === 1 && prepared > 0 && after.StackStatus === 'DELETE_FAILED') {
      rt.reporter.emit({
        code: 'DESTROY_RETRY',
        level: 'warn',
        text: `${n.id}: ${n.stack.stackName} is DELETE_FAILED; preparing it again (objects may have reached its buckets after they were emptied) and retrying`,
        data: { node: n.id },
      });
      continue;
    }
    throw new DrError({
      code: 'E_STACK_DELETE_FAILED',
      kind: 'aws',
      message: `${n.id}: ${n.stack.stackName} in ${n.stack.region} ended in ${after.StackStatus}: ${(await o.firstFailure(after.StackId ?? stackId, since - 1000)) ?? after.StackStatusReason ?? ''}`,
      fix: 'Resolve what the stack events name, then destroy again.',
    });
  }
}

function ownedBy(project: Project, s: Stack): boolean {
  const tag = (k: string) => s.Tags?.find((t) => t.Key === k)?.Value;
  return tag('environment') === project.config.environment && tag('managed-by') === 'drctl';
}

/** Which of the environment's stacks exist, and which of those carry another owner's tags (never touched). */
async function inventory(
  project: Project,
  nodes: DestroyNode[],
  opsFor: (region: string) => StackOps,
  reporter: Runtime['reporter'],
): Promise<{ targets: DestroyNode[]; foreign: Set<string>; vaultLocks: VaultLock[] }> {
  const existing = new Set<string>();
  const foreign = new Set<string>();
  const vaultLocks: VaultLock[] = [];
  for (const n of nodes) {
    const s = await opsFor(n.stack.region).describe(n.stack.stackName);
    if (!s) continue;
    existing.add(n.id);
    if (ownedBy(project, s)) {
      const mode = s.Parameters?.find((p) => p.ParameterKey === 'VaultLockMode')?.ParameterValue;
      if (mode === 'governance' || mode === 'compliance') vaultLocks.push({ node: n.id, region: n.stack.region, mode });
      continue;
    }
    foreign.add(n.id);
    reporter.emit({
      code: 'DESTROY_FOREIGN_STACK',
      level: 'warn',
      text: `${n.id}: ${n.stack.stackName} in ${n.stack.region} does not carry environment=${project.config.environment} and managed-by=drctl tags; leaving it alone`,
      data: { node: n.id },
    });
  }
  return { targets: nodes.filter((n) => existing.has(n.id) && !foreign.has(n.id)), foreign, vaultLocks };
}

/** A deployed backup stack whose vault is locked (its VaultLockMode parameter). */
interface VaultLock {
  node: string;
  region: string;
  mode: 'governance' | 'compliance';
}

/**
 * What a vault lock means for this destroy, said before anyone confirms. CloudFormation cannot delete a vault that
 * holds recovery points; a compliance lock makes that permanent until every recovery point's retention has passed.
 */
function vaultLockWarning(lock: VaultLock): { code: MessageCode; text: string } {
  if (lock.mode === 'compliance')
    return {
      code: 'DESTROY_VAULT_COMPLIANCE_LOCK',
      text: `${lock.node}: the backup vault in ${lock.region} is locked in COMPLIANCE mode. This cannot be undone: nobody (not the account root, not AWS) can delete its recovery points before their retention ends, so the vault and this stack cannot be deleted until then; the stack will be reported as failed and kept.`,
    };
  return {
    code: 'DESTROY_VAULT_GOVERNANCE_LOCK',
    text: `${lock.node}: the backup vault in ${lock.region} is locked in governance mode: its recovery points must be deleted first (a principal allowed backup:DeleteBackupVaultLockConfiguration can remove the lock), or deleting the stack fails and it is kept.`,
  };
}

type StackReport = DestroyReport['stacks'][number];

/** One stack's line in the summary people read. */
function resultText(s: StackReport): string {
  if (s.error?.kind === 'interrupted') return String(s.error.message);
  if (s.error) return `failed: ${String(s.error.message)}`;
  if (s.outcome) return s.outcome;
  return s.state === 'pending'
    ? 'not started'
    : s.state === 'skipped'
      ? 'kept (a stack that uses it was not deleted)'
      : s.state;
}

/** The run's status and, unless it succeeded, the error that sets the exit code. */
function destroyOutcome(
  stacks: StackReport[],
  exec: ExecutionResult,
  foreign: Set<string>,
): { status: DestroyReport['status']; error?: DrError } {
  const interrupted =
    exec.interrupted || [...exec.errors.values()].some((e) => e instanceof DrError && e.kind === 'interrupted');
  if (interrupted)
    return {
      status: 'interrupted',
      error: new DrError({
        code: 'E_INTERRUPTED',
        kind: 'interrupted',
        message: 'destroy interrupted; deletions already started continue in CloudFormation',
        fix: 'Run destroy again to finish.',
      }),
    };
  const failed = stacks.filter((s) => s.state === 'failed' && !foreign.has(s.id));
  const kept = stacks.filter((s) => s.state === 'skipped' && !s.outcome);
  if (!failed.length && !kept.length) return { status: 'succeeded' };
  return {
    status: 'failed',
    error: new DrError({
      code: 'E_DESTROY_FAILED',
      kind: failed.length ? 'aws' : 'conflict',
      message: `destroy incomplete: ${[...failed.map((s) => `${s.id} failed`), ...kept.map((s) => `${s.id} kept (a stack that depends on it was not deleted)`)].join('; ')}`,
      fix: 'Resolve the failures named above, then destroy again.',
    }),
  };
}

export async function runDestroy(
  project: Project,
  req: DestroyRequest,
  rt: Runtime,
): Promise<{ report: DestroyReport; error?: DrError }> {
  return withEnvironmentLock(sessionOf(project, rt), 'destroy', req.forceUnlock, async (identity) => {
    const opsFor = stackOpsByRegion(rt);
    const nodes = destroyGraph(project.graph);
    const { targets, foreign, vaultLocks } = await inventory(project, nodes, opsFor, rt.reporter);
    const base = { environment: project.config.environment, account: identity.account };
    if (!targets.length) {
      rt.reporter.emit({
        code: 'DESTROY_NOTHING',
        level: 'result',
        text: `nothing to destroy in ${project.config.environment}`,
        data: {},
      });
      return {
        report: {
          ...base,
          status: 'nothing-to-do',
          stacks: nodes.map((n) => ({
            id: n.id,
            stackName: n.stack.stackName,
            region: n.stack.region,
            state: 'skipped',
            outcome: foreign.has(n.id) ? 'foreign' : 'absent',
          })),
        },
      };
    }
    rt.reporter.emit({
      code: 'DESTROY_PLAN',
      level: 'result',
      text: `Destroy ${targets.length} stack(s) of ${project.config.environment} in account ${identity.account}, in this order:\n${targets.map((n) => `  ${n.id}  ${n.stack.stackName}  ${n.stack.region}`).join('\n')}`,
      data: { stacks: targets.map((n) => n.id) },
    });
    for (const lock of vaultLocks.filter((l) => targets.some((n) => n.id === l.node))) {
      const w = vaultLockWarning(lock);
      rt.reporter.emit({ code: w.code, level: 'warn', text: w.text, data: { ...lock } });
    }
    const ok =
      req.yes ||
      (await rt.reporter.confirm(
        `Delete these ${targets.length} stacks and all their data (buckets are emptied, databases deleted without snapshot)?`,
      ));
    if (!ok) {
      return {
        report: { ...base, status: 'cancelled', stacks: [] },
        error: new DrError({
          code: 'E_CONFIRMATION_REFUSED',
          kind: 'interrupted',
          message: 'destroy cancelled: nothing was deleted',
          fix: 'Run with --yes to confirm non-interactively.',
        }),
      };
    }

    const buckets = new Map<string, BucketEmptyResult[]>();
    const outcomes = new Map<string, 'deleted' | 'absent' | 'foreign'>();
    const done = new Set(nodes.filter((n) => !targets.includes(n)).map((n) => n.id));
    for (const id of done) outcomes.set(id, foreign.has(id) ? 'foreign' : 'absent');
    // A foreign stack runs as a failing node, so whatever it depends on is kept (skipped) too.
    const exec = await runGraph(
      nodes.filter((n) => !done.has(n.id) || foreign.has(n.id)),
      async (n) => {
        if (foreign.has(n.id))
          throw new DrError({
            code: 'E_DESTROY_FOREIGN_STACK',
            kind: 'conflict',
            message: `${n.stack.stackName} in ${n.stack.region} is not tagged as ${project.config.environment}'s`,
            fix: 'Delete it by hand if it really belongs to this environment.',
          });
        const o = opsFor(n.stack.region);
        let s = await o.describe(n.stack.stackName);
        if (s && s.StackStatus?.endsWith('_IN_PROGRESS') && s.StackStatus !== 'DELETE_IN_PROGRESS')
          s = await o.waitStable(n.stack.stackName, n.id, rt.clock.now());
        if (!s) {
          outcomes.set(n.id, 'absent');
          return;
        }
        buckets.set(n.id, []);
        await deletePrepared(n, s.StackId ?? n.stack.stackName, o, rt, buckets.get(n.id)!);
        outcomes.set(n.id, 'deleted');
      },
      {
        concurrency: req.concurrency,
        signal: rt.signal,
        done: new Set([...done].filter((id) => !foreign.has(id))),
        onState: (n, state, err) =>
          rt.reporter.emit({
            ...nodeStateMessage(n.id, state, err),
            code: 'DESTROY_NODE_STATE',
            data: { node: n.id, state },
          }),
      },
    );
    const stacks = nodes.map((n): StackReport => {
      const err = exec.errors.get(n.id);
      const outcome = outcomes.get(n.id);
      return {
        id: n.id,
        stackName: n.stack.stackName,
        region: n.stack.region,
        state: exec.states.get(n.id) ?? (done.has(n.id) ? 'skipped' : 'pending'),
        ...(outcome ? { outcome } : {}),
        ...(buckets.has(n.id) ? { buckets: buckets.get(n.id) } : {}),
        ...(err && !foreign.has(n.id)
          ? { error: err instanceof DrError ? err.toJSON() : { message: String(err) } }
          : {}),
      };
    });
    for (const s of stacks)
      rt.reporter.emit({
        code: 'DESTROY_RESULT',
        level: 'result',
        text: `${s.id.padEnd(24)} ${resultText(s)}`,
        data: s,
      });
    const { status, error } = destroyOutcome(stacks, exec, foreign);
    return { report: { ...base, status, stacks }, ...(error ? { error } : {}) };
  });
}
