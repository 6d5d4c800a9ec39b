// drctl deploy: pre-flight (identity, then the account checks of preflight.ts), lock, then run the deploy graph (build, publish, stack change sets) with bounded
// concurrency, passing outputs across regions. Nothing is changed before credentials, account and lock check out.
import { DrError, usageError } from '../errors.js';
import type { Reporter } from '../io/messages.js';
import type { StackNode, DeployNode, NodeState } from '../plan/graph.js';
import { isStackNode } from '../plan/graph.js';
import { nodeStateMessage, runGraph, type ExecutionResult } from './executor.js';
import { ensureStateBucket, stateBucketName } from '../session/state-bucket.js';
import { buildArtifact, publishArtifact, type BuiltArtifact } from './packaging.js';
import type { Project } from '../plan/project.js';
import { sessionOf, type Runtime } from './runtime.js';
import { deployStack, outputsOf, type StackOutcome } from './stack-deployer.js';
import { stackOpsByRegion, type Stack, type StackOps, type Tag } from '../aws/services/cloudformation.js';
import { templateSource, type TemplateStore } from './template-source.js';
import { withEnvironmentLock } from '../session/environment-session.js';
import type { Identity } from '../session/identity.js';
import { runDeployPreflight } from './preflight.js';

export interface DeployRequest {
  /** Layers (`data`) or stack nodes (`data@primary`) to deploy; everything when empty. */
  only: string[];
  concurrency: number;
  yes: boolean;
  forceUnlock: boolean;
}

export interface NodeReport {
  id: string;
  kind: DeployNode['kind'];
  state: NodeState;
  outcome?: StackOutcome | 'built' | 'uploaded' | 'exists';
  error?: Record<string, unknown>;
}

export interface DeployReport {
  environment: string;
  account: string;
  status: 'succeeded' | 'failed' | 'interrupted';
  nodes: NodeReport[];
}

export function stackTags(project: Project): Tag[] {
  return [
    { Key: 'environment', Value: project.config.environment },
    { Key: 'application', Value: project.config.application },
    { Key: 'managed-by', Value: 'drctl' },
  ];
}

/** The template as CloudFormation gets it: minified, so a key order or whitespace edit alone changes nothing. */
export function templateBody(project: Project, node: StackNode): string {
  const t = [...project.layers.values()].find((l) => l.file === node.template)!;
  return JSON.stringify(t.template);
}

/** Which nodes `--only` selects: the named stacks (both passes) plus the artifact steps they need. */
export function selectNodes(project: Project, only: string[]): Set<string> {
  const g = project.graph;
  if (!only.length) return new Set(g.order);
  const stacks = [...g.nodes.values()].filter(isStackNode);
  const selected = new Set<string>();
  for (const name of only) {
    const hits = stacks.filter((n) => n.layer === name || `${n.layer}@${n.role}` === name);
    if (!hits.length) {
      const known = [...new Set(stacks.map((n) => n.layer))].join(', ');
      throw usageError(
        'E_ONLY_UNKNOWN',
        `--only ${name}: no such stack`,
        `Use a layer (${known}) or <layer>@primary|secondary.`,
        { field: '--only' },
      );
    }
    for (const n of hits) selected.add(n.id);
  }

  const addArtifacts = (id: string) => {
    for (const d of g.nodes.get(id)!.dependencies) {
      const dep = g.nodes.get(d)!;
      if (dep.kind !== 'stack' && !selected.has(d)) {
        selected.add(d);
        addArtifacts(d);
      }
    }
  };
  for (const id of [...selected]) addArtifacts(id);
  return selected;
}

/** Resolves a stack node's parameter values from config, outputs already read and published artifacts. */
export function parameterValues(
  node: StackNode,
  existing: Stack | undefined,
  outputs: Map<string, Record<string, string>>,
  artifactKeys: Map<string, string>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, src] of Object.entries(node.parameters)) {
    switch (src.kind) {
      case 'default':
        break; // CloudFormation applies the template's Default.
      case 'automatic':
      case 'config':
        values[name] = src.value;
        break;
      case 'deferred':
        values[name] = existing?.Parameters?.find((p) => p.ParameterKey === name)?.ParameterValue ?? '';
        break;
      case 'output': {
        const v = outputs.get(src.node)?.[src.output];
        if (v === undefined) {
          throw new DrError({
            code: 'E_OUTPUT_MISSING',
            kind: 'aws',
            message: `${node.id}: parameter ${name} needs ${src.node}.${src.output}, but that stack has no such output`,
            fix: `Check the output's Condition in ${src.layer}'s template for the ${src.role} region, or the input in ${node.template}.`,
            file: node.template,
            field: `Metadata.Drctl.Inputs.${name}`,
          });
        }
        values[name] = v;
        break;
      }
      case 'artifact':
        values[name] = artifactKeys.get(src.node)!;
        break;
    }
  }
  return values;
}

/**
 * Stacks outside --only that the selected nodes take outputs from must already be deployed: reads their outputs.
 * Returns them with the set of nodes the executor treats as done.
 */
async function outputsFromOutsideTheRun(
  project: Project,
  selected: Set<string>,
  ops: (region: string) => StackOps,
): Promise<{ done: Set<string>; outputs: Map<string, Record<string, string>> }> {
  const g = project.graph;
  const done = new Set(g.order.filter((id) => !selected.has(id)));
  const outputs = new Map<string, Record<string, string>>();
  for (const id of selected) {
    const node = g.nodes.get(id)!;
    const producers = new Set(node.dependencies);
    if (node.kind === 'stack')
      for (const p of Object.values(node.parameters))
        if (p.kind === 'output' || p.kind === 'deferred') producers.add(p.node);
    for (const d of producers) {
      const dep = g.nodes.get(d)!;
      if (!done.has(d) || dep.kind !== 'stack' || outputs.has(d)) continue;
      const s = await ops(dep.region).describe(dep.stackName);
      if (!s || !['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'].includes(s.StackStatus ?? '')) {
        throw usageError(
          'E_ONLY_DEPENDENCY',
          `${id} needs ${d} (${dep.stackName} in ${dep.region}), which is ${s?.StackStatus ?? 'not deployed'}`,
          `Deploy ${dep.layer} first, or run deploy without --only.`,
          { field: '--only' },
        );
      }
      outputs.set(d, outputsOf(s));
    }
  }
  return { done, outputs };
}

/** A second pass outside --only whose deferred input a selected stack produces may now be out of date: say so. */
function warnSecondPassesLeftOut(project: Project, selected: Set<string>, reporter: Reporter): void {
  for (const n of project.graph.nodes.values()) {
    if (n.kind !== 'stack' || n.pass !== 2 || selected.has(n.id)) continue;
    const from = n.dependencies.filter((d) => selected.has(d) && d !== `${n.layer}@${n.role}`);
    if (from.length)
      reporter.emit({
        code: 'DEPLOY_SECOND_PASS_PENDING',
        level: 'warn',
        text: `${n.id} takes an input from ${from.join(', ')}: run deploy --only ${n.layer}@${n.role} (or a full deploy) to refresh it`,
        data: { node: n.id, from },
      });
  }
}

/** Templates over the TemplateBody limit go through the stack region's state bucket, created once per region. */
function stateBucketTemplates(rt: Runtime, account: string): TemplateStore {
  const buckets = new Map<string, Promise<string>>();
  return {
    s3: (region) => rt.factory(region),
    bucket: (region) => {
      let b = buckets.get(region);
      if (!b) {
        const name = stateBucketName(account, region);
        buckets.set(region, (b = ensureStateBucket(rt.factory(region), name, rt.reporter).then(() => name)));
      }
      return b;
    },
  };
}

/** Stacks deploy in parallel but questions must not: one prompt at a time; after Ctrl-C none is asked (the answer is no). */
function oneQuestionAtATime(reporter: Reporter, signal: AbortSignal | undefined): Reporter {
  let asking: Promise<unknown> = Promise.resolve();
  return {
    emit: (m) => reporter.emit(m),
    result: (v) => reporter.result(v),
    confirm: (q) => {
      const answer = asking.then(() => (signal?.aborted ? false : reporter.confirm(q)));
      asking = answer.catch(() => undefined);
      return answer;
    },
  };
}

/** One stack's line in the summary people read. */
function resultText(n: NodeReport): string {
  if (n.error?.kind === 'interrupted') return String(n.error.message);
  if (n.error) return `failed: ${String(n.error.message)}`;
  if (n.outcome) return n.outcome === 'no-changes' ? 'no changes' : n.outcome;
  return n.state === 'pending' ? 'not started' : n.state;
}

/** The run's report (one line per stack for people) and, unless it succeeded, the error that sets the exit code. */
function summarize(
  project: Project,
  account: string,
  nodes: DeployNode[],
  exec: ExecutionResult,
  outcomes: Map<string, NodeReport['outcome']>,
  reporter: Reporter,
): { report: DeployReport; error?: DrError } {
  const interrupted =
    exec.interrupted || [...exec.errors.values()].some((e) => e instanceof DrError && e.kind === 'interrupted');
  const report: DeployReport = {
    environment: project.config.environment,
    account,
    status: interrupted ? 'interrupted' : exec.errors.size ? 'failed' : 'succeeded',
    nodes: nodes.map((n) => {
      const err = exec.errors.get(n.id);
      return {
        id: n.id,
        kind: n.kind,
        state: exec.states.get(n.id) ?? 'pending',
        ...(outcomes.has(n.id) ? { outcome: outcomes.get(n.id) } : {}),
        ...(err ? { error: err instanceof DrError ? err.toJSON() : { message: String(err) } } : {}),
      };
    }),
  };
  for (const n of report.nodes.filter((x) => x.kind === 'stack'))
    reporter.emit({ code: 'DEPLOY_RESULT', level: 'result', text: `${n.id.padEnd(24)} ${resultText(n)}`, data: n });
  if (report.status === 'interrupted') {
    return {
      report,
      error: new DrError({
        code: 'E_INTERRUPTED',
        kind: 'interrupted',
        message: 'deploy interrupted: no new work was started; operations already running continue in CloudFormation',
        fix: 'Run deploy again to resume: finished stacks report "no changes", running ones are waited for.',
      }),
    };
  }
  if (report.status === 'failed') {
    const failed = report.nodes.filter((n) => n.state === 'failed');
    const first = exec.errors.get(failed[0]!.id);
    const error = new DrError({
      code: 'E_DEPLOY_FAILED',
      kind: first instanceof DrError ? first.kind : 'aws',
      message: `deploy failed: ${failed.map((n) => `${n.id} (${String(n.error?.message ?? '')})`).join('; ')}; ${report.nodes.filter((n) => n.state === 'skipped').length} dependent step(s) skipped`,
      fix:
        first instanceof DrError && first.fix
          ? first.fix
          : 'Fix the cause and deploy again; completed stacks will report "no changes".',
    });
    return { report, error };
  }
  return { report };
}

export async function runDeploy(
  project: Project,
  req: DeployRequest,
  rt: Runtime,
): Promise<{ report: DeployReport; error?: DrError }> {
  const selected = selectNodes(project, req.only);
  const preflight = (identity: Identity) =>
    runDeployPreflight({
      project,
      selected,
      factory: rt.factory,
      reporter: rt.reporter,
      yes: req.yes,
      account: identity.account,
    });
  return withEnvironmentLock(
    sessionOf(project, rt),
    'deploy',
    req.forceUnlock,
    async (identity) => {
      const g = project.graph;
      const ops = stackOpsByRegion(rt);
      const { done, outputs } = await outputsFromOutsideTheRun(project, selected, ops);
      warnSecondPassesLeftOut(project, selected, rt.reporter);
      const built = new Map<string, BuiltArtifact>();
      const artifactKeys = new Map<string, string>();
      const outcomes = new Map<string, NodeReport['outcome']>();
      const store = stateBucketTemplates(rt, identity.account);
      const reporter = oneQuestionAtATime(rt.reporter, rt.signal);

      const run = async (node: DeployNode): Promise<void> => {
        if (node.kind === 'artifact-build') {
          const art = await buildArtifact(project.root, node);
          built.set(node.id, art);
          outcomes.set(node.id, 'built');
          rt.reporter.emit({
            code: 'ARTIFACT_BUILT',
            level: 'info',
            text: `${node.id}: ${art.key} (${art.bytes.length} bytes)`,
            data: { node: node.id, key: art.key, bytes: art.bytes.length, sha256: art.sha256 },
          });
          return;
        }
        if (node.kind === 'artifact-publish') {
          const art = built.get(node.build)!;
          const bucket =
            node.bucket.kind === 'output'
              ? outputs.get(node.bucket.node)?.[node.bucket.output]
              : 'value' in node.bucket
                ? node.bucket.value
                : undefined;
          if (!bucket)
            throw new DrError({
              code: 'E_OUTPUT_MISSING',
              kind: 'aws',
              message: `${node.id}: no artifact bucket name to upload to`,
              fix: 'Check the foundation stack outputs (ArtifactBucketName).',
            });
          const uploaded = await publishArtifact(rt.factory(node.region), bucket, art);
          artifactKeys.set(node.id, art.key);
          outcomes.set(node.id, uploaded ? 'uploaded' : 'exists');
          rt.reporter.emit({
            code: uploaded ? 'ARTIFACT_UPLOADED' : 'ARTIFACT_EXISTS',
            level: 'info',
            text: `${node.id}: ${uploaded ? 'uploaded' : 'already in'} s3://${bucket}/${art.key}`,
            data: { node: node.id, bucket, key: art.key },
          });
          return;
        }
        const template = await templateSource(templateBody(project, node), node.layer, node.region, store);
        const result = await deployStack(
          ops(node.region),
          {
            node,
            template,
            tags: stackTags(project),
            parameters: (existing) => parameterValues(node, existing, outputs, artifactKeys),
          },
          { reporter, clock: rt.clock, signal: rt.signal, yes: req.yes },
        );
        const instance = `${node.layer}@${node.role}`;
        outputs.set(instance, { ...(outputs.get(instance) ?? {}), ...result.outputs });
        outcomes.set(node.id, result.outcome);
      };

      const nodes = g.order.map((id) => g.nodes.get(id)!).filter((n) => selected.has(n.id));
      const exec = await runGraph(nodes, run, {
        concurrency: req.concurrency,
        signal: rt.signal,
        done,
        onState: (node, state, err) => {
          node.state = state;
          rt.reporter.emit({
            ...nodeStateMessage(node.id, state, err),
            code: 'DEPLOY_NODE_STATE',
            data: { node: node.id, kind: node.kind, state, outcome: outcomes.get(node.id) },
          });
        },
      });
      return summarize(project, identity.account, nodes, exec, outcomes, rt.reporter);
    },
    preflight,
  );
}
