// RTO budget per recovery path, worst case, from the parameter values the stacks would be deployed with.
// Pure: every number comes from the input templates/config or from FIGURES.
import { FIGURES } from './figures.js';
import {
  dig,
  paramSource,
  requireLayer,
  requireNumber,
  requireParam,
  resourcesOfType,
  stackView,
  type ReportInput,
  type StackView,
} from './report-input.js';
import type { RtoPath, RtoTerm } from './report-types.js';
import { DrError } from '../errors.js';
import { findFixes, type Tunable } from './rto-fixes.js';
import { FENCE_PARAMETERS, writeFenceFromParameters } from '../service/gateway/fence.js';

type PathBuilder = (input: ReportInput) => Omit<RtoPath, 'worstCaseSeconds' | 'targetSeconds' | 'meets'>;

function healthCheckDetection(global: StackView): RtoTerm[] {
  const interval = requireNumber(global, 'HealthCheckIntervalSeconds', 'the traffic RTO (health-check detection)');
  const threshold = requireNumber(global, 'HealthCheckFailureThreshold', 'the traffic RTO (health-check detection)');
  // The check that finally fails may do so by timing out; its result counts only when the timeout has run out.
  const check =
    resourcesOfType(global, 'AWS::Route53::HealthCheck').find((h) => /primary/i.test(h.id)) ??
    resourcesOfType(global, 'AWS::Route53::HealthCheck')[0];
  const type = String(dig(check?.props, 'HealthCheckConfig', 'Type') ?? 'HTTP').toUpperCase();
  const timeout = type === 'TCP' ? FIGURES.route53TcpCheckTimeout : FIGURES.route53HttpCheckTimeout;
  return [
    {
      name: 'Route 53 health check declares the primary unhealthy (interval × failure threshold)',
      seconds: interval * threshold,
      source: paramSource(
        global,
        ['HealthCheckIntervalSeconds', 'HealthCheckFailureThreshold'],
        'HealthCheckIntervalSeconds × HealthCheckFailureThreshold',
      ),
    },
    { name: `the last failing ${type} check runs out its timeout`, ...timeout },
  ];
}

/** The longest time a resolver may keep answering with the failed region: the largest TTL among routing records. */
function recordTtl(global: StackView): RtoTerm {
  const records = [
    ...resourcesOfType(global, 'AWS::Route53::RecordSet').map((r) => ({
      id: r.id,
      props: r.props,
      raw: r.resource.Properties ?? {},
    })),
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
      const ttl =
        typeof ref === 'string' ? requireNumber(global, ref, `the traffic RTO (TTL of ${r.id})`) : Number(r.props.TTL);
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
            : {
                kind: 'template',
                template: global.file,
                role: global.role,
                path: `Resources.${r.id}.Properties.TTL`,
                value: String(r.props.TTL),
              },
      };
    }
    if (!worst || term.seconds > worst.seconds) worst = term;
  }
  return worst as RtoTerm;
}

/** DNS answers with the secondary everywhere: detection, propagation to the name servers, resolver caches expiring. */
function dnsFailover(global: StackView): RtoTerm[] {
  return [
    ...healthCheckDetection(global),
    { name: 'Route 53 propagates the changed answer to its name servers', ...FIGURES.route53Propagation },
    recordTtl(global),
  ];
}

/**
 * The controller acts only when DNS already answers with this region (decide.ts: every signal must say the peer is
 * down, DNS included), and it resolves through a caching resolver: so its clock starts when the traffic path ends.
 */
function controllerSeesDns(global: StackView): RtoTerm[] {
  return dnsFailover(global).map((t) => ({ ...t, name: `DNS signal: ${t.name}` }));
}

/** Worst case: DNS flips just after a run, and the sustained window is only confirmed at a later run. */
function controllerDetection(failover: StackView, why: string): RtoTerm[] {
  const minutes = requireNumber(failover, 'ControllerScheduleMinutes', why);
  const window = requireNumber(failover, 'FailoverWindowSeconds', why);
  const period = minutes * 60;
  return [
    {
      name: 'failover controller: its next scheduled run sees every signal down',
      seconds: period,
      source: paramSource(failover, ['ControllerScheduleMinutes'], 'ControllerScheduleMinutes × 60'),
    },
    {
      name: 'failover controller: signals must agree for the sustained window (whole runs)',
      seconds: period > 0 ? Math.ceil(window / period) * period : window,
      source: paramSource(
        failover,
        ['FailoverWindowSeconds', 'ControllerScheduleMinutes'],
        'ceil(FailoverWindowSeconds ÷ (ControllerScheduleMinutes × 60)) × ControllerScheduleMinutes × 60',
      ),
    },
  ];
}

/**
 * drctl failover fences the primary and waits out its gateways' write fence before it promotes: the flag's max age
 * plus the request deadline plus a margin (src/service/gateway/fence.ts); template defaults where not declared.
 */
function operatorFenceWait(input: ReportInput): RtoTerm {
  const compute = stackView(input, 'compute', 'primary');
  const fence = writeFenceFromParameters(compute?.params ?? {});
  const names = Object.values(FENCE_PARAMETERS);
  const name = 'drctl failover fences the primary and waits out its gateways’ write fence before promoting';
  const seconds = Math.ceil(fence.ms / 1000);
  return compute && names.every((n) => compute.params[n] !== undefined)
    ? { name, seconds, source: paramSource(compute, names, `${names.join(' + ')} + ${fence.marginMs} ms`) }
    : { name, seconds, source: { kind: 'assumption', says: `The gateway's defaults: ${fence.formula}.` } };
}

/** With automatic promotion off the controller only pages; a person runs the failover (drctl failover). */
function operatorIfDisabled(input: ReportInput, failover: StackView, why: string): RtoTerm[] {
  const promotion = requireParam(failover, 'PromotionEnabled', why);
  return promotion.toLowerCase() === 'true'
    ? []
    : [
        {
          name: 'operator fails over by hand (PromotionEnabled is false: the controller only pages)',
          seconds: FIGURES.operatorResponse.seconds,
          source: { ...FIGURES.operatorResponse.source },
        },
        operatorFenceWait(input),
      ];
}

/** How long one controller run waits for PromoteReadReplica: WAIT_BUDGET_MS on the function, else the controller default. */
function promotionWait(failover: StackView): RtoTerm {
  const fn = resourcesOfType(failover, 'AWS::Lambda::Function').find(
    (f) => dig(f.props, 'Environment', 'Variables', 'WINDOW_SECONDS') !== undefined || /controller/i.test(f.id),
  );
  const raw = dig(fn?.props, 'Environment', 'Variables', 'WAIT_BUDGET_MS');
  const ms = Number(raw);
  if (fn && raw !== undefined && Number.isFinite(ms)) {
    return {
      name: 'failover controller: waits for the promotion within its run (WAIT_BUDGET_MS)',
      seconds: Math.round(ms / 1000),
      source: {
        kind: 'template',
        template: failover.file,
        role: failover.role,
        path: `Resources.${fn.id}.Properties.Environment.Variables.WAIT_BUDGET_MS`,
        value: String(raw),
      },
    };
  }
  return {
    name: 'failover controller: waits for the promotion within its run (default wait budget)',
    ...FIGURES.controllerPromotionWaitDefault,
  };
}

const traffic: PathBuilder = (input) => {
  const global = requireLayer(input, 'global', 'primary', 'the traffic RTO reads its health checks and records');
  return {
    name: 'traffic',
    description:
      'Users reach the secondary region: Route 53 health checks fail the primary, DNS answers change, resolver caches expire.',
    terms: dnsFailover(global),
  };
};

/** DESIGN §4: orders live in a global table that is writable in both regions, so their write RTO is the traffic RTO. */
const orderWrites: PathBuilder = (input) => {
  const global = requireLayer(input, 'global', 'primary', 'the order-writes RTO is the traffic RTO');
  const data = requireLayer(input, 'data', 'primary', 'the order-writes RTO reads the global table');
  const secondaryRegion = input.config.regions.secondary;
  const table = resourcesOfType(data, 'AWS::DynamoDB::GlobalTable').find((t) =>
    ((dig(t.props, 'Replicas') as unknown[] | undefined) ?? []).some((r) => dig(r, 'Region') === secondaryRegion),
  );
  if (!table) {
    throw new DrError({
      code: 'E_REPORT_NO_GLOBAL_TABLE',
      kind: 'usage',
      message: `${data.file}: no active AWS::DynamoDB::GlobalTable with a replica in ${secondaryRegion}; the order-writes RTO needs the orders to be writable there (DESIGN §4)`,
      fix: `Declare the orders global table with a replica in ${secondaryRegion}.`,
      file: data.file,
      field: 'Resources',
    });
  }
  const replicas = ((dig(table.props, 'Replicas') as unknown[]) ?? []).map((r) => String(dig(r, 'Region')));
  return {
    name: 'order-writes',
    description: `Trading writes (orders, executions, positions in the DynamoDB global table ${table.id}) resume in the secondary as soon as users reach it: its replica already takes writes, nothing is promoted (DESIGN §4: write RTO = traffic RTO).`,
    terms: [
      ...dnsFailover(global),
      {
        name: `the ${table.id} replica in ${secondaryRegion} already accepts writes`,
        seconds: FIGURES.globalTableMultiActive.seconds,
        source: {
          kind: 'template',
          template: data.file,
          role: data.role,
          path: `Resources.${table.id}.Properties.Replicas[*].Region`,
          value: replicas.join(', '),
        },
      },
    ],
  };
};

const referenceDataWrites: PathBuilder = (input) => {
  const global = requireLayer(input, 'global', 'primary', 'the controller waits for DNS to fail over');
  const failover = requireLayer(
    input,
    'failover',
    'secondary',
    'the reference-data-writes RTO reads the controller settings',
  );
  const why = 'the reference-data-writes RTO (controller detection)';
  const period = requireNumber(failover, 'ControllerScheduleMinutes', why) * 60;
  const wait = promotionWait(failover);
  const terms = [
    ...controllerSeesDns(global),
    ...controllerDetection(failover, why),
    ...operatorIfDisabled(input, failover, why),
  ];
  terms.push({ name: 'RDS promotes the cross-region read replica', ...FIGURES.rdsPromotion });
  // A promotion that ends during a run's wait is seen at the next 10 s poll; one that ends after the wait is seen
  // by the next run, (period − wait) later at worst. Only then is the writer endpoint repointed.
  const poll = FIGURES.controllerPromotionPoll.seconds;
  const notice = wait.seconds >= period ? poll : Math.max(period - wait.seconds, poll);
  terms.push({
    name: `failover controller: sees the promotion finished (next run after its ${wait.seconds} s wait, or its ${poll} s poll)`,
    seconds: notice,
    source: paramSource(
      failover,
      ['ControllerScheduleMinutes'],
      `max(ControllerScheduleMinutes × 60 − wait budget ${wait.seconds} s, poll ${poll} s)`,
    ),
  });
  terms.push({
    name: 'writer endpoint parameter updated and re-read by the database clients',
    ...FIGURES.writerEndpointUpdate,
  });
  return {
    name: 'reference-data-writes',
    description:
      'Reference / relational data (RDS PostgreSQL) becomes writable in the secondary: DNS fails over, the controller confirms the outage, promotes the replica and repoints the writer endpoint. Order writes do not wait for this (see order-writes).',
    terms,
  };
};

/** A newly registered target serves after one passing ALB check: up to one interval after registration. */
function targetHealthy(compute: StackView): RtoTerm {
  const tg = resourcesOfType(compute, 'AWS::ElasticLoadBalancingV2::TargetGroup')[0];
  const name = 'new instances pass their first ALB health check (one interval)';
  const ref = dig(tg?.resource.Properties, 'HealthCheckIntervalSeconds', 'Ref');
  if (tg && typeof ref === 'string')
    return {
      name,
      seconds: requireNumber(compute, ref, 'the capacity RTO (ALB health check)'),
      source: paramSource(compute, [ref]),
    };
  const literal = Number(dig(tg?.props, 'HealthCheckIntervalSeconds'));
  if (tg && Number.isFinite(literal) && dig(tg.props, 'HealthCheckIntervalSeconds') !== undefined) {
    return {
      name,
      seconds: literal,
      source: {
        kind: 'template',
        template: compute.file,
        role: compute.role,
        path: `Resources.${tg.id}.Properties.HealthCheckIntervalSeconds`,
        value: String(literal),
      },
    };
  }
  return { name, ...FIGURES.albFirstCheck };
}

const capacity: PathBuilder = (input) => {
  const compute = requireLayer(input, 'compute', 'secondary', 'the capacity RTO reads the warm-standby sizes');
  const why = 'the capacity RTO (warm standby)';
  const desired = requireNumber(compute, 'DesiredCapacity', why);
  const full = requireNumber(compute, 'FailoverDesiredCapacity', why);
  const description =
    'The secondary serves the full load: the controller raises its Auto Scaling group from the warm-standby size to FailoverDesiredCapacity (until then it serves at the standby size).';
  if (full <= desired) {
    return {
      name: 'capacity',
      description,
      terms: [
        {
          name: 'standby already runs at failover size',
          seconds: 0,
          source: paramSource(
            compute,
            ['DesiredCapacity', 'FailoverDesiredCapacity'],
            'FailoverDesiredCapacity ≤ DesiredCapacity',
          ),
        },
      ],
    };
  }
  const global = requireLayer(input, 'global', 'primary', 'the controller waits for DNS to fail over');
  const failover = requireLayer(
    input,
    'failover',
    'secondary',
    'the capacity RTO starts when the controller decides to fail over',
  );
  const fwhy = 'the capacity RTO (the controller raises the standby)';
  return {
    name: 'capacity',
    description,
    terms: [
      ...controllerSeesDns(global),
      ...controllerDetection(failover, fwhy),
      ...operatorIfDisabled(input, failover, fwhy),
      // run.ts: raise-capacity follows promote-database in the same run, after its wait for the promotion.
      {
        ...promotionWait(failover),
        name: 'failover controller: waits for the promotion before its raise-capacity step',
      },
      {
        name: `EC2 launches ${full - desired} instance(s) and the gateway starts (DesiredCapacity ${desired} → FailoverDesiredCapacity ${full})`,
        ...FIGURES.instanceLaunch,
      },
      targetHealthy(compute),
    ],
  };
};

const DNS_TUNABLES: Tunable[] = [
  { layer: 'global', role: 'primary', parameter: 'HealthCheckIntervalSeconds' },
  { layer: 'global', role: 'primary', parameter: 'HealthCheckFailureThreshold', min: 1 },
  { layer: 'global', role: 'primary', parameter: 'WeightedRecordTtlSeconds', min: 0 },
];
const CONTROLLER_TUNABLES: Tunable[] = [
  { layer: 'failover', role: 'secondary', parameter: 'PromotionEnabled', values: ['true'] },
  { layer: 'failover', role: 'secondary', parameter: 'ControllerScheduleMinutes', min: 1 },
  { layer: 'failover', role: 'secondary', parameter: 'FailoverWindowSeconds', min: 0 },
];

const BUILDERS: { build: PathBuilder; tunables: Tunable[] }[] = [
  { build: traffic, tunables: DNS_TUNABLES },
  { build: orderWrites, tunables: DNS_TUNABLES },
  { build: referenceDataWrites, tunables: [...CONTROLLER_TUNABLES, ...DNS_TUNABLES] },
  {
    build: capacity,
    tunables: [
      {
        layer: 'compute',
        role: 'secondary',
        parameter: 'DesiredCapacity',
        valuesFrom: 'FailoverDesiredCapacity',
        atMost: 'MaxSize',
      },
      { layer: 'compute', role: 'secondary', parameter: 'TargetHealthCheckIntervalSeconds', min: 5 },
      ...CONTROLLER_TUNABLES,
      ...DNS_TUNABLES,
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
    const fixes = findFixes(
      input,
      tunables,
      path.worstCaseSeconds,
      (changed) => evaluate(changed, build).worstCaseSeconds,
    );
    const closes = fixes.some((f) => f.sufficient);
    const note = closes
      ? undefined
      : `No single parameter brings this path within ${path.targetSeconds} s; ${fixes.length ? 'the changes listed help but are not enough alone' : 'none of its parameters can shorten it'}. The fixed terms (${path.terms
          .filter((t) => t.source.kind !== 'parameter' && t.seconds > 0)
          .map((t) => `${t.seconds} s`)
          .join(
            ' + ',
          )}) set its floor: combine the fixes, change the design, or agree a higher objectives.rtoSeconds for this path.`;
    return { ...path, fixes, ...(note ? { note } : {}) };
  });
}
