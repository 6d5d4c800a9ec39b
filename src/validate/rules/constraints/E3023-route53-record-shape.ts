// E3023: Route 53 record sets have a shape Route 53 accepts: an alias or records (never both), TTL with records and
// not with an alias, a set identifier exactly when a routing policy is used (and one policy only), and literal
// record values of the record type's form (A: IPv4, AAAA: IPv6, CNAME: one name, MX / SRV / CAA / TXT syntax).
import { isIP } from 'node:net';
import { isIntrinsic, items, literalText, member, members, type Conditions, type View } from '../../scenario/view.js';
import type { Rule, RuleContext } from '../../types.js';
import { TEMPLATE_REF } from '../helpers.js';

const ROUTING = [
  'Weight',
  'Failover',
  'Region',
  'GeoLocation',
  'GeoProximityLocation',
  'MultiValueAnswer',
  'CidrRoutingConfig',
];
const DOMAIN =
  /^(\*\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$/;

/** Why `value` is not a record of `type`, or undefined when it is (or the type is not one we check). */
function recordProblem(type: string, value: string): string | undefined {
  switch (type) {
    case 'A':
      return isIP(value) === 4 ? undefined : 'an A record holds an IPv4 address';
    case 'AAAA':
      return isIP(value) === 6 ? undefined : 'an AAAA record holds an IPv6 address';
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return DOMAIN.test(value) ? undefined : `a ${type} record holds a domain name`;
    case 'MX':
      return /^\d{1,5}\s+\S+$/.test(value)
        ? undefined
        : 'an MX record is "priority mail-server" (e.g. "10 mail.example.com")';
    case 'SRV':
      return /^\d{1,5}\s+\d{1,5}\s+\d{1,5}\s+\S+$/.test(value)
        ? undefined
        : 'an SRV record is "priority weight port target" (e.g. "1 10 5269 xmpp.example.com")';
    case 'CAA':
      return /^\d{1,3}\s+(issue|issuewild|iodef|issuemail|contactemail|contactphone)\s+".*"$/.test(value)
        ? undefined
        : 'a CAA record is \'flags tag "value"\' (e.g. \'0 issue "amazon.com"\')';
    case 'TXT':
    case 'SPF':
      return /^("([^"\\]|\\.){0,255}"\s*)+$/.test(value)
        ? undefined
        : `a ${type} record is one or more double-quoted strings of at most 255 characters each`;
    default:
      return undefined;
  }
}

function checkRecord(ctx: RuleContext, rec: View, conds: Conditions, label: string): void {
  if (isIntrinsic(rec)) return;
  const present = new Map(members(rec, conds));
  const alias = present.get('AliasTarget');
  const records = present.get('ResourceRecords');
  if (alias && records)
    ctx.report({
      path: records.path,
      message: `${label} has both AliasTarget and ResourceRecords.`,
      fix: 'An alias record takes AliasTarget only; a plain record takes ResourceRecords and TTL.',
    });
  else if (!alias && !records)
    ctx.report({
      path: rec.path,
      message: `${label} has neither AliasTarget nor ResourceRecords.`,
      fix: 'Give ResourceRecords (with TTL) or AliasTarget.',
    });
  if (alias && present.has('TTL'))
    ctx.report({
      path: present.get('TTL')?.path ?? rec.path,
      message: `${label} is an alias record; Route 53 takes the TTL of the alias target, so TTL is not allowed.`,
      fix: 'Remove TTL.',
    });
  if (records && !alias && !present.has('TTL'))
    ctx.report({
      path: rec.path,
      message: `${label} has ResourceRecords but no TTL.`,
      fix: 'Add TTL (seconds, e.g. "60").',
    });
  const policies = ROUTING.filter((p) => present.has(p));
  if (policies.length > 1)
    ctx.report({
      path: rec.path,
      message: `${label} combines routing policies ${policies.join(' and ')}; a record uses one.`,
      fix: `Keep one of ${policies.join(', ')}.`,
    });
  if (policies.length && !present.has('SetIdentifier'))
    ctx.report({
      path: rec.path,
      message: `${label} uses ${policies[0]} routing but has no SetIdentifier.`,
      fix: 'Add a SetIdentifier unique among the records of this name and type.',
    });
  if (!policies.length && present.has('SetIdentifier'))
    ctx.report({
      path: present.get('SetIdentifier')?.path ?? rec.path,
      message: `${label} has a SetIdentifier but no routing policy (Weight, Failover, Region, GeoLocation, ...).`,
      fix: 'Remove SetIdentifier, or add the routing policy it identifies.',
    });
  const failover = literalText(present.get('Failover'));
  if (failover !== undefined && failover !== 'PRIMARY' && failover !== 'SECONDARY')
    ctx.report({
      path: present.get('Failover')?.path ?? rec.path,
      message: `${label} Failover is "${failover}"; it is PRIMARY or SECONDARY.`,
      fix: 'Use "PRIMARY" or "SECONDARY".',
    });
  const type = literalText(present.get('Type'));
  const values = records && items(records, conds);
  if (!type || !values) return;
  if (type === 'CNAME' && values.length > 1)
    ctx.report({
      path: records.path,
      message: `${label} is a CNAME with ${values.length} values; a CNAME holds exactly one.`,
      fix: 'Keep one value (use several A/AAAA records or weighted records to spread traffic).',
    });
  for (const v of values) {
    const text = literalText(v);
    if (text === undefined) continue;
    const problem = recordProblem(type, text);
    if (problem)
      ctx.report({
        path: v.path,
        message: `${label} value "${text}" does not fit record type ${type}: ${problem}.`,
        fix: `Give a ${type} value of that form, or correct Type.`,
      });
  }
}

export const rule: Rule = {
  id: 'E3023',
  name: 'route53-record-shape',
  title: 'Route 53 record sets have a shape Route 53 accepts',
  description:
    'AWS::Route53::RecordSet and each record of AWS::Route53::RecordSetGroup: AliasTarget or ResourceRecords (not both); TTL with ResourceRecords and never with AliasTarget; SetIdentifier exactly when a routing policy (Weight, Failover, Region, GeoLocation, ...) is used, and one policy per record; Failover PRIMARY or SECONDARY; literal values of the record type (A: IPv4, AAAA: IPv6, CNAME: one domain name, MX, SRV, CAA, TXT syntax). Judged per condition scenario.',
  docsUrl: `${TEMPLATE_REF}/aws-resource-route53-recordset.html`,
  tags: ['constraints', 'route53', 'dns', 'conditions'],
  severity: 'error',
  family: 'constraints',
  check: (ctx) => ({
    scenario(node) {
      const type = node.resource.resource.Type;
      if (!node.properties) return;
      if (type === 'AWS::Route53::RecordSet')
        checkRecord(ctx, node.properties, node.conditions, `Record set ${node.resource.id}`);
      if (type === 'AWS::Route53::RecordSetGroup') {
        const list = member(node.properties, 'RecordSets', node.conditions);
        (list ? (items(list, node.conditions) ?? []) : []).forEach((rec, i) =>
          checkRecord(ctx, rec, node.conditions, `Record set ${i} of ${node.resource.id}`),
        );
      }
    },
  }),
};
