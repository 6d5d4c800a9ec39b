// The plan as a JSON document (documented in README) and as lines for people; both read the same graph.
import type { Reporter } from '../io/messages.js';
import type { DeployGraph, DeployNode, ParameterSource } from './graph.js';

export interface PlanParameterJson {
  source: ParameterSource['kind'];
  value?: string;
  /** `<layer>@<role>.<Output>` for inputs; the publish node for artifacts. */
  from?: string;
  secondPass?: string;
}

export interface PlanNodeJson {
  id: string;
  kind: DeployNode['kind'];
  wave: number;
  dependencies: string[];
  priority: number;
  estimateSeconds: number;
  stackName?: string;
  layer?: string;
  role?: string;
  region?: string;
  template?: string;
  pass?: 1 | 2;
  parameters?: Record<string, PlanParameterJson>;
  artifact?: string;
  entry?: string;
  artifactKind?: string;
  bucket?: PlanParameterJson;
}

export interface PlanJson {
  environment: string;
  regions: DeployGraph['regions'];
  nodes: PlanNodeJson[];
  waves: string[][];
  criticalPath: { nodes: string[]; seconds: number };
  warnings: string[];
}

export function parameterJson(p: ParameterSource): PlanParameterJson {
  switch (p.kind) {
    case 'output':
      return { source: p.kind, from: `${p.node}.${p.output}` };
    case 'deferred':
      return { source: p.kind, from: `${p.node}.${p.output}`, secondPass: p.secondPass };
    case 'artifact':
      return { source: p.kind, from: p.node };
    default:
      return { source: p.kind, value: p.value };
  }
}

export function planJson(g: DeployGraph): PlanJson {
  const waveOf = new Map<string, number>();
  g.waves.forEach((w, i) => w.forEach((id) => waveOf.set(id, i + 1)));
  const nodes = g.order.map((id): PlanNodeJson => {
    const n = g.nodes.get(id)!;
    const common = {
      id,
      kind: n.kind,
      wave: waveOf.get(id) ?? 0,
      dependencies: n.dependencies,
      priority: n.priority,
      estimateSeconds: n.estimateSeconds,
    };
    if (n.kind === 'stack') {
      return {
        ...common,
        stackName: n.stackName,
        layer: n.layer,
        role: n.role,
        region: n.region,
        template: n.template,
        pass: n.pass,
        parameters: Object.fromEntries(
          Object.entries(n.parameters)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, parameterJson(v)]),
        ),
      };
    }
    if (n.kind === 'artifact-build')
      return { ...common, artifact: n.artifact, entry: n.entry, artifactKind: n.artifactKind };
    return { ...common, artifact: n.artifact, role: n.role, region: n.region, bucket: parameterJson(n.bucket) };
  });
  return {
    environment: g.environment,
    regions: g.regions,
    nodes,
    waves: g.waves,
    criticalPath: { nodes: g.criticalPath, seconds: g.criticalPathSeconds },
    warnings: g.warnings,
  };
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.round(seconds / 60);
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function parameterText(p: ParameterSource): string {
  switch (p.kind) {
    case 'output':
      return `from ${p.node}.${p.output}`;
    case 'deferred':
      return `kept as deployed ("" on create); set from ${p.node}.${p.output} by ${p.secondPass}`;
    case 'artifact':
      return `S3 key of artifact ${p.artifact} (${p.node})`;
    case 'config':
      return `${JSON.stringify(p.value)} (config ${p.block})`;
    default:
      return `${JSON.stringify(p.value)} (${p.kind})`;
  }
}

/** Emits the plan for people: one message per wave and per node, then the critical path. */
export function reportPlan(reporter: Reporter, g: DeployGraph): void {
  const plan = planJson(g);
  const stacks = plan.nodes.filter((n) => n.kind === 'stack');
  reporter.emit({
    code: 'PLAN_SUMMARY',
    level: 'result',
    text: `Plan for ${g.environment}: ${stacks.length} stack steps (${stacks.filter((s) => s.pass === 2).length} second pass) and ${plan.nodes.length - stacks.length} artifact steps in ${g.waves.length} waves; primary ${g.regions.primary}, secondary ${g.regions.secondary}`,
    data: { stacks: stacks.length, nodes: plan.nodes.length, waves: g.waves.length },
  });
  g.waves.forEach((wave, i) => {
    reporter.emit({ code: 'PLAN_WAVE', level: 'result', text: `\nWave ${i + 1}`, data: { wave: i + 1, nodes: wave } });
    for (const id of wave) {
      const n = plan.nodes.find((x) => x.id === id)!;
      const deps = n.dependencies.length ? n.dependencies.join(', ') : '-';
      const head =
        n.kind === 'stack'
          ? `  ${n.id}  ${n.stackName}  ${n.region}  ${n.template}${n.pass === 2 ? '  (second pass)' : ''}  ~${formatDuration(n.estimateSeconds)}`
          : n.kind === 'artifact-build'
            ? `  ${n.id}  build ${n.artifactKind} bundle from ${n.entry}`
            : `  ${n.id}  upload to the ${n.role} artifact bucket (${n.region}), bucket ${n.bucket?.from ? `from ${n.bucket.from}` : JSON.stringify(n.bucket?.value)}`;
      const lines = [head, `      depends on: ${deps}`];
      const node = g.nodes.get(id)!;
      if (node.kind === 'stack')
        for (const [k, v] of Object.entries(node.parameters).sort(([a], [b]) => a.localeCompare(b)))
          lines.push(`      ${k} = ${parameterText(v)}`);
      reporter.emit({ code: 'PLAN_NODE', level: 'result', text: lines.join('\n'), data: n });
    }
  });
  reporter.emit({
    code: 'PLAN_CRITICAL_PATH',
    level: 'result',
    text: `\nCritical path (~${formatDuration(g.criticalPathSeconds)}): ${g.criticalPath.join(' -> ')}`,
    data: plan.criticalPath,
  });
  for (const w of g.warnings) reporter.emit({ code: 'PLAN_WARNING', level: 'warn', text: w });
}
