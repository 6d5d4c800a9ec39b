// The validator's vocabulary: findings, rules, and what the engine hands a rule while it walks a template.
import type { JsonPath } from '../templates/json-source.js';
import type { CfnResource, CfnTemplate } from '../templates/template-types.js';
import type { SpecIndex, SpecObject, SpecResource, SpecType } from './spec/spec-index.js';
import type { JsonSchema, RegistrySchemas } from './schema/registry-schemas.js';
import type { Conditions, View } from './scenario/view.js';

export type Severity = 'error' | 'warning';

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** Template file as given (relative to the project root for the project's templates). */
  template: string;
  /** e.g. `Resources.Db.Properties.StorageEncrypted`. */
  path: string;
  line?: number;
  message: string;
  fix: string;
  /** Present when a suppressions entry matches; suppressed findings never fail validation. */
  suppressed?: { reason: string };
}

/** Where in the template a visited value sits. */
export type Section =
  'Parameters' | 'Mappings' | 'Conditions' | 'Resources' | 'Outputs' | 'Metadata' | 'Rules' | 'Other';

export interface ResourceNode {
  id: string;
  resource: CfnResource;
  path: JsonPath;
  /** The resource type's specification; undefined for custom resources and unknown types. */
  spec: SpecResource | undefined;
  /** True for Custom::* and AWS::CloudFormation::CustomResource (free-form properties and attributes). */
  custom: boolean;
}

/** An intrinsic function call (`Ref`, `Fn::*`, or `Condition` inside Conditions). */
export interface IntrinsicNode {
  fn: string;
  arg: unknown;
  /** Path of the object `{ "<fn>": arg }`. */
  path: JsonPath;
  section: Section;
  /** Logical id when inside a resource. */
  resourceId?: string;
  /** True when inside `Metadata` (template-level or a resource's): such references do not count as uses. */
  inMetadata: boolean;
}

/** A JSON object the specification describes: a resource's Properties or a nested property type. */
export interface TypedObjectNode {
  resource: ResourceNode;
  path: JsonPath;
  value: Record<string, unknown>;
  spec: SpecObject;
}

/** A property value with the shape the specification expects for it. */
export interface TypedValueNode {
  resource: ResourceNode;
  path: JsonPath;
  /** A literal, or an intrinsic function call (`{"Ref": ...}`, `{"Fn::...": ...}`) whose result must fit. */
  value: unknown;
  expected: SpecType;
  /** Older shapes still accepted. */
  previous: SpecType[] | undefined;
}

/** Any value in the template (objects, arrays, scalars), visited once. */
export interface ValueNode {
  path: JsonPath;
  value: unknown;
  section: Section;
  resourceId?: string;
  inMetadata: boolean;
  /** Name of the object member holding this value (the last string segment of the path). */
  key: string | undefined;
}

/** A resource as CloudFormation sees it in one condition scenario (Fn::If branches chosen, AWS::NoValue gone). */
export interface ScenarioNode {
  resource: ResourceNode;
  /** The truth of each condition the resource uses; empty when it uses none. */
  conditions: Conditions;
  /** Its Properties in this scenario; undefined when it has none. */
  properties: View | undefined;
}

/** A value of a resource's Properties in one scenario, with the registry subschema that constrains it. */
export interface SchemaNode {
  resource: ResourceNode;
  view: View;
  /** `$ref` resolved. */
  schema: JsonSchema;
  /** The type's whole registry schema (for resolving `$ref`s of subschemas). */
  root: JsonSchema;
  conditions: Conditions;
}

export interface Visitors {
  /** Once per template, before the walk. */
  template?(template: CfnTemplate): void;
  resource?(node: ResourceNode): void;
  typedObject?(node: TypedObjectNode): void;
  typedValue?(node: TypedValueNode): void;
  intrinsic?(node: IntrinsicNode): void;
  value?(node: ValueNode): void;
  /** Once per resource and distinguishable condition scenario in which the resource exists. */
  scenario?(node: ScenarioNode): void;
  /** Per scenario, every value under a resource's Properties that its registry schema describes (not inside intrinsics). */
  schema?(node: SchemaNode): void;
  /** Once per template, after the walk: for checks that need everything seen (unused parameters, cycles). */
  end?(): void;
}

export interface ReportInput {
  path: JsonPath;
  message: string;
  fix: string;
  /** Overrides the rule's default severity. */
  severity?: Severity;
}

/**
 * Reports from scenario and schema visitors are merged across scenarios: one finding per rule, path and message,
 * which names the conditions when it holds only in some scenarios.
 */

export interface RuleContext {
  file: string;
  template: CfnTemplate;
  spec: SpecIndex;
  /** The CloudFormation registry resource schemas (value constraints, required groups, dependencies). */
  registry: RegistrySchemas;
  /** Parameters drctl passes itself when declared (EnvironmentSuffix, RegionRole, ...). */
  automaticParameters: readonly string[];
  /**
   * Logical ids of this template's security groups that a load balancer uses, found in this template or, through
   * Metadata.Drctl inputs and outputs, in another project template (the ALB lives in compute, its group in network).
   */
  loadBalancerGroups: ReadonlySet<string>;
  report(input: ReportInput): void;
}

export interface Rule {
  /** Stable id: E1xxx structure, E2xxx parameters, E3xxx resources, E6xxx/W6xxx conventions, E8xxx conditions. */
  id: string;
  /** Short kebab-case name; also the fixture file suffix. */
  name: string;
  title: string;
  description: string;
  docsUrl: string;
  tags: string[];
  severity: Severity;
  family: 'structure' | 'references' | 'constraints' | 'conventions';
  /**
   * True for the rules that run on a template declaring a Transform (or calling Fn::Transform): only they run there,
   * since every other rule would judge a template CloudFormation never sees unexpanded.
   */
  onTransformed?: boolean;
  /** Called once per template; returns what the rule wants to see during the walk. */
  check(ctx: RuleContext): Visitors;
}
