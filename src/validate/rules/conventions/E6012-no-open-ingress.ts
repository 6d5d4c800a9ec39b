// E6012: no security-group ingress from anywhere, except HTTP/HTTPS on a load balancer's group.
import { intrinsicName, isPlainObject } from '../../template-values.js';
import type { JsonPath } from '../../../templates/json-source.js';
import type { Rule, RuleContext } from '../../types.js';
import { getAttTarget, literalLeaves } from '../helpers.js';

const WORLD = new Set(['0.0.0.0/0', '::/0']);
const WEB_PORTS = new Set([80, 443]);

/** The literal CIDRs a value can take, following Ref to a parameter's default. */
function cidrs(ctx: RuleContext, v: unknown): string[] {
  if (intrinsicName(v) === 'Ref') {
    const p = ctx.template.Parameters?.[String((v as { Ref: unknown }).Ref)];
    return p && typeof p.Default === 'string' ? [p.Default] : [];
  }
  return literalLeaves(v).filter((x): x is string => typeof x === 'string');
}

function port(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isInteger(n) ? n : undefined;
}

/** Describes the ports a rule opens, and whether they are only 80 or 443 over TCP. */
function portsOf(rule: Record<string, unknown>): { text: string; webOnly: boolean } {
  const proto = String(rule.IpProtocol ?? '').toLowerCase();
  if (proto === '-1' || proto === 'all') return { text: 'all protocols and ports', webOnly: false };
  const from = port(rule.FromPort);
  const to = port(rule.ToPort);
  if (from === undefined || to === undefined)
    return { text: `${proto || '?'} ports that are not literal`, webOnly: false };
  const text = from === to ? `${proto} port ${from}` : `${proto} ports ${from}-${to}`;
  return { text, webOnly: (proto === 'tcp' || proto === '6') && from === to && WEB_PORTS.has(from) };
}

/** Every value `v` can take through Fn::If (both branches, at any depth), with its path; AWS::NoValue drops out. */
function branches(v: unknown, path: JsonPath): { value: unknown; path: JsonPath }[] {
  const fn = intrinsicName(v);
  if (fn === 'Ref' && (v as { Ref: unknown }).Ref === 'AWS::NoValue') return [];
  if (fn !== 'Fn::If') return [{ value: v, path }];
  const arg = (v as Record<string, unknown>)[fn];
  if (!Array.isArray(arg) || arg.length !== 3) return [];
  return [...branches(arg[1], [...path, 'Fn::If', 1]), ...branches(arg[2], [...path, 'Fn::If', 2])];
}

export const rule: Rule = {
  id: 'E6012',
  name: 'no-open-ingress',
  title: 'No ingress from the whole internet',
  description:
    'Security-group ingress (inline SecurityGroupIngress, in either branch of an Fn::If, and AWS::EC2::SecurityGroupIngress resources) never allows 0.0.0.0/0 or ::/0, except TCP 80 or 443 on a group a load balancer uses (in this template, or in another project template through drctl inputs).',
  docsUrl: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  tags: ['conventions', 'security', 'network'],
  severity: 'error',
  family: 'conventions',
  check: (ctx) => {
    const checkRule = (r: unknown, path: JsonPath, group: string | undefined): void => {
      if (!isPlainObject(r)) return;
      for (const key of ['CidrIp', 'CidrIpv6'] as const) {
        const open = cidrs(ctx, r[key]).find((c) => WORLD.has(c));
        if (!open) continue;
        const { text, webOnly } = portsOf(r);
        const lbGroup = group !== undefined && ctx.loadBalancerGroups.has(group);
        if (webOnly && lbGroup) continue;
        const why = webOnly
          ? `${group ?? 'the group'} is not a load balancer's group`
          : "only TCP 80/443 on a load balancer's group may be open to the world";
        ctx.report({
          path: [...path, key],
          message: `Ingress from ${open} on ${text}: ${why}.`,
          fix: 'Allow the source security group (e.g. SourceSecurityGroupId of the ALB or app group) or a narrow CIDR; use SSM Session Manager instead of SSH.',
        });
      }
    };
    return {
      resource(node) {
        const props = node.resource.Properties;
        if (!isPlainObject(props)) return;
        if (node.resource.Type === 'AWS::EC2::SecurityGroup') {
          for (const { value, path } of branches(props.SecurityGroupIngress, [
            ...node.path,
            'Properties',
            'SecurityGroupIngress',
          ])) {
            if (Array.isArray(value))
              value.forEach((r, i) => branches(r, [...path, i]).forEach((b) => checkRule(b.value, b.path, node.id)));
          }
        } else if (node.resource.Type === 'AWS::EC2::SecurityGroupIngress') {
          const g = props.GroupId;
          const fn = intrinsicName(g);
          const group =
            fn === 'Ref'
              ? String((g as { Ref: unknown }).Ref)
              : fn === 'Fn::GetAtt'
                ? getAttTarget((g as Record<string, unknown>)[fn])?.resource
                : undefined;
          checkRule(props, [...node.path, 'Properties'], group);
        }
      },
    };
  },
};
