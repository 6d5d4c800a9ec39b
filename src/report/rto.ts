// RTO budget per recovery path, worst case, from the parameter values the stacks would be deployed with.
// Pure: every number comes from the input templates/config or from FIGURES.
import { FIGURES } from './figures.js';
import { dig, paramSource, requireLayer, requireNumber, requireParam, resourcesOfType, type ReportInput, type StackView } from './report-input.js';
import type { RtoPath, RtoTerm } from './report-types.js';
import { DrError } from '../errors.js';
import { findFixes, type Tunable } from './rto-fixes.js';

type PathBuilder = (input: ReportInput) => Omit<RtoPath, 'worstCaseSeconds' | 'targetSeconds' | 'meets'>;

function healthCheckDetection(global: StackView): RtoTerm {
  const interval = requireNumber(global, 'HealthCheckIntervalSeconds', 'the traffic RTO (health-check detection)');
  const threshold = requireNumber(global, 'HealthCheckFailureThreshold', 'the traffic RTO (health-check detection)');
  return {
    name: 'Route 53 health check declares the primary unhealthy (interval × failure threshold)',
    seconds: interval * threshold,
    source: paramSource(global, ['HealthCheckIntervalSeconds', 'HealthCheckFailureThreshold'], 'HealthCheckIntervalSeconds × HealthCheckFailureThreshold'),
  };
}

/** The longest time a resolver may keep answering with the failed region: the largest TTL among routing records. */
function recordTtl(global: StackView): RtoTerm {
  const records = [
    ...resourcesOfType(global, 'AWS::Route53::RecordSet').map((r) => ({ id: r.id, props: r.props, raw: r.resource.Properties ?? {} })),
    ...resourcesOfType(global, 'AWS::Route53::RecordSetGroup').flatMap((g) =>
      ((dig(g.props, 'RecordSets') as Record<string, unknown>[] | undefined) ?? []).map((props, i) => ({
        id: `${g.id}.RecordSets[${i}]`,
        props,
        raw: (dig(g.resource.Properties, 'RecordSets', i) ?? {}) as Record<string, unknown>,
      })),
    ),
  ].filter((r) => r.props && (r.props.Failover !== undefined || r.props.Weight !== undefined));
  if (records.length === 0) {
    throw new DrError({
      code: 'E_REPORT_NO_RECORDS',
      kind: 'usage',
      message: `${global.file}: no active failover or weighted AWS::Route53::RecordSet; the traffic RTO needs the records that route users`,
      fix: 'Declare the failover / weighted records in the global template (DESIGN §5).',
      file: global.file,
      field: 'Resources',
    });
  }
  let worst: RtoTerm | undefined;
  for (const r of records) {
    let term: RtoTerm;
    if (r.props.AliasTarget !== undefined) {
      term = { name: `record TTL (${r.id}: alias to the load balancer)`, ...FIGURES.aliasToElbTtl };
    } else {
      const ref = dig(r.raw, 'TTL', 'Ref');
      const ttl = typeof ref === 'string' ? requireNumber(global, ref, `the traffic RTO (TTL of ${r.id})`) : Number(r.props.TTL);
      if (!Number.isFinite(ttl)) {
        throw new DrError({
          code: 'E_REPORT_TTL_UNKNOWN',
          kind: 'usage',
          message: `${global.file}: Resources.${r.id} is neither an alias nor a record with a TTL the report can resolve`,
          fix: 'Give the record a literal TTL or one taken from a parameter (e.g. WeightedRecordTtlSeconds).',
          file: global.file,
          field: `Resources.${r.id}.Properties.TTL`,
        });
      }
      term = {
        name: `record TTL (${r.id})`,
        seconds: ttl,
        source:
          typeof ref === 'string'
            ? paramSource(global, [ref])
            : { kind: 'template', template: global.file, role: global.role, path: `Resources.${r.id}.Properties.TTL`, value: String(r.props.TTL) },
      };
    }
    if (!worst || term.seconds > worst.seconds) worst = term;
  }
  return worst as RtoTerm;
}

/** Worst case: the failure lands just after a run, and the sustained window is only confirmed at a later run. */
function controllerDetection(failover: StackView, why: string): RtoTerm[] {
  const minutes = requireNumber(failover, 'ControllerScheduleMinutes', why);
  const window = requireNumber(failover, 'FailoverWindowSeconds', why);
  const period = minutes * 60;
  return [
    { name: 'failover controller: wait for its next scheduled run', seconds: period, source: paramSource(failover, ['ControllerScheduleMinutes'], 'ControllerScheduleMinutes × 60') },
    {
      name: 'failover controller: signals must agree for the sustained window (whole runs)',
      seconds: period > 0 ? Math.ceil(window / period) * period : window,
      source: paramSource(failover, ['FailoverWindowSeconds', 'ControllerScheduleMinutes'], 'ceil(FailoverWindowSeconds ÷ (ControllerScheduleMinutes × 60)) × ControllerScheduleMinutes × 60'),
    },
  ];
}

const traffic: PathBuilder = (input) => {
  const global = requireLayer(input, 'global', 'primary', 'the traffic RTO reads its health checks and records');
  return {
    name: 'traffic',
    description: 'Users reach the secondary region: Route 53 health checks fail the primary, DNS answers change, resolver caches expire.',
    terms: [healthCheckDetection(global), { name: 'Route 53 propagates the changed answer to its authoritative servers', ...FIGURES.route53Propagation }, recordTtl(global)],
  };
};

const databaseWrites: PathBuilder = (input) => {
  const failover = requireLayer(input, 'failover', 'secondary', 'the database-writes RTO reads the controller settings');
  const why = 'the database-writes RTO (controller detection)';
  const promotion = requireParam(failover, 'PromotionEnabled', 'the database-writes RTO (automatic promotion)');
  const terms = controllerDetection(failover, why);
  if (promotion.toLowerCase() !== 'true') terms.push({ name: 'operator promotes by hand (PromotionEnabled is false)', seconds: FIGURES.operatorResponse.seconds, source: { ...FIGURES.operatorResponse.source } });
  terms.push({ name: 'RDS promotes the cross-region read replica', ...FIGURES.rdsPromotion });
  // The controller waits only briefly for the promotion; when it takes longer, the writer endpoint is repointed
  // by the first run after the promotion has finished.
  if (FIGURES.rdsPromotion.seconds > FIGURES.controllerPromotionWait.seconds) {
    terms.push({
      name: 'failover controller: next run sees the promotion finished (it outlasts the in-invocation wait)',
      seconds: requireNumber(failover, 'ControllerScheduleMinutes', why) * 60,
      source: paramSource(failover, ['ControllerScheduleMinutes'], 'ControllerScheduleMinutes × 60'),
    });
  }
  terms.push({ name: 'writer endpoint parameter updated and re-read by the gateways', ...FIGURES.writerEndpointUpdate });
  return { name: 'database-writes', description: 'Relational writes resume in the secondary: the controller detects, promotes the replica and repoints the writer endpoint.', terms };
};

/** ALB target group health: healthy threshold × interval, from the template or the documented defaults. */
function targetHealthy(compute: StackView): RtoTerm {
  const tg = resourcesOfType(compute, 'AWS::ElasticLoadBalancingV2::TargetGroup')[0];
  const count = Number(dig(tg?.props, 'HealthyThresholdCount'));
  const interval = Number(dig(tg?.props, 'HealthCheckIntervalSeconds'));
  const hasCount = tg !== undefined && Number.isFinite(count) && dig(tg.props, 'HealthyThresholdCount') !== undefined;
  const hasInterval = tg !== undefined && Number.isFinite(interval) && dig(tg.props, 'HealthCheckIntervalSeconds') !== undefined;
  const c = hasCount ? count : FIGURES.albHealthyThresholdDefault.seconds;
  const i = hasInterval ? interval : FIGURES.albIntervalDefault.seconds;
  const source =
    hasCount && hasInterval && tg
      ? ({ kind: 'template', template: compute.file, role: compute.role, path: `Resources.${tg.id}.Properties.HealthyThresholdCount × HealthCheckIntervalSeconds`, value: `${c} × ${i}` } as const)
      : hasCount || hasInterval
        ? ({ kind: 'documented', reference: FIGURES.albIntervalDefault.source.reference, says: `Template sets ${hasCount ? `HealthyThresholdCount ${c}` : `HealthCheckIntervalSeconds ${i}`}; the other takes the ALB default (${hasCount ? `interval ${i} s` : `threshold ${c}`}).` } as const)
        : ({ kind: 'documented', reference: FIGURES.albIntervalDefault.source.reference, says: 'No target group settings: ALB defaults HealthyThresholdCount 5 × HealthCheckIntervalSeconds 30.' } as const);
  return { name: 'new targets pass the ALB health check (healthy threshold × interval)', seconds: c * i, source };
}

const capacity: PathBuilder = (input) => {
  const compute = requireLayer(input, 'compute', 'secondary', 'the capacity RTO reads the warm-standby sizes');
  const why = 'the capacity RTO (warm standby)';
  const desired = requireNumber(compute, 'DesiredCapacity', why);
  const full = requireNumber(compute, 'FailoverDesiredCapacity', why);
  const description = 'The secondary serves the full load: its Auto Scaling group is raised from the warm-standby size to FailoverDesiredCapacity.';
  if (full <= desired) {
    return {
      name: 'capacity',
      description,
      terms: [{ name: 'standby already runs at failover size', seconds: 0, source: paramSource(compute, ['DesiredCapacity', 'FailoverDesiredCapacity'], 'FailoverDesiredCapacity ≤ DesiredCapacity') }],
    };
  }
  const failover = requireLayer(input, 'failover', 'secondary', 'the capacity RTO starts when the controller decides to fail over');
  const warmup = requireNumber(compute, 'InstanceWarmupSeconds', why);
  return {
    name: 'capacity',
    description,
    terms: [
      ...controllerDetection(failover, 'the capacity RTO (the controller raises the standby)'),
      { name: 'failover controller: waits for the promotion before its raise-capacity step', ...FIGURES.controllerPromotionWait },
      { name: `EC2 launches ${full - desired} instance(s) (DesiredCapacity ${desired} → FailoverDesiredCapacity ${full})`, ...FIGURES.instanceLaunch },
      { name: 'instance warm-up', seconds: warmup, source: paramSource(compute, ['InstanceWarmupSeconds']) },
      targetHealthy(compute),
    ],
  };
};

const BUILDERS: { build: PathBuilder; tunables: Tunable[] }[] = [
  {
    build: traffic,
    tunables: [
      { layer: 'global', role: 'primary', parameter: 'HealthCheckIntervalSeconds' },
      { layer: 'global', role: 'primary', parameter: 'HealthCheckFailureThreshold', min: 1 },
      { layer: 'global', role: 'primary', parameter: 'WeightedRecordTtlSeconds', min: 0 },
    ],
  },
  {
    build: databaseWrites,
    tunables: [
      { layer: 'failover', role: 'secondary', parameter: 'PromotionEnabled', values: ['true'] },
      { layer: 'failover', role: 'secondary', parameter: 'ControllerScheduleMinutes', min: 1 },
      { layer: 'failover', role: 'secondary', parameter: 'FailoverWindowSeconds', min: 0 },
    ],
  },
  {
    build: capacity,
    tunables: [
      { layer: 'compute', role: 'secondary', parameter: 'DesiredCapacity', valuesFrom: 'FailoverDesiredCapacity' },
      { layer: 'compute', role: 'secondary', parameter: 'InstanceWarmupSeconds', min: 0 },
      { layer: 'failover', role: 'secondary', parameter: 'ControllerScheduleMinutes', min: 1 },
      { layer: 'failover', role: 'secondary', parameter: 'FailoverWindowSeconds', min: 0 },
    ],
  },
];

function evaluate(input: ReportInput, build: PathBuilder): RtoPath {
  const p = build(input);
  const worstCaseSeconds = p.terms.reduce((s, t) => s + t.seconds, 0);
  const targetSeconds = input.config.objectives.rtoSeconds;
  return { ...p, worstCaseSeconds, targetSeconds, meets: worstCaseSeconds <= targetSeconds };
}

export function computeRto(input: ReportInput): RtoPath[] {
  return BUILDERS.map(({ build, tunables }) => {
    const path = evaluate(input, build);
    if (path.meets) return path;
    const fixes = findFixes(input, tunables, path.worstCaseSeconds, (changed) => evaluate(changed, build).worstCaseSeconds);
    const closes = fixes.some((f) => f.sufficient);
    const note = closes
      ? undefined
      : `No single parameter brings this path within ${path.targetSeconds} s; ${fixes.length ? 'the changes listed help but are not enough alone' : 'none of its parameters can shorten it'}. The fixed terms (${path.terms
          .filter((t) => t.source.kind !== 'parameter')
          .map((t) => `${t.seconds} s`)
          .join(' + ')}) set its floor: combine the fixes, change the design, or agree a higher objectives.rtoSeconds for this path.`;
    return { ...path, fixes, ...(note ? { note } : {}) };
  });
}
