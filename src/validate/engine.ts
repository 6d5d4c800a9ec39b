// Walks one template once and hands every rule the nodes it asked for; rules never re-parse or re-walk.
import { formatPath, type JsonPath } from '../templates/json-source.js';
import type { LoadedTemplate } from '../templates/catalog.js';
import type { CfnResource, CfnTemplate } from '../templates/template-types.js';
import type { SpecIndex, SpecObject, SpecType } from './spec/spec-index.js';
import { transformsOf } from './rules/helpers.js';
import { loadRegistrySchemas, type RegistrySchemas } from './schema/registry-schemas.js';
import { walkSchema } from './schema/schema-walk.js';
import { conditionsUsedIn, describeAssignment, scenarioSpace, situations } from './scenario/scenarios.js';
import { select } from './scenario/view.js';
import { AUTOMATIC_PARAMETERS, intrinsicName, isCustomType, isPlainObject } from './template-values.js';
import type {
  Finding,
  ReportInput,
  IntrinsicNode,
  ResourceNode,
  Rule,
  RuleContext,
  Section,
  TypedObjectNode,
  TypedValueNode,
  ValueNode,
  Visitors,
} from './types.js';

/** The rule that reports a template which is not a JSON object; the only one run on such a file. */
const STRUCTURE_ROOT_RULE = 'E1001';

const SECTIONS: Record<string, Section> = {
  Parameters: 'Parameters',
  Mappings: 'Mappings',
  Conditions: 'Conditions',
  Resources: 'Resources',
  Outputs: 'Outputs',
  Metadata: 'Metadata',
  Rules: 'Rules',
};

type Expected = { type: SpecType; previous: SpecType[] | undefined } | { object: SpecObject };

interface Where {
  section: Section;
  resource: ResourceNode | undefined;
  inMetadata: boolean;
}

type Handlers = { [K in keyof Visitors]-?: NonNullable<Visitors[K]>[] };

export interface RunOptions {
  spec: SpecIndex;
  /** Default: the registry schemas package. */
  registry?: RegistrySchemas;
  /** Security groups used by load balancers, per file (see project-context.ts). */
  loadBalancerGroups?: ReadonlySet<string>;
  /** When given, receives milliseconds spent per rule id (added to what is there). */
  timings?: Map<string, number>;
}

/** Runs `rules` over one parsed template and returns their findings (unsuppressed, in walk order). */
export function runRules(loaded: LoadedTemplate, rules: readonly Rule[], opts: RunOptions): Finding[] {
  const findings: Finding[] = [];
  const template = loaded.template;
  const handlers: Handlers = {
    template: [],
    resource: [],
    typedObject: [],
    typedValue: [],
    intrinsic: [],
    value: [],
    scenario: [],
    schema: [],
    end: [],
  };

  // A file holding `null`, a list or a scalar gets one structure finding (E1001); every other rule expects an object.
  // A template with a Transform is judged only by the rules made for it (W1001).
  const isObject = isPlainObject(template);
  const transformed = transformsOf(template).length > 0;
  const runnable = rules.filter((r) =>
    isObject ? Boolean(r.onTransformed) === transformed : r.id === STRUCTURE_ROOT_RULE,
  );
  const registry = opts.registry ?? loadRegistrySchemas();
  // While the scenarios of one resource run, reports are merged here (see ScenarioReports).
  let merging: ScenarioReports | undefined;
  const seen = new Set<string>();
  const emit = (rule: Rule, input: ReportInput): void => {
    const path = formatPath(input.path);
    const key = `${rule.id}\u0000${path}\u0000${input.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({
      ruleId: rule.id,
      severity: input.severity ?? rule.severity,
      template: loaded.file,
      path,
      line: loaded.source.lineOf(input.path),
      message: input.message,
      fix: input.fix,
    });
  };
  for (const rule of runnable) {
    const ctx: RuleContext = {
      file: loaded.file,
      template,
      spec: opts.spec,
      registry,
      automaticParameters: AUTOMATIC_PARAMETERS,
      loadBalancerGroups: opts.loadBalancerGroups ?? new Set(),
      report: (input) => (merging ? merging.add(rule, input) : emit(rule, input)),
    };
    const visitors = timed(rule.id, opts.timings, () => rule.check(ctx));
    for (const key of Object.keys(handlers) as (keyof Visitors)[]) {
      const fn = visitors[key];
      if (!fn) continue;
      const bound = fn.bind(visitors) as (node: never) => void;
      (handlers[key] as ((node: never) => void)[]).push(
        opts.timings ? (node: never) => timed(rule.id, opts.timings, () => bound(node)) : bound,
      );
    }
  }

  for (const h of handlers.template) h(template);
  if (!isObject) return findings;
  walkTemplate(template as CfnTemplate, opts.spec, handlers);
  if (handlers.scenario.length || handlers.schema.length) {
    const space = scenarioSpace(template as CfnTemplate);
    // Resources using the same conditions share their assignments (computed once over all scenarios).
    const memo = new Map<string, Map<string, boolean>[]>();
    const assignmentsOf = (names: string[]): Map<string, boolean>[] => {
      const key = names.join('\u0000');
      let hit = memo.get(key);
      if (!hit) memo.set(key, (hit = situations(space, names).map((s) => s.conditions)));
      return hit;
    };
    for (const node of typedResources(template as CfnTemplate, opts.spec)) {
      merging = new ScenarioReports();
      runScenarios(node, template as CfnTemplate, assignmentsOf, registry, handlers, merging);
      const batch = merging;
      merging = undefined;
      batch.flush(emit);
    }
  }
  for (const h of handlers.end) h();
  return findings;
}

/** Findings of one resource's scenarios: each once, with the conditions named when it does not hold in all of them. */
class ScenarioReports {
  private readonly entries = new Map<string, { rule: Rule; input: ReportInput; hits: Set<number>; when: string }>();
  private scenarios = 0;
  private when = '';

  startScenario(when: string): void {
    this.scenarios++;
    this.when = when;
  }

  add(rule: Rule, input: ReportInput): void {
    const key = `${rule.id}\u0000${formatPath(input.path)}\u0000${input.message}`;
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = { rule, input, hits: new Set(), when: this.when }));
    entry.hits.add(this.scenarios);
  }

  flush(emit: (rule: Rule, input: ReportInput) => void): void {
    for (const { rule, input, hits, when } of this.entries.values()) {
      const partial = hits.size < this.scenarios && when;
      emit(rule, partial ? { ...input, message: `${input.message} (when ${when})` } : input);
    }
  }
}

/** Resources with a string Type, as the walk saw them (the scenario pass runs after the walk). */
function typedResources(template: CfnTemplate, spec: SpecIndex): ResourceNode[] {
  const resources = isPlainObject(template.Resources) ? template.Resources : {};
  const out: ResourceNode[] = [];
  for (const [id, res] of Object.entries(resources)) {
    if (!isPlainObject(res) || typeof res.Type !== 'string') continue;
    out.push({
      id,
      resource: res as unknown as CfnResource,
      path: ['Resources', id],
      spec: spec.resource(res.Type),
      custom: isCustomType(res.Type),
    });
  }
  return out;
}

/** Hands scenario and schema visitors the resource in each condition scenario in which it exists. */
function runScenarios(
  node: ResourceNode,
  template: CfnTemplate,
  assignmentsOf: (names: string[]) => Map<string, boolean>[],
  registry: RegistrySchemas,
  h: Handlers,
  reports: ScenarioReports,
): void {
  const declared = isPlainObject(template.Conditions) ? template.Conditions : {};
  const own = typeof node.resource.Condition === 'string' ? node.resource.Condition : undefined;
  const used = [...conditionsUsedIn(node.resource.Properties)].filter((c) => c in declared && c !== own);
  const names = own && own in declared ? [own, ...used] : used;
  const schema = h.schema.length ? registry.get(node.resource.Type) : undefined;
  const props = node.resource.Properties as unknown;
  for (const conditions of assignmentsOf(names)) {
    if (own && conditions.get(own) === false) continue;
    reports.startScenario(describeAssignment(new Map([...conditions].filter(([n]) => n !== own))));
    const properties = props === undefined ? undefined : select(props, [...node.path, 'Properties'], conditions);
    for (const fn of h.scenario) fn({ resource: node, conditions, properties });
    if (!schema) continue;
    // No Properties at all is judged as an empty object (its required properties are missing).
    const view = properties ?? (props === undefined ? { raw: {}, path: node.path } : undefined);
    if (!view || (!isPlainObject(view.raw) && props !== undefined && intrinsicName(view.raw) === undefined)) continue;
    walkSchema(view, schema.root, schema.root, conditions, (v) => {
      for (const fn of h.schema) fn({ resource: node, view: v.view, schema: v.schema, root: v.root, conditions });
    });
  }
}

function timed<T>(id: string, timings: Map<string, number> | undefined, fn: () => T): T {
  if (!timings) return fn();
  const start = performance.now();
  try {
    return fn();
  } finally {
    timings.set(id, (timings.get(id) ?? 0) + performance.now() - start);
  }
}

function walkTemplate(template: CfnTemplate, spec: SpecIndex, h: Handlers): void {
  for (const [key, value] of Object.entries(template)) {
    const section = SECTIONS[key] ?? 'Other';
    if (section === 'Resources' && isPlainObject(value)) {
      for (const [id, res] of Object.entries(value)) walkResource(id, res, spec, h);
      continue;
    }
    walk(value, [key], { section, resource: undefined, inMetadata: section === 'Metadata' }, undefined, spec, h);
  }
}

function walkResource(id: string, res: unknown, spec: SpecIndex, h: Handlers): void {
  const path: JsonPath = ['Resources', id];
  if (!isPlainObject(res)) {
    walk(res, path, { section: 'Resources', resource: undefined, inMetadata: false }, undefined, spec, h);
    return;
  }
  // A resource without a string Type is E3001's finding (reported from the template visitor); its values are still
  // walked for references, but no rule sees it as a typed resource.
  if (typeof res.Type !== 'string') {
    for (const [key, value] of Object.entries(res))
      if (key !== 'Type')
        walk(
          value,
          [...path, key],
          { section: 'Resources', resource: undefined, inMetadata: key === 'Metadata' },
          undefined,
          spec,
          h,
        );
    return;
  }
  const type = res.Type;
  const node: ResourceNode = {
    id,
    resource: res as unknown as CfnResource,
    path,
    spec: spec.resource(type),
    custom: isCustomType(type),
  };
  for (const fn of h.resource) fn(node);
  for (const [key, value] of Object.entries(res)) {
    const where: Where = { section: 'Resources', resource: node, inMetadata: key === 'Metadata' };
    const expected: Expected | undefined = key === 'Properties' && node.spec ? { object: node.spec } : undefined;
    walk(value, [...path, key], where, expected, spec, h);
  }
}

function walk(
  value: unknown,
  path: JsonPath,
  where: Where,
  expected: Expected | undefined,
  spec: SpecIndex,
  h: Handlers,
): void {
  const last = path[path.length - 1];
  const vnode: ValueNode = {
    path,
    value,
    section: where.section,
    resourceId: where.resource?.id,
    inMetadata: where.inMetadata,
    key: typeof last === 'string' ? last : undefined,
  };
  for (const fn of h.value) fn(vnode);

  const fnName = intrinsicName(value, where.section);
  if (fnName) {
    const arg = (value as Record<string, unknown>)[fnName];
    const inode: IntrinsicNode = {
      fn: fnName,
      arg,
      path,
      section: where.section,
      resourceId: where.resource?.id,
      inMetadata: where.inMetadata,
    };
    for (const fn of h.intrinsic) fn(inode);
    const argPath = [...path, fnName];
    // The value a function returns must still fit the property (a list from Fn::GetAZs is no string); Fn::If is
    // judged by its branches below.
    if (fnName !== 'Fn::If' && expected && where.resource && !('object' in expected)) {
      const tnode: TypedValueNode = {
        resource: where.resource,
        path,
        value,
        expected: expected.type,
        previous: expected.previous,
      };
      for (const fn of h.typedValue) fn(tnode);
    }
    // Both branches of Fn::If must still have the shape the property expects.
    if (fnName === 'Fn::If' && expected && Array.isArray(arg) && arg.length === 3) {
      walk(arg[0], [...argPath, 0], where, undefined, spec, h);
      walk(arg[1], [...argPath, 1], where, expected, spec, h);
      walk(arg[2], [...argPath, 2], where, expected, spec, h);
      return;
    }
    walk(arg, argPath, where, undefined, spec, h);
    return;
  }

  if (expected && where.resource) {
    if ('object' in expected) {
      if (isPlainObject(value)) {
        walkTypedObject(value, expected.object, path, where, spec, h);
        return;
      }
      const tnode: TypedValueNode = {
        resource: where.resource,
        path,
        value,
        expected: { kind: 'ref', ref: '' },
        previous: undefined,
      };
      for (const fn of h.typedValue) fn(tnode);
      return;
    }
    const tnode: TypedValueNode = {
      resource: where.resource,
      path,
      value,
      expected: expected.type,
      previous: expected.previous,
    };
    for (const fn of h.typedValue) fn(tnode);
    const t = pickVariant(expected.type, value);
    if (t.kind === 'ref' && isPlainObject(value)) {
      const obj = where.resource.spec?.types[t.ref];
      if (obj) {
        walkTypedObject(value, obj, path, where, spec, h);
        return;
      }
    } else if (t.kind === 'array' && Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...path, i], where, { type: t.element, previous: undefined }, spec, h));
      return;
    } else if (t.kind === 'map' && isPlainObject(value)) {
      for (const [k, v] of Object.entries(value))
        walk(v, [...path, k], where, { type: t.element, previous: undefined }, spec, h);
      return;
    }
  }

  if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], where, undefined, spec, h));
  else if (isPlainObject(value))
    for (const [k, v] of Object.entries(value)) walk(v, [...path, k], where, undefined, spec, h);
}

function walkTypedObject(
  value: Record<string, unknown>,
  obj: SpecObject,
  path: JsonPath,
  where: Where,
  spec: SpecIndex,
  h: Handlers,
): void {
  const resource = where.resource as ResourceNode;
  const onode: TypedObjectNode = { resource, path, value, spec: obj };
  for (const fn of h.typedObject) fn(onode);
  for (const [k, v] of Object.entries(value)) {
    const p = obj.properties[k];
    walk(v, [...path, k], where, p ? { type: p.type, previous: p.previous } : undefined, spec, h);
  }
}

/** For a union, the member whose shape matches the value (object → ref/map/json, array → array); else the type itself. */
function pickVariant(t: SpecType, value: unknown): SpecType {
  if (t.kind !== 'union') return t;
  if (Array.isArray(value)) return t.types.find((x) => x.kind === 'array') ?? t;
  if (isPlainObject(value)) return t.types.find((x) => x.kind === 'ref' || x.kind === 'map') ?? t;
  return t;
}
