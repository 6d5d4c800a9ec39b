// Readiness: what differs between the two regions that should not, in the spirit of Route 53 ARC readiness checks,
// but read from the templates and config instead of deployed resources.
import { automaticParameters } from '../config/load-config.js';
import { resourcesOfType, stackView, type ReportInput, type StackView } from './report-input.js';
import type { ReadinessItem } from './report-types.js';
import type { CfnTemplate } from '../templates/template-types.js';

/** Parameters that are meant to differ: addressing and the warm-standby sizes (DESIGN §5). */
export const EXPECTED_DIFFERENCES = new Set(['VpcCidr', 'MinSize', 'DesiredCapacity', 'FailoverDesiredCapacity']);

const SPECIFIC: Record<string, { category: ReadinessItem['category']; why: string }> = {
  InstanceType: {
    category: 'instance-type',
    why: 'after failover the secondary carries the primary’s load on these instances',
  },
  DbEngineVersion: {
    category: 'engine-version',
    why: 'a promoted replica on another engine version behaves differently, and replication needs compatible versions',
  },
  DbInstanceClass: { category: 'db-class', why: 'a promoted replica of a smaller class must take the full write load' },
  MaxSize: { category: 'asg-capacity', why: 'the standby cannot scale as far as the primary under the same load' },
};

function pair(input: ReportInput, layer: string): [StackView, StackView] | undefined {
  const p = stackView(input, layer, 'primary');
  const s = stackView(input, layer, 'secondary');
  return p && s ? [p, s] : undefined;
}

/** Parameters a Condition reads, following nested Condition references. */
function conditionParameters(template: CfnTemplate, name: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(name)) return out;
  seen.add(name);
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'Ref' && typeof x === 'string') out.add(x);
        else if (k === 'Condition' && typeof x === 'string')
          conditionParameters(template, x, seen).forEach((p) => out.add(p));
        else walk(x);
      }
    }
  };
  walk((template.Conditions ?? {})[name]);
  return out;
}

function alarmCoverage(input: ReportInput): ReadinessItem[] {
  const views = pair(input, 'monitoring');
  if (!views) return [];
  const [p, s] = views;
  const ids = (v: StackView) => new Set(resourcesOfType(v, 'AWS::CloudWatch::Alarm').map((a) => a.id));
  const [inP, inS] = [ids(p), ids(s)];
  const items: ReadinessItem[] = [];
  for (const id of new Set([...inP, ...inS])) {
    if (inP.has(id) && inS.has(id)) continue;
    const cond = p.template.Resources[id]?.Condition;
    const drivers = cond ? [...conditionParameters(p.template, cond)] : [];
    const roleSpecific = drivers.includes('RegionRole');
    const only = inP.has(id) ? 'primary' : 'secondary';
    items.push({
      id: `alarm-coverage:${id}`,
      category: 'alarm-coverage',
      severity: roleSpecific ? 'info' : 'warn',
      layer: 'monitoring',
      subject: id,
      primary: inP.has(id) ? 'present' : 'absent',
      secondary: inS.has(id) ? 'present' : 'absent',
      message: roleSpecific
        ? `alarm ${id} exists only in the ${only} region by design (its Condition ${cond} depends on RegionRole)`
        : `alarm ${id} exists only in the ${only} region${drivers.length ? `: its Condition ${cond} reads ${drivers.join(', ')}, which differ between the regions` : ''}; the other region would fail over without this alarm`,
    });
  }
  return items;
}

function standbySizing(input: ReportInput): ReadinessItem[] {
  const views = pair(input, 'compute');
  if (!views) return [];
  const [p, s] = views;
  const full = Number(s.params.FailoverDesiredCapacity);
  const primaryDesired = Number(p.params.DesiredCapacity);
  const sMax = Number(s.params.MaxSize);
  const items: ReadinessItem[] = [];
  if (Number.isFinite(full) && Number.isFinite(primaryDesired) && full < primaryDesired) {
    items.push({
      id: 'asg-capacity:FailoverDesiredCapacity',
      category: 'asg-capacity',
      severity: 'warn',
      layer: 'compute',
      subject: 'FailoverDesiredCapacity',
      primary: String(primaryDesired),
      secondary: String(full),
      message: `the standby is raised to ${full} instance(s) on failover, fewer than the primary’s DesiredCapacity ${primaryDesired}`,
    });
  }
  if (Number.isFinite(full) && Number.isFinite(sMax) && full > sMax) {
    items.push({
      id: 'asg-capacity:MaxSize',
      category: 'asg-capacity',
      severity: 'info',
      layer: 'compute',
      subject: 'MaxSize',
      primary: p.params.MaxSize ?? null,
      secondary: String(sMax),
      message: `the secondary’s FailoverDesiredCapacity ${full} exceeds its MaxSize ${sMax}; the controller raises MaxSize with it on failover (raise-capacity), but until then the standby cannot scale past ${sMax}`,
    });
  }
  return items;
}

function parameterDifferences(input: ReportInput): ReadinessItem[] {
  const items: ReadinessItem[] = [];
  const automatic = new Set(Object.keys(automaticParameters(input.config, 'primary')));
  for (const [layer, t] of input.layers) {
    const views = pair(input, layer);
    if (!views) continue;
    const [p, s] = views;
    const inputs = new Set(Object.keys(t.template.Metadata?.Drctl?.Inputs ?? {}));
    for (const name of Object.keys(t.template.Parameters ?? {})) {
      if (automatic.has(name) || inputs.has(name) || EXPECTED_DIFFERENCES.has(name)) continue;
      const [a, b] = [p.params[name], s.params[name]];
      if (a === b) continue;
      const specific = SPECIFIC[name];
      // A regional resource (an ACM certificate ARN, say) differs only by the region name: expected, said as info.
      const regional =
        a !== undefined && b !== undefined && a.includes(p.region) && a.split(p.region).join(s.region) === b;
      if (regional) {
        items.push({
          id: `parameter:${layer}.${name}`,
          category: 'parameter',
          severity: 'info',
          layer,
          subject: name,
          primary: a,
          secondary: b,
          message: `${t.file}: ${name} differs only by region name (a regional resource)`,
        });
        continue;
      }
      items.push({
        id: `${specific?.category ?? 'parameter'}:${layer}.${name}`,
        category: specific?.category ?? 'parameter',
        severity: 'warn',
        layer,
        subject: name,
        primary: a ?? null,
        secondary: b ?? null,
        message: `${t.file}: ${name} is ${a ?? '(unset)'} in the primary and ${b ?? '(unset)'} in the secondary${specific ? `; ${specific.why}` : ''}`,
      });
    }
  }
  return items;
}

/**
 * The promoted replica becomes the writer: if it runs Single-AZ while the source is Multi-AZ, the first AZ failure
 * after a failover takes relational writes down again. Read from the resolved resources, since the two roles set
 * MultiAZ from different parameters (DbMultiAz, ReplicaMultiAz).
 */
function writerAvailability(input: ReportInput): ReadinessItem[] {
  const views = pair(input, 'data');
  if (!views) return [];
  const [p, s] = views;
  const items: ReadinessItem[] = [];
  for (const source of resourcesOfType(p, 'AWS::RDS::DBInstance')) {
    const replica = resourcesOfType(s, 'AWS::RDS::DBInstance').find((r) => r.id === source.id);
    if (!replica) continue;
    const [a, b] = [
      String(source.props.MultiAZ ?? false).toLowerCase(),
      String(replica.props.MultiAZ ?? false).toLowerCase(),
    ];
    if (a !== 'true' || b === 'true') continue;
    const raw = (replica.resource.Properties ?? {}).MultiAZ;
    const driver = JSON.stringify(raw ?? 'unset')
      .match(/"Ref":"([A-Za-z0-9]+)"/g)
      ?.map((m) => m.slice(7, -1))
      .filter((n) => n !== 'AWS::NoValue')
      .join(', ');
    items.push({
      id: `multi-az:data.${source.id}`,
      category: 'multi-az',
      severity: 'warn',
      layer: 'data',
      subject: `${source.id}.MultiAZ`,
      primary: a,
      secondary: b,
      message: `${p.file}: ${source.id} is Multi-AZ in the primary but its cross-region replica is Single-AZ${driver ? ` (MultiAZ comes from ${driver})` : ''}; once promoted it is the only writer, with no standby in another AZ`,
    });
  }
  return items;
}

export function computeReadiness(input: ReportInput): ReadinessItem[] {
  return [
    ...parameterDifferences(input),
    ...standbySizing(input),
    ...writerAvailability(input),
    ...alarmCoverage(input),
  ];
}
