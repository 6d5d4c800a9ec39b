// Derives the deploy graph from the resolved parameters (src/plan/parameters.ts): edges come from inputs, cycles are
// broken by deferring optional inputs to a second pass, artifacts add build and publish nodes. No order is written
// by hand.
import path from 'node:path';
import { DrError } from '../errors.js';
import type { MessageCode } from '../io/message-codes.js';
import { stackName } from '../config/load-config.js';
import type { EnvironmentConfig } from '../config/config-types.js';
import { BUILD_SECONDS, PUBLISH_SECONDS, stackCreateSeconds, stackUpdateSeconds } from './estimates.js';
import { criticalPath, cycles, priorities, topologicalOrder, waves, type Deps } from './graph-analysis.js';
import {
  stackNodeId,
  type ArtifactBuildNode,
  type ArtifactPublishNode,
  type DeployGraph,
  type DeployNode,
  type ParameterSource,
  type StackNode,
} from './graph.js';
import {
  artifactName,
  publishNodeId,
  resolveParameters,
  type InputEdge,
  type ParameterInput,
  type ResolvedParameters,
} from './parameters.js';

export interface GraphInput extends ParameterInput {
  /** Already resolved parameters (loadProject resolves once); resolved from the input otherwise. */
  resolved?: ResolvedParameters;
}

function problem(code: MessageCode, message: string, fix: string, file: string, field: string): DrError {
  return new DrError({ code, kind: 'config', message: `${file}: ${field}: ${message}`, fix, file, field });
}

/** How cheap it is to defer an edge: a primary input waiting on the secondary is the natural second pass. */
function deferRank(e: InputEdge): number {
  return e.consumer.endsWith('@primary') && e.producer.endsWith('@secondary') ? 0 : 1;
}

export function buildDeployGraph(input: GraphInput): DeployGraph {
  const { config } = input;
  const {
    stacks: instances,
    edges,
    artifacts: artifactUses,
    warnings: resolvedWarnings,
  } = input.resolved ?? resolveParameters(input);
  const warnings = [...resolvedWarnings];

  // Break cycles: repeatedly defer the cheapest optional edge inside a cycle.
  const deferred = new Set<InputEdge>();
  const stackDeps = (): Deps => {
    const d: Deps = new Map([...instances.keys()].map((id) => [id, [] as string[]]));
    for (const e of edges) if (!deferred.has(e)) d.get(e.consumer)!.push(e.producer);
    return d;
  };
  for (;;) {
    const cyc = cycles(stackDeps())[0];
    if (!cyc) break;
    const inCycle = edges.filter((e) => !deferred.has(e) && cyc.includes(e.consumer) && cyc.includes(e.producer));
    const candidate = inCycle
      .filter((e) => e.optional)
      .sort(
        (a, b) => deferRank(a) - deferRank(b) || a.consumer.localeCompare(b.consumer) || a.param.localeCompare(b.param),
      )[0];
    if (!candidate) {
      const first = inCycle[0]!;
      const chain = inCycle
        .map((e) => `${e.consumer} needs ${e.producer}.${e.output} (parameter ${e.param})`)
        .join('; ');
      throw new DrError({
        code: 'E_PLAN_CYCLE',
        kind: 'config',
        message: `${first.file}: Metadata.Drctl.Inputs.${first.param}: the stacks ${cyc.join(', ')} depend on each other and no input in the cycle is optional: ${chain}`,
        fix: `Give one of these parameters "Default": "" (with a Condition that turns its use off) so drctl can set it in a second pass, or remove one input.`,
        file: first.file,
        field: `Metadata.Drctl.Inputs.${first.param}`,
      });
    }
    deferred.add(candidate);
  }

  // Nodes.
  const nodes = new Map<string, DeployNode>();
  const base = { priority: 0, state: 'pending' as const };
  // Values for estimating a stack's first pass offline: an output or artifact is some non-empty value, a deferred
  // input is still empty (its Condition off), a literal is itself.
  const firstPassValue = (src: ParameterSource): string => {
    if (src.kind === 'output' || src.kind === 'artifact') return 'x';
    if (src.kind === 'deferred') return '';
    return src.value;
  };
  for (const inst of instances.values()) {
    const mine = [...deferred].filter((e) => e.consumer === inst.id);
    const second = stackNodeId(inst.layer, inst.role, 2);
    const params: Record<string, ParameterSource> = { ...inst.parameters };
    for (const e of mine) {
      const src = params[e.param] as Extract<ParameterSource, { kind: 'output' }>;
      params[e.param] = {
        kind: 'deferred',
        secondPass: second,
        node: src.node,
        layer: src.layer,
        role: src.role,
        output: src.output,
      };
    }
    const firstPass = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, firstPassValue(v)]));
    const common = {
      layer: inst.layer,
      role: inst.role,
      region: config.regions[inst.role],
      stackName: stackName(config, inst.layer),
      template: inst.template.file,
    };
    nodes.set(inst.id, {
      ...base,
      ...common,
      id: inst.id,
      kind: 'stack',
      pass: 1,
      parameters: params,
      dependencies: [
        ...new Set(edges.filter((e) => e.consumer === inst.id && !deferred.has(e)).map((e) => e.producer)),
      ].sort(),
      estimateSeconds: stackCreateSeconds(inst.template.template, firstPass),
    });
    if (mine.length) {
      nodes.set(second, {
        ...base,
        ...common,
        id: second,
        kind: 'stack',
        pass: 2,
        parameters: { ...inst.parameters },
        dependencies: [...new Set([inst.id, ...mine.map((e) => e.producer)])].sort(),
        estimateSeconds: stackUpdateSeconds(
          inst.template.template,
          mine.map((e) => e.param),
        ),
      });
    }
  }

  // Artifacts: one build per entry, one publish per (artifact, region); the consuming stacks wait for the publish.
  for (const { stack, param, artifact: art } of artifactUses) {
    const inst = instances.get(stack)!;
    const name = artifactName(art.Entry);
    const buildId = `build:${name}`;
    const existing = nodes.get(buildId);
    if (
      existing &&
      existing.kind === 'artifact-build' &&
      (existing.entry !== path.normalize(art.Entry) || existing.artifactKind !== art.Kind)
    ) {
      throw problem(
        'E_PLAN_ARTIFACT_CONFLICT',
        `artifact "${name}" is declared with a different Entry or Kind elsewhere`,
        'Use the same Entry and Kind for one artifact everywhere.',
        inst.template.file,
        `Metadata.Drctl.Artifacts.${param}`,
      );
    }
    if (!existing)
      nodes.set(buildId, {
        ...base,
        id: buildId,
        kind: 'artifact-build',
        artifact: name,
        entry: path.normalize(art.Entry),
        artifactKind: art.Kind,
        dependencies: [],
        estimateSeconds: BUILD_SECONDS,
      } satisfies ArtifactBuildNode);
    const publishId = publishNodeId(name, inst.role);
    const bucket = inst.parameters[art.BucketParameter]!;
    if (!nodes.has(publishId)) {
      const bucketDeps = bucket.kind === 'output' ? [bucket.node] : [];
      nodes.set(publishId, {
        ...base,
        id: publishId,
        kind: 'artifact-publish',
        artifact: name,
        role: inst.role,
        region: config.regions[inst.role],
        build: buildId,
        bucket,
        dependencies: [buildId, ...bucketDeps].sort(),
        estimateSeconds: PUBLISH_SECONDS,
      } satisfies ArtifactPublishNode);
    }
    for (const pass of [1, 2] as const) {
      const n = nodes.get(stackNodeId(inst.layer, inst.role, pass)) as StackNode | undefined;
      if (!n) continue;
      n.parameters[param] = { kind: 'artifact', node: publishId, artifact: name };
      if (!n.dependencies.includes(publishId)) n.dependencies = [...n.dependencies, publishId].sort();
    }
  }

  return analyse(config, nodes, warnings);
}

/** Orders the nodes, computes priorities, waves and the critical path; reports a cycle the builder could not break. */
export function analyse(config: EnvironmentConfig, nodes: Map<string, DeployNode>, warnings: string[]): DeployGraph {
  const deps: Deps = new Map([...nodes].map(([id, n]) => [id, n.dependencies]));
  const cyc = cycles(deps)[0];
  if (cyc) {
    throw new DrError({
      code: 'E_PLAN_CYCLE',
      kind: 'config',
      message: `the deploy steps ${cyc.join(', ')} depend on each other (an artifact bucket fed by the stack that needs the artifact?)`,
      fix: 'Take the artifact bucket from a stack that does not need the artifact (the foundation layer).',
    });
  }
  const seconds = new Map([...nodes].map(([id, n]) => [id, n.estimateSeconds]));
  const prio = priorities(deps, seconds);
  for (const [id, n] of nodes) n.priority = prio.get(id) ?? 0;
  const order = topologicalOrder(deps, prio);
  const path = criticalPath(deps, prio, seconds);
  return {
    environment: config.environment,
    regions: config.regions,
    nodes,
    order,
    waves: waves(deps, order),
    criticalPath: path,
    criticalPathSeconds: path.length ? (prio.get(path[0]!) ?? 0) : 0,
    warnings,
  };
}
