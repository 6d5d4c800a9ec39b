// The plan as a JSON document (documented in README) and as lines for people; both read the same graph.
import type { Message, Reporter } from '../io/messages.js';
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

/** One wave's nodes on as few lines as fit `width`, each with its estimate: the compact form of the plan. */
function waveLines(label: string, items: string[], width: number, between = '  '): string[] {
  const lines: string[] = [];
  let line = label;
  for (const item of items) {
    const sep = line === label ? '' : between;
    if (line !== label && line.length + sep.length + item.length > width) {
      lines.push(line);
      // A wrapped chain keeps its arrow at the start of the continued line.
      line = `${' '.repeat(label.length)}${between.trimStart()}${item}`;
    } else line += `${sep}${item}`;
  }
  lines.push(line);
  return lines;
}

function nodeSummary(n: PlanNodeJson): string {
  if (n.kind === 'stack') return `${n.id} ~${formatDuration(n.estimateSeconds)}`;
  return n.id;
}

/**
 * Emits the plan for people. By default it fits one screen: the summary, one line per wave, the critical path.
 * `verbose` adds every node's stack, template, dependencies and every parameter with its source.
 */
export function reportPlan(
  reporter: Reporter,
  g: DeployGraph,
  opts: { verbose?: boolean; width?: number; validated?: Omit<Message, 'time'> } = {},
): void {
  const plan = planJson(g);
  const stacks = plan.nodes.filter((n) => n.kind === 'stack');
  const second = stacks.filter((s) => s.pass === 2).length;
  reporter.emit({
    code: 'PLAN_SUMMARY',
    level: 'result',
    text: `Plan for ${g.environment} (primary ${g.regions.primary}, secondary ${g.regions.secondary}): ${stacks.length - second} stacks, ${plan.nodes.length - stacks.length} artifact steps, ${g.waves.length} waves, ~${formatDuration(g.criticalPathSeconds)}`,
    data: { stacks: stacks.length - second, secondPasses: second, nodes: plan.nodes.length, waves: g.waves.length },
  });
  if (opts.validated) reporter.emit(opts.validated);
  const width = opts.width ?? 100;
  g.waves.forEach((wave, i) => {
    const nodes = wave.map((id) => plan.nodes.find((x) => x.id === id)!);
    if (!opts.verbose) {
      reporter.emit({
        code: 'PLAN_WAVE',
        level: 'result',
        text: waveLines(`wave ${String(i + 1).padStart(2)}  `, nodes.map(nodeSummary), width).join('\n'),
        data: { wave: i + 1, nodes: wave },
      });
      return;
    }
    reporter.emit({ code: 'PLAN_WAVE', level: 'result', text: `\nWave ${i + 1}`, data: { wave: i + 1, nodes: wave } });
    for (const n of nodes) {
      const deps = n.dependencies.length ? n.dependencies.join(', ') : '-';
      const head =
        n.kind === 'stack'
          ? `  ${n.id}  ${n.stackName}  ${n.region}  ${n.template}${n.pass === 2 ? '  (second pass)' : ''}  ~${formatDuration(n.estimateSeconds)}`
          : n.kind === 'artifact-build'
            ? `  ${n.id}  build ${n.artifactKind} bundle from ${n.entry}`
            : `  ${n.id}  upload to the ${n.role} artifact bucket (${n.region}), bucket ${n.bucket?.from ? `from ${n.bucket.from}` : JSON.stringify(n.bucket?.value)}`;
      const lines = [head, `      depends on: ${deps}`];
      const node = g.nodes.get(n.id)!;
      if (node.kind === 'stack')
        for (const [k, v] of Object.entries(node.parameters).sort(([a], [b]) => a.localeCompare(b)))
          lines.push(`      ${k} = ${parameterText(v)}`);
      reporter.emit({ code: 'PLAN_NODE', level: 'result', text: lines.join('\n'), data: n });
    }
  });
  const label = `critical path ~${formatDuration(g.criticalPathSeconds)}  `;
  reporter.emit({
    code: 'PLAN_CRITICAL_PATH',
    level: 'result',
    text: `${opts.verbose ? '\n' : ''}${waveLines(label, g.criticalPath, width, ' → ').join('\n')}`,
    data: plan.criticalPath,
  });
  if (!opts.verbose)
    reporter.emit({
      code: 'PLAN_MORE',
      level: 'result',
      text: '--verbose: every stack, its dependencies and each parameter with its source; --json: all as data',
    });
  for (const w of g.warnings) reporter.emit({ code: 'PLAN_WARNING', level: 'warn', text: w });
}
