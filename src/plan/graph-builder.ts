// Derives the deploy graph from the templates' Metadata.Drctl (Regions, Inputs, Artifacts) and the config.
// No order is written by hand: edges come from inputs; cycles are broken by deferring optional inputs.
import path from 'node:path';
import { DrError } from '../errors.js';
import { automaticParameters, parameterToString, stackName } from '../config/load-config.js';
import type { EnvironmentConfig } from '../config/config-types.js';
import type { LoadedTemplate } from '../templates/catalog.js';
import type { RegionRole, TemplateArtifact } from '../templates/template-types.js';
import { BUILD_SECONDS, PUBLISH_SECONDS, stackCreateSeconds, stackUpdateSeconds } from './estimates.js';
import { criticalPath, cycles, priorities, topologicalOrder, waves, type Deps } from './graph-analysis.js';
import {
  peerRole,
  stackNodeId,
  type ArtifactBuildNode,
  type ArtifactPublishNode,
  type DeployGraph,
  type DeployNode,
  type ParameterSource,
  type StackNode,
} from './graph.js';

export interface GraphInput {
  config: EnvironmentConfig;
  /** The config file, for error messages (e.g. `config/dev.json`). */
  configFile: string;
  layers: Map<string, LoadedTemplate>;
}

const ROLES: RegionRole[] = ['primary', 'secondary'];

/** An input edge between two stack instances. */
interface Edge {
  consumer: string;
  producer: string;
  param: string;
  output: string;
  optional: boolean;
  file: string;
}

interface Instance {
  id: string;
  layer: string;
  role: RegionRole;
  t: LoadedTemplate;
  params: Record<string, ParameterSource>;
}

/** A short, stable artifact name from its entry: `src/failover/controller/handler.ts` → `failover-controller`. */
export function artifactName(entry: string): string {
  const noExt = entry.replace(/\.[cm]?[jt]sx?$/, '').replace(/^\.?\/?src\//, '');
  const parts = noExt.split(/[\\/]/).filter(Boolean);
  if (parts.length > 1 && ['handler', 'index', 'main'].includes(parts[parts.length - 1]!)) parts.pop();
  return parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
}

function problem(code: string, message: string, fix: string, file: string, field: string): DrError {
  return new DrError({ code, kind: 'config', message: `${file}: ${field}: ${message}`, fix, file, field });
}

/** Throws the problem, or one error listing all of them (named by the first) so each is fixed in one go. */
function raise(problems: DrError[]): never {
  const first = problems[0]!;
  if (problems.length === 1) throw first;
  const lines = problems.map((p) => `  - ${p.message}${p.fix ? `\n    fix: ${p.fix}` : ''}`).join('\n');
  throw new DrError({
    code: first.code,
    kind: first.kind,
    message: `${problems.length} problems in the deploy plan:\n${lines}`,
    fix: first.fix,
    file: first.file,
    field: first.field,
  });
}

/** How cheap it is to defer an edge: a primary input waiting on the secondary is the natural second pass. */
function deferRank(e: Edge): number {
  return e.consumer.endsWith('@primary') && e.producer.endsWith('@secondary') ? 0 : 1;
}

export function buildDeployGraph(input: GraphInput): DeployGraph {
  const { config, configFile } = input;
  const problems: DrError[] = [];
  const warnings: string[] = [];
  const instances = new Map<string, Instance>();
  const usedConfig = new Set<string>();
  const shadowed = new Map<string, string[]>();

  for (const [layer, t] of [...input.layers].sort(([a], [b]) => a.localeCompare(b))) {
    const regions = t.drctl?.Regions;
    if (!Array.isArray(regions) || regions.length === 0 || regions.some((r) => !ROLES.includes(r))) {
      problems.push(
        problem(
          'E_PLAN_BAD_METADATA',
          `Regions must list "primary" and/or "secondary"`,
          'Set Metadata.Drctl.Regions, e.g. ["primary", "secondary"].',
          t.file,
          'Metadata.Drctl.Regions',
        ),
      );
      continue;
    }
    for (const role of ROLES)
      if (regions.includes(role))
        instances.set(stackNodeId(layer, role), { id: stackNodeId(layer, role), layer, role, t, params: {} });
  }

  // Parameters and input edges, per stack instance.
  const edges: Edge[] = [];
  const artifactUses: { inst: Instance; param: string; art: TemplateArtifact }[] = [];
  for (const inst of instances.values()) {
    const { t, role } = inst;
    const declared = t.template.Parameters ?? {};
    const inputs = t.drctl?.Inputs ?? {};
    const artifacts = t.drctl?.Artifacts ?? {};
    for (const [param, inp] of Object.entries(inputs)) {
      const field = `Metadata.Drctl.Inputs.${param}`;
      if (!(param in declared)) {
        problems.push(
          problem(
            'E_PLAN_INPUT_UNDECLARED',
            `input for parameter "${param}", which the template does not declare`,
            `Declare "${param}" under Parameters or remove the input.`,
            t.file,
            field,
          ),
        );
        continue;
      }
      if (inp.Roles && !inp.Roles.includes(role)) continue;
      const producerRole = inp.Region === 'self' ? role : inp.Region === 'peer' ? peerRole(role) : inp.Region;
      const producerId = stackNodeId(inp.Stack, producerRole);
      const producer = instances.get(producerId);
      if (!producer) {
        problems.push(
          problem(
            'E_PLAN_INPUT_UNKNOWN_STACK',
            `input from "${producerId}", but no template deploys layer "${inp.Stack}" in the ${producerRole} region`,
            `Fix Stack/Region, or add "${producerRole}" to that layer's Metadata.Drctl.Regions.`,
            t.file,
            field,
          ),
        );
        continue;
      }
      if (!(inp.Output in (producer.t.template.Outputs ?? {}))) {
        problems.push(
          problem(
            'E_PLAN_INPUT_UNKNOWN_OUTPUT',
            `input from ${producerId}.${inp.Output}, but ${producer.t.file} has no output "${inp.Output}"`,
            `Use one of: ${Object.keys(producer.t.template.Outputs ?? {}).join(', ') || '(none)'}.`,
            t.file,
            field,
          ),
        );
        continue;
      }
      const optional = declared[param]?.Default === '';
      edges.push({ consumer: inst.id, producer: producerId, param, output: inp.Output, optional, file: t.file });
      inst.params[param] = {
        kind: 'output',
        node: producerId,
        layer: inp.Stack,
        role: producerRole,
        output: inp.Output,
      };
    }
    for (const [param, art] of Object.entries(artifacts)) {
      const field = `Metadata.Drctl.Artifacts.${param}`;
      if (!(param in declared) || !(art.BucketParameter in declared)) {
        const missing = param in declared ? art.BucketParameter : param;
        problems.push(
          problem(
            'E_PLAN_ARTIFACT_UNDECLARED',
            `artifact refers to parameter "${missing}", which the template does not declare`,
            `Declare "${missing}" under Parameters.`,
            t.file,
            field,
          ),
        );
        continue;
      }
      if (art.Kind !== 'lambda' && art.Kind !== 'service') {
        problems.push(
          problem(
            'E_PLAN_BAD_METADATA',
            `Kind is "${String(art.Kind)}"`,
            'Use "lambda" (zip with index.mjs) or "service" (one .mjs bundle).',
            t.file,
            `${field}.Kind`,
          ),
        );
        continue;
      }
      artifactUses.push({ inst, param, art });
    }
    // Literal values: automatic < common < role block; inputs and artifacts take precedence over all three.
    const automatic = automaticParameters(config, role);
    for (const name of Object.keys(declared)) {
      const fromConfig =
        config.parameters[role]?.[name] !== undefined
          ? role
          : config.parameters.common?.[name] !== undefined
            ? 'common'
            : undefined;
      if (inst.params[name] || name in artifacts) {
        if (fromConfig) {
          const key = `${fromConfig}.${name}`;
          shadowed.set(key, [
            ...(shadowed.get(key) ?? []),
            `${inst.id} (${name in artifacts ? 'an artifact' : 'an input'} in ${t.file})`,
          ]);
        }
        continue;
      }
      if (fromConfig) usedConfig.add(`${fromConfig}.${name}`);
      if (fromConfig)
        inst.params[name] = {
          kind: 'config',
          value: parameterToString(config.parameters[fromConfig]![name]!),
          block: fromConfig,
        };
      else if (name in automatic)
        inst.params[name] = { kind: 'automatic', value: automatic[name as keyof typeof automatic] ?? '' };
      else if (declared[name]?.Default !== undefined)
        inst.params[name] = { kind: 'default', value: String(declared[name]!.Default) };
      else {
        problems.push(
          problem(
            'E_PLAN_MISSING_PARAMETER',
            `parameter "${name}" of ${inst.id} has no value: no default, no input and nothing in ${configFile}`,
            `Add "${name}" to parameters.${role} (or parameters.common) in ${configFile}, give it a Default, or feed it from another stack with Metadata.Drctl.Inputs.`,
            t.file,
            `Parameters.${name}`,
          ),
        );
      }
    }
  }
  if (problems.length) raise(problems);
  // A config value that every stack declaring it takes from elsewhere is dead: almost always a mistake.
  for (const [key, where] of shadowed)
    if (!usedConfig.has(key))
      warnings.push(`${configFile}: parameters.${key} is never used: ${where.join(', ')} take it from elsewhere`);

  // Break cycles: repeatedly defer the cheapest optional edge inside a cycle.
  const deferred = new Set<Edge>();
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
    const params: Record<string, ParameterSource> = { ...inst.params };
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
      template: inst.t.file,
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
      estimateSeconds: stackCreateSeconds(inst.t.template, firstPass),
    });
    if (mine.length) {
      nodes.set(second, {
        ...base,
        ...common,
        id: second,
        kind: 'stack',
        pass: 2,
        parameters: inst.params,
        dependencies: [...new Set([inst.id, ...mine.map((e) => e.producer)])].sort(),
        estimateSeconds: stackUpdateSeconds(
          inst.t.template,
          mine.map((e) => e.param),
        ),
      });
    }
  }

  // Artifacts: one build per entry, one publish per (artifact, region); the consuming stacks wait for the publish.
  for (const { inst, param, art } of artifactUses) {
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
        inst.t.file,
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
    const publishId = `publish:${name}@${inst.role}`;
    const bucket = inst.params[art.BucketParameter]!;
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
