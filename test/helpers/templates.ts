// Shared utilities for template unit tests: load a layer template, look up resources and outputs, evaluate
// Conditions and pick Fn::If branches for given parameters, and check the conventions every layer template
// follows (parameters, metadata, literals, names, deletion policies).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  activeResources,
  effectiveParameters,
  evaluateConditions,
  resolveValue,
  type ParamValues,
} from '../../src/templates/conditions.js';
import type { CfnResource, CfnTemplate } from '../../src/templates/template-types.js';
import type { EnvironmentConfig } from '../../src/config/config-types.js';
import { checkParameterValue } from '../../src/plan/parameter-constraints.js';
import { PROJECT_ROOT } from './run-cli.js';

export function loadLayerTemplate(layer: string): CfnTemplate {
  return JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'templates', `${layer}.json`), 'utf8')) as CfnTemplate;
}

export const loadTemplate = loadLayerTemplate;

export function resource(t: CfnTemplate, id: string): CfnResource {
  const r = t.Resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  return r;
}

/** A resource's Properties as written (no Condition evaluation). */
export function props(t: CfnTemplate, id: string): Record<string, unknown> {
  return resource(t, id).Properties ?? {};
}

export function idsOfType(t: CfnTemplate, type: string): string[] {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id]) => id);
}

export function outputNames(t: CfnTemplate): Set<string> {
  return new Set(Object.keys(t.Outputs ?? {}));
}

/** Condition values for the given parameters (template defaults apply to the rest). */
export function conditionsFor(t: CfnTemplate, given: ParamValues): Map<string, boolean> {
  return evaluateConditions(t, given);
}

/** Logical ids of the resources that exist for the given parameters. */
export function activeIds(t: CfnTemplate, given: ParamValues): Set<string> {
  return new Set(activeResources(t, given));
}

/** Resolves a value offline for the given parameters, template defaults applied; undefined when it needs a deployed resource. */
export function resolve(t: CfnTemplate, value: unknown, given: ParamValues = {}): unknown {
  return resolveValue(t, effectiveParameters(t, given), value);
}

/** Every name a value refers to: Ref targets, Fn::GetAtt resources, and ${Name} / ${Resource.Attr} in Fn::Sub. */
export function referencedNames(value: unknown): Set<string> {
  const names = new Set<string>();
  const fromSub = (text: string, local: Set<string>): void => {
    for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
      const name = (m[1] as string).split('.')[0] as string;
      if (!local.has(name)) names.add(m[1]?.startsWith('AWS::') ? (m[1] as string) : name);
    }
  };
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'Ref' && typeof x === 'string') names.add(x);
      else if (k === 'Fn::GetAtt') names.add(Array.isArray(x) ? String(x[0]) : (String(x).split('.')[0] as string));
      else if (k === 'Fn::Sub' && typeof x === 'string') fromSub(x, new Set());
      else if (k === 'Fn::Sub' && Array.isArray(x)) {
        const vars = (x[1] ?? {}) as Record<string, unknown>;
        fromSub(String(x[0]), new Set(Object.keys(vars)));
        walk(vars);
      } else walk(x);
    }
  };
  walk(value);
  return names;
}

/** Parameters without a description, a constraint or a default (inputs and artifact keys may lack a default). */
export function parameterContractProblems(t: CfnTemplate): string[] {
  const problems: string[] = [];
  const exempt = new Set([
    ...Object.keys(t.Metadata?.Drctl?.Inputs ?? {}),
    ...Object.keys(t.Metadata?.Drctl?.Artifacts ?? {}),
  ]);
  for (const [name, p] of Object.entries(t.Parameters ?? {})) {
    if (!p.Description) problems.push(`parameter ${name} has no Description`);
    const constrained =
      p.AllowedValues ||
      p.AllowedPattern ||
      p.MinValue !== undefined ||
      p.MaxValue !== undefined ||
      /^(List<)?AWS::/.test(p.Type);
    if (!constrained) problems.push(`parameter ${name} has no constraint`);
    if (p.Default === undefined && !exempt.has(name))
      problems.push(`parameter ${name} has no default and is not an input or artifact`);
    // The default must pass the parameter's own constraints, checked as drctl checks every value.
    if (p.Default !== undefined)
      for (const v of checkParameterValue(String(p.Default), p))
        problems.push(`parameter ${name}: default ${v.value} breaks ${v.constraint} (${v.allowed})`);
  }
  return problems;
}

export function loadEnvironmentConfig(env: string): EnvironmentConfig {
  return JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', `${env}.json`), 'utf8')) as EnvironmentConfig;
}

/** Pseudo parameters with plausible values so Fn::Sub names resolve offline. */
export const PSEUDO: ParamValues = {
  'AWS::AccountId': '111122223333',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Parameter values for a stack of the given role in the default environment layout (us-east-1 / us-west-2). */
export function stackParams(role: 'primary' | 'secondary', extra: ParamValues = {}): ParamValues {
  return {
    ...PSEUDO,
    'AWS::Region': role === 'primary' ? 'us-east-1' : 'us-west-2',
    EnvironmentSuffix: 'dev',
    RegionRole: role,
    PrimaryRegion: 'us-east-1',
    SecondaryRegion: 'us-west-2',
    ...extra,
  };
}

/**
 * The value with every Fn::If replaced by its chosen branch and AWS::NoValue removed, other intrinsics kept as they are:
 * what CloudFormation would see for these parameters, short of resolving references to resources.
 */
export function chooseBranches(value: unknown, conditions: Map<string, boolean>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => chooseBranches(v, conditions)).filter((v) => v !== undefined);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0] as [string, unknown];
    if (fn === 'Fn::If') {
      const [cond, a, b] = arg as [string, unknown, unknown];
      if (!conditions.has(cond)) throw new Error(`Fn::If names unknown condition ${cond}`);
      return chooseBranches(conditions.get(cond) ? a : b, conditions);
    }
    if (fn === 'Ref' && arg === 'AWS::NoValue') return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const c = chooseBranches(v, conditions);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

export interface StackView {
  conditions: Map<string, boolean>;
  params: ParamValues;
  /** Active resources with Fn::If branches chosen. */
  resources: Record<string, CfnResource>;
  /** Active outputs' values with Fn::If branches chosen. */
  outputs: Record<string, unknown>;
  /** Resolves a value (names built with Fn::Sub over parameters) to a string where possible. */
  resolve(value: unknown): unknown;
}

/** The stack as CloudFormation would create it for these parameter values. */
export function viewStack(template: CfnTemplate, given: ParamValues): StackView {
  const conditions = evaluateConditions(template, given);
  const resources: Record<string, CfnResource> = {};
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Condition && !conditions.get(r.Condition)) continue;
    resources[id] = chooseBranches(r, conditions) as CfnResource;
  }
  const outputs: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(template.Outputs ?? {})) {
    if (o.Condition && !conditions.get(o.Condition)) continue;
    outputs[name] = chooseBranches(o.Value, conditions);
  }
  const params = { ...given };
  return { conditions, params, resources, outputs, resolve: (v) => resolveValue(template, params, v, conditions) };
}

/** Properties of an active resource in a stack view (Fn::If branches chosen). */
export function propsIn(view: StackView, id: string): Record<string, unknown> {
  const r = view.resources[id];
  if (!r) throw new Error(`resource ${id} is not in the stack (active: ${Object.keys(view.resources).join(', ')})`);
  return r.Properties ?? {};
}

/** Every string literal anywhere in a value (Fn::Sub templates included). */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return (Array.isArray(value) ? value : Object.values(value)).flatMap(stringsIn);
}

/** Names of the parameters a value references (Ref and ${Name} in Fn::Sub). */
export function parameterRefs(template: CfnTemplate, value: unknown): string[] {
  const declared = new Set(Object.keys(template.Parameters ?? {}));
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Ref' && typeof x === 'string' && declared.has(x)) found.add(x);
      if (k === 'Fn::Sub')
        for (const s of stringsIn(x))
          for (const m of s.matchAll(/\$\{([A-Za-z0-9]+)\}/g))
            if (declared.has(m[1] as string)) found.add(m[1] as string);
      walk(x);
    }
  };
  walk(value);
  return [...found];
}

const REGION_LITERAL =
  /\b(us|eu|ap|sa|ca|me|af|il|mx)-(gov-)?(east|west|north|south|central|northeast|southeast|northwest|southwest)-\d\b/;
const ACCOUNT_LITERAL = /(^|[^0-9])\d{12}([^0-9]|$)/;
const AZ_LITERAL = /\b(us|eu|ap|sa|ca|me|af)-[a-z]+-\d[a-f]\b/;
const AMI_LITERAL = /\bami-[0-9a-f]{8,17}\b/;
const ARN_LITERAL = /arn:aws[a-z-]*:/;
const NAME_PROPERTIES = [
  'BucketName',
  'TopicName',
  'LogGroupName',
  'Name',
  'AliasName',
  'RoleName',
  'DBInstanceIdentifier',
  'TableName',
  'GroupName',
  'DBSubnetGroupName',
  'DBParameterGroupName',
];

/** Convention problems of a layer template; an empty list means it follows every rule the tests pin. */
export function conventionProblems(template: CfnTemplate): string[] {
  const problems: string[] = [];
  const params = template.Parameters ?? {};
  const drctl = template.Metadata?.Drctl;
  const inputs = drctl?.Inputs ?? {};
  if (template.AWSTemplateFormatVersion !== '2010-09-09') problems.push('AWSTemplateFormatVersion is not 2010-09-09');
  if (!template.Description) problems.push('Description is missing');
  if (!drctl?.Layer || !Array.isArray(drctl.Regions)) problems.push('Metadata.Drctl with Layer and Regions is missing');

  problems.push(...parameterContractProblems(template), ...literalProblems(template));
  if (params.EnvironmentSuffix?.AllowedPattern !== '^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$')
    problems.push('EnvironmentSuffix pattern differs from the contract');
  if (JSON.stringify(params.RegionRole?.AllowedValues) !== JSON.stringify(['primary', 'secondary']))
    problems.push('RegionRole must allow exactly primary and secondary');
  const conds = template.Conditions ?? {};
  // Role conditions are declared only where a layer differs by role (an unused condition is a validator error).
  if (
    conds.IsPrimary !== undefined &&
    JSON.stringify(conds.IsPrimary) !== JSON.stringify({ 'Fn::Equals': [{ Ref: 'RegionRole' }, 'primary'] })
  )
    problems.push('Condition IsPrimary differs from the contract');
  if (
    conds.IsSecondary !== undefined &&
    JSON.stringify(conds.IsSecondary) !== JSON.stringify({ 'Fn::Equals': [{ Ref: 'RegionRole' }, 'secondary'] })
  )
    problems.push('Condition IsSecondary differs from the contract');

  // Console grouping covers every parameter exactly once, each with a label.
  const iface = template.Metadata?.['AWS::CloudFormation::Interface'] as
    { ParameterGroups?: { Parameters: string[] }[]; ParameterLabels?: Record<string, { default: string }> } | undefined;
  const grouped = (iface?.ParameterGroups ?? []).flatMap((g) => g.Parameters);
  for (const name of Object.keys(params)) {
    const n = grouped.filter((g) => g === name).length;
    if (n !== 1) problems.push(`parameter ${name} appears ${n} times in ParameterGroups`);
    if (!iface?.ParameterLabels?.[name]?.default) problems.push(`parameter ${name} has no ParameterLabel`);
  }
  for (const g of grouped) if (!(g in params)) problems.push(`ParameterGroups name unknown parameter ${g}`);
  for (const name of Object.keys(inputs))
    if (!(name in params)) problems.push(`Drctl input ${name} is not a parameter`);

  // Resources: destroyable, no literals that tie the template to one account, Region or AZ, names carry the suffix.
  for (const [id, r] of Object.entries(template.Resources)) {
    for (const policy of [r.DeletionPolicy, r.UpdateReplacePolicy]) {
      if (policy !== undefined && policy !== 'Delete') problems.push(`${id}: deletion policy ${policy}`);
    }
    if (/^[A-Z][a-z]*\d+$/.test(id)) problems.push(`${id}: logical id does not read as a noun`);
    for (const key of NAME_PROPERTIES) {
      const v = r.Properties?.[key];
      // A reference to another resource of this template names that resource, which is checked on its own.
      const ref =
        v && typeof v === 'object'
          ? ((v as Record<string, unknown>).Ref ?? (v as Record<string, unknown[]>)['Fn::GetAtt']?.[0])
          : undefined;
      if (v === undefined || (typeof ref === 'string' && ref in template.Resources)) continue;
      if (!parameterRefs(template, v).includes('EnvironmentSuffix'))
        problems.push(`${id}.${key} does not carry EnvironmentSuffix`);
    }
  }
  for (const [name, o] of Object.entries(template.Outputs ?? {}))
    if (!o.Description) problems.push(`output ${name} has no Description`);
  return problems;
}

/** Literal account ids, Regions, Availability Zones, AMI ids or ARNs in Resources and Outputs. */
export function literalProblems(t: CfnTemplate): string[] {
  const problems: string[] = [];
  const scan = (where: string, value: unknown): void => {
    for (const s of stringsIn(value)) {
      if (REGION_LITERAL.test(s)) problems.push(`${where}: literal Region in "${s}"`);
      if (ACCOUNT_LITERAL.test(s)) problems.push(`${where}: literal account id in "${s}"`);
      if (AZ_LITERAL.test(s)) problems.push(`${where}: literal Availability Zone in "${s}"`);
      if (AMI_LITERAL.test(s)) problems.push(`${where}: literal AMI id in "${s}"`);
      if (ARN_LITERAL.test(s)) problems.push(`${where}: literal ARN in "${s}"`);
    }
  };
  for (const [id, r] of Object.entries(t.Resources)) scan(id, r.Properties ?? {});
  for (const [name, o] of Object.entries(t.Outputs ?? {})) scan(`output ${name}`, o.Value);
  return problems;
}

/** Problems with each Drctl input: the named layer must exist and declare the named output. */
export function inputProblems(template: CfnTemplate, layers: Record<string, CfnTemplate>): string[] {
  const problems: string[] = [];
  for (const [param, input] of Object.entries(template.Metadata?.Drctl?.Inputs ?? {})) {
    const producer = layers[input.Stack];
    if (!producer) {
      problems.push(`${param}: layer ${input.Stack} not loaded`);
      continue;
    }
    if (!producer.Outputs?.[input.Output]) problems.push(`${param}: ${input.Stack} has no output ${input.Output}`);
    if (
      !producer.Metadata?.Drctl?.Regions.includes(
        input.Region === 'self' || input.Region === 'peer' ? 'primary' : input.Region,
      )
    )
      problems.push(`${param}: ${input.Stack} is not deployed in ${input.Region}`);
    // A role-limited input keeps its default in the other roles, so it needs one.
    if (input.Roles && template.Parameters?.[param]?.Default === undefined)
      problems.push(`${param}: limited to ${input.Roles.join(',')} but has no default`);
  }
  return problems;
}

/** Config values for a template's parameters that its constraints would reject (drctl's check, per value). */
export function configValueProblems(config: EnvironmentConfig, template: CfnTemplate): string[] {
  const problems: string[] = [];
  for (const [block, values] of Object.entries(config.parameters)) {
    for (const [name, raw] of Object.entries(values ?? {})) {
      const p = template.Parameters?.[name];
      if (!p) continue;
      const v = Array.isArray(raw) ? raw.join(',') : String(raw);
      // drctl's own check of a parameter value, as plan and deploy run it.
      for (const x of checkParameterValue(v, p))
        problems.push(`${block}.${name}=${v} breaks ${x.constraint} (${x.allowed})`);
    }
  }
  return problems;
}
