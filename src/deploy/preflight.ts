// Deploy pre-flight: what CloudFormation would only find out deep into a deploy, checked against the account first —
// the hosted zone exists and holds DomainName, each certificate is issued in its load balancer's region and covers
// the name, Route 53 quotas leave room, reserving Lambda concurrency leaves the region's unreserved pool at its
// minimum, and the service-linked roles the KMS key policies name exist (created after a confirmation). Runs after the
// identity check and before the lock and any stack operation; every problem at once, exit 2.
import { DrError } from '../errors.js';
import type { Reporter } from '../io/messages.js';
import type { ClientFactory } from '../aws/clients.js';
import { certificateNameCovers, describeCertificate } from '../aws/services/acm.js';
import { createServiceLinkedRole, roleExists } from '../aws/services/iam.js';
import { accountConcurrency, reservedConcurrency } from '../aws/services/lambda.js';
import { accountLimit, hostedZone, hostedZoneLimit } from '../aws/services/route53.js';
import type { Project } from '../plan/project.js';
import { isStackNode, type StackNode } from '../plan/graph.js';
import { activeResources, effectiveParameters, resolveValue } from '../templates/conditions.js';
import type { CfnTemplate } from '../templates/template-types.js';

/** Lambda keeps at least this much concurrency unreserved per region (PutFunctionConcurrency). */
export const LAMBDA_MIN_UNRESERVED = 100;

export interface PreflightProblem {
  check: 'hosted-zone' | 'domain-name' | 'certificate' | 'route53-quota' | 'lambda-concurrency' | 'service-linked-role';
  /** The config file (or template) to change. */
  file: string;
  /** e.g. `parameters.common.HostedZoneId`. */
  field: string;
  value?: string;
  message: string;
  fix: string;
}

export interface PreflightDeps {
  project: Project;
  /** Stack node ids this run deploys. */
  selected: ReadonlySet<string>;
  factory: ClientFactory;
  reporter: Reporter;
  /** --yes: create missing service-linked roles without asking. */
  yes: boolean;
  account: string;
}

/** A parameter's value as this run will pass it, and the config field that sets it (or the template default). */
interface KnownValue {
  value: string;
  field: string;
  file: string;
}

function known(project: Project, node: StackNode, name: string): KnownValue | undefined {
  const src = node.parameters[name];
  if (!src) return undefined;
  if (src.kind === 'config') return { value: src.value, field: `parameters.${src.block}.${name}`, file: project.file };
  if (src.kind === 'default' || src.kind === 'automatic')
    return { value: src.value, field: `parameters.common.${name}`, file: project.file };
  return undefined;
}

function templateOf(project: Project, node: StackNode): CfnTemplate {
  return [...project.layers.values()].find((l) => l.file === node.template)!.template;
}

/** The values of every parameter known before deploy (config, defaults, automatic). */
function knownValues(node: StackNode): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, src] of Object.entries(node.parameters))
    if (src.kind === 'config' || src.kind === 'default' || src.kind === 'automatic') out[name] = src.value;
  return out;
}

/** The resources of `types` this stack will have, with their properties resolved as far as known values allow. */
function resourcesOf(
  project: Project,
  node: StackNode,
  types: string[],
): { id: string; type: string; props: Record<string, unknown>; raw: Record<string, unknown> }[] {
  const template = templateOf(project, node);
  const given = {
    ...knownValues(node),
    'AWS::Region': node.region,
    'AWS::AccountId': '${AWS::AccountId}',
    'AWS::Partition': 'aws',
  };
  const params = effectiveParameters(template, given);
  return activeResources(template, params)
    .map((id) => ({ id, r: template.Resources![id]! }))
    .filter(({ r }) => types.includes(r.Type))
    .map(({ id, r }) => {
      const raw = (r.Properties ?? {}) as Record<string, unknown>;
      return { id, type: r.Type, raw, props: resolveValue(template, params, raw) as Record<string, unknown> };
    });
}

/** The parameter a property value reads (through Fn::If branches), for naming the config field in a message. */
function parameterOf(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.Ref === 'string' && !o.Ref.startsWith('AWS::')) return o.Ref;
  if (Array.isArray(o['Fn::If'])) return parameterOf(o['Fn::If'][1]) ?? parameterOf(o['Fn::If'][2]);
  return undefined;
}

async function checkHostedZones(d: PreflightDeps, stacks: StackNode[], problems: PreflightProblem[]): Promise<void> {
  const { project } = d;
  const route53 = d.factory(project.config.regions.primary);
  const seen = new Set<string>();
  for (const node of stacks) {
    const zoneId = known(project, node, 'HostedZoneId');
    if (!zoneId || seen.has(zoneId.value)) continue;
    seen.add(zoneId.value);
    const domain = known(project, node, 'DomainName');
    const zone = await hostedZone(route53, zoneId.value);
    if (!zone) {
      problems.push({
        check: 'hosted-zone',
        file: zoneId.file,
        field: zoneId.field,
        value: zoneId.value,
        message: `${zoneId.file}: ${zoneId.field}: hosted zone ${zoneId.value} does not exist in account ${d.account}`,
        fix: `Set ${zoneId.field} to the id of the public hosted zone that holds ${domain?.value ?? 'DomainName'} (aws route53 list-hosted-zones), or create that zone first.`,
      });
      continue;
    }
    d.reporter.emit({
      code: 'PREFLIGHT_HOSTED_ZONE',
      level: 'info',
      text: `hosted zone ${zone.id} (${zone.name}) exists`,
      data: zone,
    });
    if (zone.privateZone)
      problems.push({
        check: 'hosted-zone',
        file: zoneId.file,
        field: zoneId.field,
        value: zoneId.value,
        message: `${zoneId.file}: ${zoneId.field}: hosted zone ${zone.id} (${zone.name}) is private: clients outside its VPCs never see the failover records`,
        fix: `Set ${zoneId.field} to a public hosted zone that holds ${domain?.value ?? 'DomainName'}.`,
      });
    if (domain) {
      const name = domain.value.toLowerCase().replace(/\.$/, '');
      const zoneName = zone.name.toLowerCase();
      if (name !== zoneName && !name.endsWith(`.${zoneName}`))
        problems.push({
          check: 'domain-name',
          file: domain.file,
          field: domain.field,
          value: domain.value,
          message: `${domain.file}: ${domain.field}: ${domain.value} is not in hosted zone ${zone.id} (${zone.name}); Route 53 refuses records outside the zone`,
          fix: `Set ${domain.field} to a name under ${zone.name} (e.g. api.${zone.name}), or ${zoneId.field} to the zone that holds ${domain.value}.`,
        });
    }
    // Quotas: the template's health checks and records, counted as new (an update needs less).
    const healthChecks = resourcesOf(project, node, ['AWS::Route53::HealthCheck']).length;
    const records = resourcesOf(project, node, ['AWS::Route53::RecordSet']).length;
    if (healthChecks) {
      const q = await accountLimit(route53, 'MAX_HEALTH_CHECKS_BY_OWNER');
      if (q.count + healthChecks > q.limit)
        problems.push({
          check: 'route53-quota',
          file: node.template,
          field: 'Resources (AWS::Route53::HealthCheck)',
          message: `Route 53 health checks: ${q.count} of ${q.limit} in use; ${node.id} creates ${healthChecks} more`,
          fix: 'Delete unused health checks, or request a higher "Health checks per account" quota (Service Quotas, Route 53).',
        });
    }
    if (records) {
      const q = await hostedZoneLimit(route53, zone.id, 'MAX_RRSETS_BY_ZONE');
      if (q.count + records > q.limit)
        problems.push({
          check: 'route53-quota',
          file: zoneId.file,
          field: zoneId.field,
          value: zoneId.value,
          message: `hosted zone ${zone.id}: ${q.count} of ${q.limit} record sets in use; ${node.id} creates ${records} more`,
          fix: 'Delete unused records from the zone, or request a higher "Records per hosted zone" quota (Service Quotas, Route 53).',
        });
    }
  }
}

async function checkCertificates(d: PreflightDeps, stacks: StackNode[], problems: PreflightProblem[]): Promise<void> {
  const { project } = d;
  const domain = [...project.graph.nodes.values()]
    .filter(isStackNode)
    .map((n) => known(project, n, 'DomainName'))
    .find((v) => v && v.value);
  for (const node of stacks) {
    const cert = known(project, node, 'CertificateArn');
    if (!cert || !cert.value) continue;
    const where = `${cert.file}: ${cert.field}`;
    const certRegion = cert.value.split(':')[3];
    if (certRegion !== node.region) {
      problems.push({
        check: 'certificate',
        file: cert.file,
        field: cert.field,
        value: cert.value,
        message: `${where}: the certificate is in ${certRegion ?? 'no region'}, but ${node.id}'s load balancer is in ${node.region}; a load balancer only uses certificates of its own region`,
        fix: `Request or import a certificate for ${domain?.value ?? 'DomainName'} in ${node.region} and set parameters.${node.role}.CertificateArn to its ARN (each region's load balancer needs its own).`,
      });
      continue;
    }
    const view = await describeCertificate(d.factory(node.region), cert.value);
    if (!view) {
      problems.push({
        check: 'certificate',
        file: cert.file,
        field: cert.field,
        value: cert.value,
        message: `${where}: no certificate ${cert.value} in ${node.region} (account ${d.account})`,
        fix: `Set ${cert.field} to the ARN of an issued certificate in ${node.region} (aws acm list-certificates --region ${node.region}).`,
      });
      continue;
    }
    if (view.status !== 'ISSUED')
      problems.push({
        check: 'certificate',
        file: cert.file,
        field: cert.field,
        value: cert.value,
        message: `${where}: certificate is ${view.status}, not ISSUED; the HTTPS listener cannot use it`,
        fix:
          view.status === 'PENDING_VALIDATION'
            ? 'Complete its DNS validation (the CNAME records ACM lists), wait for ISSUED, then deploy again.'
            : `Request a new certificate in ${node.region} and set ${cert.field} to its ARN.`,
      });
    if (domain && !view.names.some((n) => certificateNameCovers(n, domain.value)))
      problems.push({
        check: 'certificate',
        file: cert.file,
        field: cert.field,
        value: cert.value,
        message: `${where}: certificate names ${view.names.join(', ')} do not cover ${domain.value} (${domain.field}); clients would reject the TLS handshake`,
        fix: `Use a certificate whose name or subject alternative names include ${domain.value} or *.${domain.value.split('.').slice(1).join('.')}.`,
      });
  }
}

async function checkLambdaConcurrency(
  d: PreflightDeps,
  stacks: StackNode[],
  problems: PreflightProblem[],
): Promise<void> {
  const byRegion = new Map<string, { node: StackNode; name: string; wanted: number; parameter?: string }[]>();
  for (const node of stacks) {
    for (const fn of resourcesOf(d.project, node, ['AWS::Lambda::Function'])) {
      const wanted = Number(fn.props.ReservedConcurrentExecutions ?? 0);
      if (!(wanted > 0)) continue;
      const name = typeof fn.props.FunctionName === 'string' ? fn.props.FunctionName : `${node.stackName}-${fn.id}`;
      const list = byRegion.get(node.region) ?? [];
      const parameter = parameterOf(fn.raw.ReservedConcurrentExecutions);
      list.push({ node, name, wanted, ...(parameter ? { parameter } : {}) });
      byRegion.set(node.region, list);
    }
  }
  for (const [region, fns] of byRegion) {
    const aws = d.factory(region);
    let more = 0;
    for (const f of fns) more += Math.max(0, f.wanted - (await reservedConcurrency(aws, f.name)));
    if (!more) continue;
    const acct = await accountConcurrency(aws);
    const left = acct.unreserved - more;
    d.reporter.emit({
      code: 'PREFLIGHT_LAMBDA_CONCURRENCY',
      level: 'info',
      text: `Lambda in ${region}: ${acct.unreserved} of ${acct.limit} unreserved; reserving ${more} leaves ${left} (minimum ${LAMBDA_MIN_UNRESERVED})`,
      data: { region, ...acct, reserving: more, left },
    });
    if (left >= LAMBDA_MIN_UNRESERVED) continue;
    const first = fns[0]!;
    const setting = first.parameter ? known(d.project, first.node, first.parameter) : undefined;
    const field = setting
      ? `parameters.common.${first.parameter}`
      : `${first.node.template} ReservedConcurrentExecutions`;
    problems.push({
      check: 'lambda-concurrency',
      file: setting ? d.project.file : first.node.template,
      field,
      value: String(first.wanted),
      message: `Lambda in ${region}: reserving ${more} for ${fns.map((f) => `${f.name} (${f.node.id})`).join(', ')} would leave ${left} unreserved of the account's ${acct.limit}; Lambda keeps at least ${LAMBDA_MIN_UNRESERVED} unreserved, so the stack would fail`,
      fix: `Set ${fns
        .map((f) => f.parameter)
        .filter(Boolean)
        .map((p) => `parameters.common.${p}`)
        .join(
          ' and ',
        )} to 0 in ${d.project.file} (the function then shares the unreserved pool), or request a higher "Concurrent executions" quota for Lambda in ${region} (Service Quotas).`,
    });
  }
}

const SERVICE_LINKED_ROLE = /role\/aws-service-role\/([a-z0-9.-]+\.amazonaws\.com)\/([A-Za-z0-9+=,.@_-]+)/g;

/** Service-linked roles the stacks' KMS key policies name: service → role name and where. */
function serviceLinkedRoles(d: PreflightDeps, stacks: StackNode[]): Map<string, { role: string; where: string }> {
  const found = new Map<string, { role: string; where: string }>();
  for (const node of stacks)
    for (const key of resourcesOf(d.project, node, ['AWS::KMS::Key']))
      for (const m of JSON.stringify(key.raw.KeyPolicy ?? {}).matchAll(SERVICE_LINKED_ROLE))
        if (!found.has(m[1]!)) found.set(m[1]!, { role: m[2]!, where: `${node.template} ${key.id}` });
  return found;
}

/** Runs every check; throws one error (exit 2) listing every problem. Creates missing service-linked roles last. */
export async function runDeployPreflight(d: PreflightDeps): Promise<void> {
  const stacks = [...d.project.graph.nodes.values()].filter(
    (n): n is StackNode => isStackNode(n) && d.selected.has(n.id) && (n.pass ?? 1) === 1,
  );
  const problems: PreflightProblem[] = [];
  await checkHostedZones(d, stacks, problems);
  await checkCertificates(d, stacks, problems);
  await checkLambdaConcurrency(d, stacks, problems);

  const iam = d.factory(d.project.config.regions.primary);
  const missing: { service: string; role: string; where: string }[] = [];
  for (const [service, { role, where }] of serviceLinkedRoles(d, stacks))
    if (!(await roleExists(iam, role))) missing.push({ service, role, where });

  if (problems.length) throw preflightError(problems);

  for (const m of missing) {
    const create =
      d.yes ||
      (await d.reporter.confirm(
        `${m.where}'s key policy names the service-linked role ${m.role}, which account ${d.account} does not have yet (it appears when ${m.service} is first used). Create it now (iam:CreateServiceLinkedRole)?`,
      ));
    if (!create)
      throw preflightError([
        {
          check: 'service-linked-role',
          file: m.where.split(' ')[0]!,
          field: 'KeyPolicy',
          value: m.role,
          message: `service-linked role ${m.role} does not exist in account ${d.account}; ${m.where}'s key policy grants it the key, and CloudFormation rejects a key policy naming a role that does not exist`,
          fix: `Create it: aws iam create-service-linked-role --aws-service-name ${m.service} (or re-run deploy with --yes to let drctl create it).`,
        },
      ]);
    await createServiceLinkedRole(iam, m.service);
    d.reporter.emit({
      code: 'PREFLIGHT_SERVICE_LINKED_ROLE_CREATED',
      level: 'info',
      text: `created the service-linked role ${m.role} (${m.service})`,
      data: m,
    });
  }
}

function preflightError(problems: PreflightProblem[]): DrError {
  const first = problems[0]!;
  return new DrError({
    code: 'E_PREFLIGHT',
    kind: 'config',
    message:
      problems.length === 1
        ? `pre-flight: ${first.message}`
        : `pre-flight found ${problems.length} problems; nothing was deployed:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
    fix: problems.map((p) => p.fix).join('\n'),
    file: first.file,
    field: first.field,
    details: { problems },
  });
}
