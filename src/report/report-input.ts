// What every part of the report reads: the config, each layer's template and its parameters per role, resolved by
// the plan's one parameter resolution (src/plan/parameters.ts), so report and deploy see the same values.
import type { EnvironmentConfig } from '../config/config-types.js';
import { DrError } from '../errors.js';
import { stackNodeId } from '../plan/graph.js';
import { resolveParameters, type ResolvedParameters } from '../plan/parameters.js';
import type { LoadedTemplate } from '../templates/catalog.js';
import {
  activeResources,
  effectiveParameters,
  evaluateConditions,
  resolveValue,
  type ParamValues,
} from '../templates/conditions.js';
import type { CfnResource, CfnTemplate, RegionRole } from '../templates/template-types.js';
import type { TermSource } from './report-types.js';

export const ROLES: RegionRole[] = ['primary', 'secondary'];

/** A layer template as the report reads it (the project's loaded template). */
export type LayerTemplate = LoadedTemplate;

export interface ReportInput {
  config: EnvironmentConfig;
  /** The config file, for errors (e.g. `config/dev.json`). */
  configFile?: string;
  layers: Map<string, LayerTemplate>;
}

/** One stack (layer × role) with its parameters resolved the way CloudFormation would see them. */
export interface StackView {
  layer: string;
  file: string;
  role: RegionRole;
  region: string;
  template: CfnTemplate;
  params: ParamValues;
  conditions: Map<string, boolean>;
  active: Set<string>;
}

// Fixes re-run the budget with one value changed: resolve each (config, layers) pair once.
const resolvedCache = new WeakMap<EnvironmentConfig, WeakMap<Map<string, LayerTemplate>, ResolvedParameters>>();

/** Remembers a resolution already made (the project's), so the report does not resolve the same input again. */
export function rememberResolved(input: ReportInput, resolved: ResolvedParameters): ReportInput {
  let byLayers = resolvedCache.get(input.config);
  if (!byLayers) resolvedCache.set(input.config, (byLayers = new WeakMap()));
  byLayers.set(input.layers, resolved);
  return input;
}

/** The plan's resolution for this input (throws what plan and deploy would throw for the same config). */
export function resolvedParameters(input: ReportInput): ResolvedParameters {
  let byLayers = resolvedCache.get(input.config);
  if (!byLayers) resolvedCache.set(input.config, (byLayers = new WeakMap()));
  let resolved = byLayers.get(input.layers);
  if (!resolved) {
    resolved = resolveParameters({
      config: input.config,
      configFile: input.configFile ?? `config/${input.config.environment}.json`,
      layers: input.layers,
    });
    byLayers.set(input.layers, resolved);
  }
  return resolved;
}

export function stackView(input: ReportInput, layer: string, role: RegionRole): StackView | undefined {
  const t = input.layers.get(layer);
  if (!t || !(t.drctl?.Regions ?? []).includes(role)) return undefined;
  const stack = resolvedParameters(input).stacks.get(stackNodeId(layer, role));
  if (!stack) return undefined;
  const given: ParamValues = {};
  for (const [name, src] of Object.entries(stack.parameters)) {
    if (src.kind === 'output')
      // Known only at deploy time; a stand-in lets the resources that depend on it (replication rules, the read
      // replica) be evaluated as they will be deployed.
      given[name] = `<${src.layer}.${src.output} from ${src.role}>`;
    else if (src.kind === 'artifact') {
      const def = t.template.Parameters?.[name]?.Default;
      given[name] = def !== undefined ? String(def) : `<artifact ${src.artifact}>`;
    } else if (src.kind !== 'deferred') given[name] = src.value;
  }
  const region = input.config.regions[role];
  // Pseudo parameters let resolveValue answer `Ref AWS::Region` (e.g. global-table replica regions).
  const params = {
    ...effectiveParameters(t.template, given),
    'AWS::Region': region,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  return {
    layer,
    file: t.file,
    role,
    region,
    template: t.template,
    params,
    conditions: evaluateConditions(t.template, params),
    active: new Set(activeResources(t.template, params)),
  };
}

export function requireLayer(input: ReportInput, layer: string, role: RegionRole, why: string): StackView {
  const view = stackView(input, layer, role);
  if (view) return view;
  const t = input.layers.get(layer);
  throw new DrError({
    code: 'E_REPORT_LAYER_MISSING',
    kind: 'usage',
    message: t
      ? `${t.file}: layer "${layer}" is not deployed in the ${role} region, but ${why}`
      : `no template declares layer "${layer}" (Metadata.Drctl.Layer), but ${why}`,
    fix: t
      ? `Add "${role}" to Metadata.Drctl.Regions in ${t.file}.`
      : `Add templates/${layer}.json with Metadata.Drctl.Layer "${layer}".`,
    ...(t ? { file: t.file } : {}),
    field: 'Metadata.Drctl',
  });
}

/** A parameter the budget needs: a clear error naming template and parameter when it is missing, never a silent default. */
export function requireParam(view: StackView, name: string, why: string): string {
  const v = view.params[name];
  if (v !== undefined && v !== '') return v;
  const declared = name in (view.template.Parameters ?? {});
  throw new DrError({
    code: 'E_REPORT_PARAM_MISSING',
    kind: 'usage',
    message: `${view.file}: parameter ${name} ${declared ? `has no value for the ${view.role} region` : 'is not declared'}; the report needs it for ${why}`,
    fix: declared
      ? `Give ${name} a Default in ${view.file} or set it in config parameters.${view.role}.`
      : `Declare parameter ${name} in ${view.file} (see docs/architecture.md, "Layers, outputs and key parameters").`,
    file: view.file,
    field: `Parameters.${name}`,
  });
}

export function requireNumber(view: StackView, name: string, why: string): number {
  const raw = requireParam(view, name, why);
  const n = Number(raw);
  if (!Number.isFinite(n)) {
    throw new DrError({
      code: 'E_REPORT_PARAM_INVALID',
      kind: 'usage',
      message: `${view.file}: parameter ${name} is "${raw}" in the ${view.role} region, not a number; the report needs it for ${why}`,
      fix: `Set ${name} to a number in config parameters.${view.role} or in its Default.`,
      file: view.file,
      field: `Parameters.${name}`,
    });
  }
  return n;
}

export function paramSource(view: StackView, names: string[], formula?: string): TermSource {
  return {
    kind: 'parameter',
    template: view.file,
    role: view.role,
    parameters: names.map((n) => ({ name: n, value: view.params[n] ?? '' })),
    ...(formula ? { formula } : {}),
  };
}

/** Active resources of one CloudFormation type, with their properties resolved under the stack's parameters. */
export function resourcesOfType(
  view: StackView,
  type: string,
): { id: string; resource: CfnResource; props: Record<string, unknown> }[] {
  return Object.entries(view.template.Resources ?? {})
    .filter(([id, r]) => r.Type === type && view.active.has(id))
    .map(([id, r]) => ({
      id,
      resource: r,
      props: (resolveValue(view.template, view.params, r.Properties ?? {}, view.conditions) ?? {}) as Record<
        string,
        unknown
      >,
    }));
}

/** Walks a resolved property path; `undefined` when any step is missing. */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
  let v: unknown = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

export function isTrue(v: unknown): boolean {
  return v === true || String(v).toLowerCase() === 'true';
}
