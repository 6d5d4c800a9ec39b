// E3510: IAM policy documents have the structure IAM accepts: Version, Statement; each statement an Effect, one of
// Action / NotAction, the principal and resource elements its kind of policy needs (identity, resource-based, role
// trust), service:action names, known condition operators and unique Sids.
import type { JsonPath } from '../../../templates/json-source.js';
import { isIntrinsic, items, literalText, member, members, type Conditions, type View } from '../../scenario/view.js';
import type { Rule, RuleContext } from '../../types.js';
import { isPlainObject } from '../../template-values.js';

type Kind = 'identity' | 'resource' | 'trust';

/** Where policy documents sit: resource type → property path (with `[]` for every list element) and kind. */
const DOCUMENTS: Record<string, [string[], Kind][]> = {
  'AWS::IAM::Role': [
    [['AssumeRolePolicyDocument'], 'trust'],
    [['Policies', '[]', 'PolicyDocument'], 'identity'],
  ],
  'AWS::IAM::User': [[['Policies', '[]', 'PolicyDocument'], 'identity']],
  'AWS::IAM::Group': [[['Policies', '[]', 'PolicyDocument'], 'identity']],
  'AWS::IAM::Policy': [[['PolicyDocument'], 'identity']],
  'AWS::IAM::ManagedPolicy': [[['PolicyDocument'], 'identity']],
  'AWS::IAM::RolePolicy': [[['PolicyDocument'], 'identity']],
  'AWS::IAM::UserPolicy': [[['PolicyDocument'], 'identity']],
  'AWS::IAM::GroupPolicy': [[['PolicyDocument'], 'identity']],
  'AWS::S3::BucketPolicy': [[['PolicyDocument'], 'resource']],
  'AWS::SNS::TopicPolicy': [[['PolicyDocument'], 'resource']],
  'AWS::SQS::QueuePolicy': [[['PolicyDocument'], 'resource']],
  'AWS::KMS::Key': [[['KeyPolicy'], 'resource']],
  'AWS::SecretsManager::ResourcePolicy': [[['ResourcePolicy'], 'resource']],
  'AWS::ECR::Repository': [[['RepositoryPolicyText'], 'resource']],
  'AWS::OpenSearchService::Domain': [[['AccessPolicies'], 'resource']],
};

const STATEMENT_KEYS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];
const OPERATOR =
  /^(ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?$|^Null$/;
const ACTION = /^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;
const PRINCIPAL_KEYS = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

/** Every policy document view of `props` at `steps` (`[]` enters each list element). */
function documentsAt(props: View, steps: string[], conds: Conditions): View[] {
  let at: View[] = [props];
  for (const step of steps)
    at = at.flatMap((v) => {
      if (step === '[]') return items(v, conds) ?? [];
      const m = member(v, step, conds);
      return m ? [m] : [];
    });
  return at;
}

function checkDocument(ctx: RuleContext, doc: View, kind: Kind, conds: Conditions): void {
  if (isIntrinsic(doc) || typeof doc.raw === 'string') return;
  const report = (path: JsonPath, message: string, fix: string): void => ctx.report({ path, message, fix });
  if (!isPlainObject(doc.raw)) {
    report(
      doc.path,
      'A policy document must be a JSON object.',
      'Write {"Version": "2012-10-17", "Statement": [...]}.',
    );
    return;
  }
  for (const [key, v] of members(doc, conds)) {
    if (!['Version', 'Id', 'Statement'].includes(key))
      report(
        v.path,
        `"${key}" is not a policy document element.`,
        'Use only Version, Id and Statement at the top level.',
      );
  }
  const version = literalText(member(doc, 'Version', conds));
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17')
    report([...doc.path, 'Version'], `Policy Version "${version}" does not exist.`, 'Use "2012-10-17".');
  const statement = member(doc, 'Statement', conds);
  if (!statement) {
    report(
      doc.path,
      'The policy document has no Statement.',
      'Add "Statement": [{"Effect": ..., "Action": ..., ...}].',
    );
    return;
  }
  const list = isPlainObject(statement.raw) && !isIntrinsic(statement) ? [statement] : (items(statement, conds) ?? []);
  const sids = new Map<string, JsonPath>();
  for (const st of list) {
    if (isIntrinsic(st)) continue;
    if (!isPlainObject(st.raw)) {
      report(st.path, 'A policy statement must be a JSON object.', 'Write {"Effect": "Allow", "Action": ..., ...}.');
      continue;
    }
    const present = new Map(members(st, conds));
    for (const [key, v] of present)
      if (!STATEMENT_KEYS.includes(key))
        report(v.path, `"${key}" is not a policy statement element.`, `Use only ${STATEMENT_KEYS.join(', ')}.`);
    const sid = literalText(present.get('Sid'));
    if (sid !== undefined) {
      if (sids.has(sid))
        report(
          present.get('Sid')?.path ?? st.path,
          `Sid "${sid}" is used by more than one statement.`,
          'Give each statement its own Sid.',
        );
      sids.set(sid, st.path);
    }
    const effect = present.get('Effect');
    const effectText = literalText(effect);
    if (!effect) report(st.path, 'The statement has no Effect.', 'Add "Effect": "Allow" or "Deny".');
    else if (effectText !== undefined && effectText !== 'Allow' && effectText !== 'Deny')
      report(effect.path, `Effect "${effectText}" is neither Allow nor Deny.`, 'Use "Allow" or "Deny" (case matters).');
    const exactlyOne = (a: string, b: string, needed: boolean): void => {
      if (present.has(a) && present.has(b))
        report(st.path, `The statement has both ${a} and ${b}.`, `Keep either ${a} or ${b}.`);
      else if (needed && !present.has(a) && !present.has(b))
        report(st.path, `The statement has neither ${a} nor ${b}.`, `Add ${a}.`);
    };
    exactlyOne('Action', 'NotAction', true);
    const principal = present.has('Principal') || present.has('NotPrincipal');
    const resource = present.has('Resource') || present.has('NotResource');
    if (kind === 'identity') {
      if (principal)
        report(
          (present.get('Principal') ?? present.get('NotPrincipal'))?.path ?? st.path,
          'An identity-based policy (attached to a role, user or group) cannot name a Principal.',
          'Remove Principal; the policy applies to the identity it is attached to.',
        );
      exactlyOne('Resource', 'NotResource', true);
    } else {
      exactlyOne('Principal', 'NotPrincipal', true);
      if (kind === 'trust' && resource)
        report(
          (present.get('Resource') ?? present.get('NotResource'))?.path ?? st.path,
          'A role trust policy (AssumeRolePolicyDocument) cannot name a Resource.',
          'Remove Resource; the role itself is the resource.',
        );
      else exactlyOne('Resource', 'NotResource', false);
    }
    for (const key of ['Action', 'NotAction']) {
      const v = present.get(key);
      if (!v) continue;
      for (const a of isIntrinsic(v) ? [] : (items(v, conds) ?? [v])) {
        const text = literalText(a);
        if (text !== undefined && !ACTION.test(text))
          report(
            a.path,
            `"${text}" is not an action (service:Action, e.g. s3:GetObject).`,
            'Write actions as service-prefix:ActionName.',
          );
      }
    }
    const p = present.get('Principal') ?? present.get('NotPrincipal');
    if (p && !isIntrinsic(p)) {
      if (typeof p.raw === 'string' && p.raw !== '*')
        report(
          p.path,
          `Principal "${p.raw}" must be "*" or an object.`,
          'Write {"AWS": ...}, {"Service": ...}, {"Federated": ...} or "*".',
        );
      else if (isPlainObject(p.raw))
        for (const [k, v] of members(p, conds))
          if (!PRINCIPAL_KEYS.includes(k))
            report(v.path, `"${k}" is not a principal type.`, `Use ${PRINCIPAL_KEYS.join(', ')}.`);
    }
    const condition = present.get('Condition');
    if (condition && !isIntrinsic(condition) && isPlainObject(condition.raw))
      for (const [op, v] of members(condition, conds)) {
        if (!OPERATOR.test(op))
          report(
            v.path,
            `"${op}" is not an IAM condition operator.`,
            'Use an operator such as StringEquals, ArnLike or Bool (optionally ForAnyValue:/ForAllValues: and IfExists).',
          );
        else if (!isIntrinsic(v) && !isPlainObject(v.raw))
          report(
            v.path,
            `Condition operator ${op} must map condition keys to values.`,
            `Write {"${op}": {"aws:SourceArn": ...}}.`,
          );
      }
  }
}

export const rule: Rule = {
  id: 'E3510',
  name: 'iam-policy-document',
  title: 'IAM policy documents are well formed',
  description:
    'Policy documents of IAM roles, users, groups and policies, bucket, topic, queue, key, secret and repository policies have the structure IAM accepts: only Version, Id and Statement; a known Version; statements with Effect Allow or Deny, exactly one of Action / NotAction, service:Action names, no Principal in identity policies, a Principal in resource policies and trust policies, no Resource in trust policies, known condition operators, unique Sids. Judged per condition scenario.',
  docsUrl: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html',
  tags: ['constraints', 'iam', 'security', 'conditions'],
  severity: 'error',
  family: 'constraints',
  check: (ctx) => ({
    scenario(node) {
      const where = DOCUMENTS[node.resource.resource.Type];
      if (!where || !node.properties) return;
      for (const [steps, kind] of where)
        for (const doc of documentsAt(node.properties, steps, node.conditions))
          checkDocument(ctx, doc, kind, node.conditions);
    },
  }),
};
