// The one parameter resolution: config/<env>.json → every stack's template parameters, with each value's source
// (automatic, config, default, another stack's output, an artifact) and each literal value checked against the
// template's declaration (Type, AllowedValues, AllowedPattern, Min/Max) and Rules. plan, deploy, report, failover,
// failback and drill all read this answer; a value CloudFormation would refuse stops every one of them.
import { DrError } from '../errors.js';
import type { MessageCode } from '../io/message-codes.js';
import { AUTOMATIC_SOURCES, automaticParameters, parameterToString } from '../config/load-config.js';
import type { EnvironmentConfig } from '../config/config-types.js';
import type { JsonSource } from '../templates/json-source.js';
import type { LoadedTemplate } from '../templates/catalog.js';
import type { CfnTemplate, RegionRole, TemplateArtifact } from '../templates/template-types.js';
import { nearestName } from '../suggest.js';
import { peerRole, stackNodeId, type ParameterSource } from './graph.js';
import { checkParameterValue } from './parameter-constraints.js';
import { failedRules, type KnownValues } from './template-rules.js';

export const ROLES: RegionRole[] = ['primary', 'secondary'];

export interface ParameterInput {
  config: EnvironmentConfig;
  /** The config file, for error messages (e.g. `config/dev.json`). */
  configFile: string;
  /** The parsed config file, so errors about a value name its line. */
  configSource?: Pick<JsonSource<unknown>, 'lineOf'>;
  layers: Map<string, LoadedTemplate>;
}

/** An input edge between two stack instances: `consumer`'s parameter `param` is `producer`'s output. */
export interface InputEdge {
  consumer: string;
  producer: string;
  param: string;
  output: string;
  /** The parameter defaults to "": the stack deploys without it, so the edge may be deferred to a second pass. */
  optional: boolean;
  file: string;
}

export interface ArtifactUse {
  stack: string;
  param: string;
  artifact: TemplateArtifact;
}

/** One stack (layer × region role) with every declared parameter's source. */
export interface ResolvedStack {
  id: string;
  layer: string;
  role: RegionRole;
  region: string;
  template: LoadedTemplate;
  /** Every declared parameter; `deferred` never appears here (cycle breaking is the graph's business). */
  parameters: Record<string, ParameterSource>;
}

export interface ResolvedParameters {
  stacks: Map<string, ResolvedStack>;
  edges: InputEdge[];
  artifacts: ArtifactUse[];
  warnings: string[];
}

/** One config value CloudFormation would refuse, or a name no template declares. */
export interface ParameterProblem {
  code: 'E_CONFIG_UNKNOWN_PARAMETER' | 'E_CONFIG_PARAMETER_INVALID' | 'E_CONFIG_RULE_FAILED';
  field: string;
  line?: number;
  message: string;
  fix: string;
  value?: string;
  allowed?: string;
  nearest?: string;
  template?: string;
  parameter?: string;
  stacks?: string[];
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

/** The node that uploads an artifact to one region's bucket: the artifact parameter's value is known after it. */
export const publishNodeId = (artifact: string, role: RegionRole): string => `publish:${artifact}@${role}`;

/** Literal values (automatic, then config `common`, then the role's block) for one stack, limited to `template`'s declarations. */
export function configValues(c: EnvironmentConfig, role: RegionRole, template: CfnTemplate): Record<string, string> {
  const declared = template.Parameters ?? {};
  const merged: Record<string, string> = {};
  for (const layer of [automaticParameters(c, role), c.parameters.common ?? {}, c.parameters[role] ?? {}])
    for (const [k, v] of Object.entries(layer)) if (k in declared) merged[k] = parameterToString(v);
  return merged;
}

function planProblem(code: MessageCode, message: string, fix: string, file: string, field: string): DrError {
  return new DrError({ code, kind: 'config', message: `${file}: ${field}: ${message}`, fix, file, field });
}

/** Throws the problem, or one error listing all of them (named by the first) so each is fixed in one go. */
export function raise(problems: DrError[], what = 'problems in the deploy plan'): never {
  const first = problems[0]!;
  if (problems.length === 1) throw first;
  const lines = problems.map((p) => `  - ${p.message}${p.fix ? `\n    fix: ${p.fix}` : ''}`).join('\n');
  throw new DrError({
    code: first.code,
    kind: first.kind,
    message: `${problems.length} ${what}:\n${lines}`,
    fix: first.fix,
    file: first.file,
    field: first.field,
    details: { problems: problems.map((p) => p.toJSON()) },
  });
}

function configError(file: string, problems: ParameterProblem[]): DrError {
  const where = (p: ParameterProblem) => `${file}${p.line ? `:${p.line}` : ''}: ${p.field}`;
  const first = problems[0]!;
  const message =
    problems.length === 1
      ? `${where(first)}: ${first.message}`
      : `${problems.length} problems with parameter values:\n${problems.map((p) => `  - ${where(p)}: ${p.message}\n    fix: ${p.fix}`).join('\n')}`;
  return new DrError({
    code: first.code,
    kind: 'config',
    message,
    fix: first.fix,
    file,
    field: first.field,
    details: { problems: problems.map((p) => ({ file, ...p })) },
  });
}

const shown = (v: string) => (v === '' ? '""' : /^[\w.:/@-]+$/.test(v) ? v : JSON.stringify(v));

/** Where a literal value came from in the config: its field (for errors) and line. */
function configField(src: ParameterSource, name: string, role: RegionRole): string | undefined {
  if (src.kind === 'config') return `parameters.${src.block}.${name}`;
  if (src.kind === 'automatic') return AUTOMATIC_SOURCES[name]?.(role);
  return undefined;
}

/**
 * Resolves every stack's parameters. Throws one DrError listing every config problem (unknown names, values the
 * templates refuse, failed Rules), else one listing every plan problem (metadata, missing values).
 */
export function resolveParameters(input: ParameterInput): ResolvedParameters {
  const { config, configFile } = input;
  const lineOf = (field: string) => input.configSource?.lineOf(field.split('.'));
  const problems: DrError[] = [];
  const configProblems: ParameterProblem[] = [];
  const warnings: string[] = [];
  const stacks = new Map<string, ResolvedStack>();
  const usedConfig = new Set<string>();
  const shadowed = new Map<string, string[]>();

  // Names no template declares: almost always a typo, and the same error in every command.
  const declaredNames = [
    ...new Set([...input.layers.values()].flatMap((t) => Object.keys(t.template.Parameters ?? {}))),
  ];
  for (const [block, values] of Object.entries(config.parameters))
    for (const name of Object.keys(values ?? {}))
      if (!declaredNames.includes(name)) {
        const near = nearestName(name, declaredNames);
        const field = `parameters.${block}.${name}`;
        configProblems.push({
          code: 'E_CONFIG_UNKNOWN_PARAMETER',
          field,
          ...(lineOf(field) ? { line: lineOf(field) } : {}),
          message: 'no template declares this parameter',
          fix: `Remove it or fix the spelling.${near ? ` Did you mean "${near}"?` : ''}`,
          ...(near ? { nearest: near } : {}),
        });
      }

  for (const [layer, t] of [...input.layers].sort(([a], [b]) => a.localeCompare(b))) {
    const regions = t.drctl?.Regions;
    if (!Array.isArray(regions) || regions.length === 0 || regions.some((r) => !ROLES.includes(r))) {
      problems.push(
        planProblem(
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
      if (regions.includes(role)) {
        const id = stackNodeId(layer, role);
        stacks.set(id, { id, layer, role, region: config.regions[role], template: t, parameters: {} });
      }
  }

  const edges: InputEdge[] = [];
  const artifacts: ArtifactUse[] = [];
  for (const stack of stacks.values()) {
    const { template: t, role } = stack;
    const declared = t.template.Parameters ?? {};
    const inputs = t.drctl?.Inputs ?? {};
    const arts = t.drctl?.Artifacts ?? {};
    for (const [param, inp] of Object.entries(inputs)) {
      const field = `Metadata.Drctl.Inputs.${param}`;
      if (!(param in declared)) {
        problems.push(
          planProblem(
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
      const producer = stacks.get(producerId);
      if (!producer) {
        problems.push(
          planProblem(
            'E_PLAN_INPUT_UNKNOWN_STACK',
            `input from "${producerId}", but no template deploys layer "${inp.Stack}" in the ${producerRole} region`,
            `Fix Stack/Region, or add "${producerRole}" to that layer's Metadata.Drctl.Regions.`,
            t.file,
            field,
          ),
        );
        continue;
      }
      if (!(inp.Output in (producer.template.template.Outputs ?? {}))) {
        problems.push(
          planProblem(
            'E_PLAN_INPUT_UNKNOWN_OUTPUT',
            `input from ${producerId}.${inp.Output}, but ${producer.template.file} has no output "${inp.Output}"`,
            `Use one of: ${Object.keys(producer.template.template.Outputs ?? {}).join(', ') || '(none)'}.`,
            t.file,
            field,
          ),
        );
        continue;
      }
      const optional = declared[param]?.Default === '';
      edges.push({ consumer: stack.id, producer: producerId, param, output: inp.Output, optional, file: t.file });
      stack.parameters[param] = {
        kind: 'output',
        node: producerId,
        layer: inp.Stack,
        role: producerRole,
        output: inp.Output,
      };
    }
    for (const [param, art] of Object.entries(arts)) {
      const field = `Metadata.Drctl.Artifacts.${param}`;
      if (!(param in declared) || !(art.BucketParameter in declared)) {
        const missing = param in declared ? art.BucketParameter : param;
        problems.push(
          planProblem(
            'E_PLAN_ARTIFACT_UNDECLARED',
            `artifact refers to parameter "${missing}", which the template does not declare`,
            `Declare "${missing}" under Parameters.`,
            t.file,
            field,
          ),
        );
        continue;
      }
      if (art.Kind !== 'lambda' && art.Kind !== 'service' && art.Kind !== 'canary') {
        problems.push(
          planProblem(
            'E_PLAN_BAD_METADATA',
            `Kind is "${String(art.Kind)}"`,
            'Use "lambda" (zip with index.mjs), "service" (one .mjs bundle) or "canary" (Synthetics zip).',
            t.file,
            `${field}.Kind`,
          ),
        );
        continue;
      }
      artifacts.push({ stack: stack.id, param, artifact: art });
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
      if (stack.parameters[name] || name in arts) {
        if (fromConfig) {
          const key = `${fromConfig}.${name}`;
          shadowed.set(key, [
            ...(shadowed.get(key) ?? []),
            `${stack.id} (${name in arts ? 'an artifact' : 'an input'} in ${t.file})`,
          ]);
        }
        if (name in arts && !stack.parameters[name]) {
          const artifact = artifactName(arts[name]!.Entry);
          stack.parameters[name] = { kind: 'artifact', node: publishNodeId(artifact, role), artifact };
        }
        continue;
      }
      if (fromConfig) {
        usedConfig.add(`${fromConfig}.${name}`);
        stack.parameters[name] = {
          kind: 'config',
          value: parameterToString(config.parameters[fromConfig]![name]!),
          block: fromConfig,
        };
      } else if (name in automatic)
        stack.parameters[name] = { kind: 'automatic', value: automatic[name as keyof typeof automatic] ?? '' };
      else if (declared[name]?.Default !== undefined)
        stack.parameters[name] = { kind: 'default', value: String(declared[name]!.Default) };
      else {
        problems.push(
          planProblem(
            'E_PLAN_MISSING_PARAMETER',
            `parameter "${name}" of ${stack.id} has no value: no default, no input and nothing in ${configFile}`,
            `Add "${name}" to parameters.${role} (or parameters.common) in ${configFile}, give it a Default, or feed it from another stack with Metadata.Drctl.Inputs.`,
            t.file,
            `Parameters.${name}`,
          ),
        );
      }
    }
  }

  configProblems.push(...valueProblems(stacks, lineOf));
  if (configProblems.length) throw configError(configFile, configProblems);
  if (problems.length) raise(problems);
  // A config value that every stack declaring it takes from elsewhere is dead: almost always a mistake.
  for (const [key, where] of shadowed)
    if (!usedConfig.has(key))
      warnings.push(`${configFile}: parameters.${key} is never used: ${where.join(', ')} take it from elsewhere`);
  return { stacks, edges, artifacts, warnings };
}

/**
 * Every literal value CloudFormation would refuse (constraints per value, then the templates' Rules per stack),
 * once per config field and constraint however many stacks share the value.
 */
function valueProblems(
  stacks: Map<string, ResolvedStack>,
  lineOf: (field: string) => number | undefined,
): ParameterProblem[] {
  const found = new Map<string, ParameterProblem>();
  for (const stack of stacks.values()) {
    const declared = stack.template.template.Parameters ?? {};
    const file = stack.template.file;
    for (const [name, src] of Object.entries(stack.parameters)) {
      // Defaults are the validator's business (E2002); outputs and artifacts are only known at deploy time.
      if (src.kind !== 'config' && src.kind !== 'automatic') continue;
      const field = configField(src, name, stack.role);
      if (!field) continue;
      for (const v of checkParameterValue(src.value, declared[name]!)) {
        const key = `${field}|${v.constraint}|${v.value}|${v.allowed}`;
        const known = found.get(key);
        if (known) {
          known.stacks = [...new Set([...(known.stacks ?? []), stack.id])];
          continue;
        }
        const whole = v.value === src.value ? '' : ` (in ${shown(src.value)})`;
        found.set(key, {
          code: 'E_CONFIG_PARAMETER_INVALID',
          field,
          ...(lineOf(field) ? { line: lineOf(field) } : {}),
          message: `${shown(v.value)}${whole} is not allowed by ${file} Parameters.${name} (${v.constraint}: ${v.allowed})${v.nearest !== undefined ? `; nearest valid value: ${v.nearest}` : ''}`,
          fix:
            v.nearest !== undefined
              ? `Set ${field} to ${v.nearest} (allowed: ${v.allowed}).`
              : `Set ${field} to ${v.allowed}.`,
          value: v.value,
          allowed: v.allowed,
          ...(v.nearest !== undefined ? { nearest: v.nearest } : {}),
          template: file,
          parameter: name,
          stacks: [stack.id],
        });
      }
    }
    // Rules, over the values known now; a rule that reads a value only known at deploy time is left undecided.
    const values: KnownValues = {};
    for (const [name, src] of Object.entries(stack.parameters))
      values[name] =
        src.kind === 'config' || src.kind === 'automatic' || src.kind === 'default' ? src.value : undefined;
    for (const failure of failedRules(stack.template.template, values)) {
      const involved = failure.parameters.map((p) => {
        const src = stack.parameters[p];
        const from = src
          ? (configField(src, p, stack.role) ?? (src.kind === 'default' ? 'the default' : src.kind))
          : '';
        return { parameter: p, value: values[p], from, field: src ? configField(src, p, stack.role) : undefined };
      });
      const field =
        involved.find((i) => i.field && i.from.startsWith('parameters.'))?.field ??
        involved.find((i) => i.field)?.field;
      const key = `rule|${file}|${failure.rule}|${failure.assertion}|${involved.map((i) => i.value).join(',')}`;
      const known = found.get(key);
      if (known) {
        known.stacks = [...new Set([...(known.stacks ?? []), stack.id])];
        continue;
      }
      const list = involved.map((i) => `${i.parameter} = ${shown(i.value ?? '')} (${i.from})`).join(', ');
      found.set(key, {
        code: 'E_CONFIG_RULE_FAILED',
        field: field ?? `Rules.${failure.rule}`,
        ...(field && lineOf(field) ? { line: lineOf(field) } : {}),
        message: `${file} Rules.${failure.rule} fails for ${stack.id}: ${failure.description} (${list})`,
        fix: `Change ${involved
          .filter((i) => i.field)
          .map((i) => i.field)
          .join(' or ')} so that the rule holds.`,
        template: file,
        parameter: failure.parameters.join(','),
        stacks: [stack.id],
      });
    }
  }
  return [...found.values()];
}
