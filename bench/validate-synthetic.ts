// A synthetic large template for the validate bench and the guard-equivalence test: every project template merged into
// one, `copies` times. Parameters, Conditions and Mappings are taken once per layer; Resources and Outputs once per
// copy, with every reference (Ref, Fn::GetAtt, Fn::Sub, DependsOn, Condition) renamed to match. Five copies of our
// seven templates make a ~675-resource template, the size at which cold validation used to fall behind cfn-lint.
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Renames {
  /** Parameters, Conditions and Mappings of one layer. */
  shared: Map<string, string>;
  /** Resources of one layer in one copy. */
  resources: Map<string, string>;
}

function rename(name: string, r: Renames): string {
  return r.resources.get(name) ?? r.shared.get(name) ?? name;
}

function renameSub(text: string, r: Renames, local: Set<string>): string {
  return text.replace(/\$\{([^}!][^}]*)\}/g, (whole, inner: string) => {
    const [head, ...rest] = inner.split('.');
    if (!head || local.has(head)) return whole;
    return `\${${[rename(head, r), ...rest].join('.')}}`;
  });
}

function rewrite(v: Json, r: Renames): Json {
  if (Array.isArray(v)) return v.map((x) => rewrite(x, r));
  if (!isObj(v)) return v;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const [k] = keys as [string];
    const arg = v[k];
    if (k === 'Ref' && typeof arg === 'string') return { Ref: rename(arg, r) };
    if (k === 'Condition' && typeof arg === 'string') return { Condition: rename(arg, r) };
    if (k === 'Fn::GetAtt') {
      if (typeof arg === 'string') {
        const [head, ...rest] = arg.split('.');
        return { [k]: [rename(head ?? '', r), ...rest].join('.') };
      }
      if (Array.isArray(arg) && typeof arg[0] === 'string')
        return { [k]: [rename(arg[0], r), ...arg.slice(1).map((x) => rewrite(x, r))] };
    }
    if (k === 'Fn::If' && Array.isArray(arg) && typeof arg[0] === 'string')
      return { [k]: [rename(arg[0], r), ...arg.slice(1).map((x) => rewrite(x, r))] };
    if (k === 'Fn::FindInMap' && Array.isArray(arg) && typeof arg[0] === 'string')
      return { [k]: [rename(arg[0], r), ...arg.slice(1).map((x) => rewrite(x, r))] };
    if (k === 'Fn::Sub') {
      if (typeof arg === 'string') return { [k]: renameSub(arg, r, new Set()) };
      if (Array.isArray(arg) && typeof arg[0] === 'string') {
        const vars = isObj(arg[1]) ? arg[1] : {};
        return { [k]: [renameSub(arg[0], r, new Set(Object.keys(vars))), rewrite(vars, r)] };
      }
    }
  }
  return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, rewrite(x, r)]));
}

function section(t: Obj, name: string): Obj {
  const s = t[name];
  return isObj(s) ? s : {};
}

/** The merged template (as an object) built from `files` (paths relative to `root`). */
export function syntheticTemplate(root: string, files: readonly string[], copies: number): Obj {
  const out: Obj = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Synthetic: ${files.length} templates merged, ${copies} copies of their resources`,
    Parameters: {},
    Mappings: {},
    Conditions: {},
    Resources: {},
    Outputs: {},
  };
  files.forEach((file, layer) => {
    const t = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Obj;
    const tag = `L${layer}`;
    const shared = new Map<string, string>();
    for (const s of ['Parameters', 'Conditions', 'Mappings'])
      for (const name of Object.keys(section(t, s))) shared.set(name, `${name}${tag}`);
    for (let c = 1; c <= copies; c++) {
      const resources = new Map(Object.keys(section(t, 'Resources')).map((id) => [id, `${id}${tag}C${c}`]));
      const r: Renames = { shared, resources };
      if (c === 1)
        for (const s of ['Parameters', 'Conditions', 'Mappings'])
          for (const [name, v] of Object.entries(section(t, s)))
            (out[s] as Obj)[shared.get(name) as string] = rewrite(v, r);
      for (const [id, res] of Object.entries(section(t, 'Resources'))) {
        const copy = rewrite(res, r) as Obj;
        if (typeof copy.Condition === 'string') copy.Condition = rename(copy.Condition, r);
        if (typeof copy.DependsOn === 'string') copy.DependsOn = rename(copy.DependsOn, r);
        if (Array.isArray(copy.DependsOn)) copy.DependsOn = copy.DependsOn.map((d) => rename(String(d), r));
        (out.Resources as Obj)[resources.get(id) as string] = copy;
      }
      // Outputs once (CloudFormation allows 200 per template).
      if (c === 1)
        for (const [id, o] of Object.entries(section(t, 'Outputs'))) {
          const copy = rewrite(o, r) as Obj;
          if (typeof copy.Condition === 'string') copy.Condition = rename(copy.Condition, r);
          delete copy.Export;
          (out.Outputs as Obj)[`${id}${tag}C${c}`] = copy;
        }
    }
  });
  return out;
}
