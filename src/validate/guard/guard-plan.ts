// How cfn-guard's work is cut so that cold validation stays fast as templates grow.
//
// Measured on the bundled cfn-guard 3.1 (a static musl build): a control costs time in proportion to the size of the
// document it is given for every resource it checks, because the rules hand the whole input document to their helper
// rules (`check_local_references(%INPUT_DOCUMENT, ...)`) and the binary copies it each time; scanning a document costs
// ~0.5 ms per resource per control even when nothing matches. One process over a 675-resource template therefore took
// ~50 s, against ~2 s for the same resources in seven templates. So each control is given only the resources whose
// types its file names (what it reports on and what it looks references up in): one small document per template and
// group of controls naming the same types. Documents are then packed into processes so that the work a control does
// on documents that are not its own (a scan) costs less than starting another process.
import type { LoadedTemplate } from '../../templates/catalog.js';
import { isPlainObject } from '../template-values.js';
import type { GuardRuleFile } from './guard-rules.js';

/** One document for cfn-guard: a template's resources of the types a group of controls names, and those controls. */
export interface GuardUnit {
  template: LoadedTemplate;
  rules: GuardRuleFile[];
  /** `{"AWSTemplateFormatVersion", "Resources": {...}}` with only the group's resources (logical ids unchanged). */
  doc: string;
  resources: number;
}

/** Controls and documents run by one cfn-guard process. */
export interface GuardJob {
  rules: GuardRuleFile[];
  units: GuardUnit[];
}

/** Estimated cost of starting one cfn-guard process, in units of one control scanning one resource. */
const PROCESS_COST = 160;

function resourcesOf(t: LoadedTemplate): [string, Record<string, unknown>][] {
  const template: unknown = t.template;
  const resources = isPlainObject(template) && isPlainObject(template.Resources) ? template.Resources : {};
  return Object.entries(resources).filter((e): e is [string, Record<string, unknown>] => isPlainObject(e[1]));
}

const typeOf = (r: Record<string, unknown>): string => (typeof r.Type === 'string' ? r.Type.toLowerCase() : '');

/** Logical ids a value names through Ref, Fn::GetAtt or Fn::Sub (unknown names included; they select nothing). */
function referencedIds(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(v)) for (const x of v) referencedIds(x, out);
  else if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const arg = v[keys[0] as string];
      if (keys[0] === 'Ref' && typeof arg === 'string') out.add(arg);
      if (keys[0] === 'Fn::GetAtt') {
        const head = typeof arg === 'string' ? arg.split('.')[0] : Array.isArray(arg) ? arg[0] : undefined;
        if (typeof head === 'string') out.add(head);
      }
      if (keys[0] === 'Fn::Sub') {
        const text = typeof arg === 'string' ? arg : Array.isArray(arg) && typeof arg[0] === 'string' ? arg[0] : '';
        for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) out.add(m[1] as string);
      }
    }
    for (const x of Object.values(v)) referencedIds(x, out);
  }
  return out;
}

/** The controls that apply to a template: those reporting on a type it declares (compared without case). */
export function applicableRules(t: LoadedTemplate, all: readonly GuardRuleFile[]): GuardRuleFile[] {
  const types = new Set(resourcesOf(t).map(([, r]) => typeOf(r)));
  return all.filter((r) => r.types.some((ty) => types.has(ty.toLowerCase())));
}

/** A template's documents: its applicable controls grouped by the declared types they name. */
export function unitsOf(t: LoadedTemplate, all: readonly GuardRuleFile[]): GuardUnit[] {
  const resources = resourcesOf(t);
  const declared = new Set(resources.map(([, r]) => typeOf(r)));
  const groups = new Map<string, GuardRuleFile[]>();
  for (const rule of applicableRules(t, all)) {
    const key = rule.mentions
      .filter((m) => declared.has(m))
      .sort()
      .join(',');
    const list = groups.get(key);
    if (list) list.push(rule);
    else groups.set(key, [rule]);
  }
  const root: unknown = t.template;
  const version = isPlainObject(root) ? root.AWSTemplateFormatVersion : undefined;
  return [...groups].map(([key, rules]) => {
    const types = new Set(key.split(','));
    const chosen = new Set(resources.filter(([, r]) => types.has(typeOf(r))).map(([id]) => id));
    // Controls also look up, by logical id alone, whether what those resources reference exists (a Lambda
    // permission's SourceArn). Such a resource of a type the controls do not name is given as its Type only: the
    // copies guard makes of the document are what cost, so they stay small.
    const referenced = new Set<string>();
    for (const [id, r] of resources)
      if (chosen.has(id)) for (const ref of referencedIds(r.Properties)) if (!chosen.has(ref)) referenced.add(ref);
    const subset = Object.fromEntries(
      resources.flatMap(([id, r]): [string, unknown][] =>
        chosen.has(id) ? [[id, r]] : referenced.has(id) ? [[id, { Type: r.Type }]] : [],
      ),
    );
    return {
      template: t,
      rules,
      doc: JSON.stringify({ AWSTemplateFormatVersion: version ?? '2010-09-09', Resources: subset }),
      resources: Object.keys(subset).length,
    };
  });
}

/** The whole template as one document with every applicable control: how guard ran before (kept for comparison). */
export function wholeTemplateUnit(t: LoadedTemplate, all: readonly GuardRuleFile[]): GuardUnit[] {
  const rules = applicableRules(t, all);
  return rules.length ? [{ template: t, rules, doc: t.source.text, resources: resourcesOf(t).length }] : [];
}

/** Packs documents into processes, greedily, where the extra scanning is cheaper than another process. */
export function packJobs(units: readonly GuardUnit[]): GuardJob[] {
  const jobs: { rules: Set<GuardRuleFile>; units: GuardUnit[]; resources: number }[] = [];
  const sorted = [...units].sort((a, b) => b.rules.length * b.resources - a.rules.length * a.resources);
  for (const u of sorted) {
    let best: (typeof jobs)[number] | undefined;
    let bestCost = PROCESS_COST + u.rules.length * u.resources;
    for (const job of jobs) {
      const rules = new Set([...job.rules, ...u.rules]).size;
      const cost = rules * (job.resources + u.resources) - job.rules.size * job.resources;
      if (cost < bestCost) {
        best = job;
        bestCost = cost;
      }
    }
    if (best) {
      for (const r of u.rules) best.rules.add(r);
      best.units.push(u);
      best.resources += u.resources;
    } else jobs.push({ rules: new Set(u.rules), units: [u], resources: u.resources });
  }
  return jobs.map((j) => ({ rules: [...j.rules], units: j.units }));
}
