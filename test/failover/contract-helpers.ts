// Reading the real templates the way AWS would see them, for the contract tests between templates and code:
// resolved values (parameters, pseudo parameters and the physical ids of resources), IAM statements, and which
// IAM action and resource ARN each recorded SDK call needs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { effectiveParameters, evaluateConditions, resolveValue } from '../../src/templates/conditions.js';
import type { CfnTemplate } from '../../src/templates/template-types.js';
import type { RecordedCall } from '../doubles/call-log.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

export const ACCOUNT = '111122223333';

export function loadTemplate(layer: string): CfnTemplate {
  return JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'templates', `${layer}.json`), 'utf8')) as CfnTemplate;
}

/** `{ "Fn::GetAtt": [X, A] }` → `{ Ref: "X.A" }`, so physical attributes can be given as parameters. */
function getAttsAsRefs(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(getAttsAsRefs);
  const o = v as Record<string, unknown>;
  const ga = o['Fn::GetAtt'];
  if (Object.keys(o).length === 1 && Array.isArray(ga)) return { Ref: `${String(ga[0])}.${String(ga[1])}` };
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, getAttsAsRefs(x)]));
}

/**
 * A template deployed with `given` parameters in `region`: resolves any value of it. `physical` names what
 * CloudFormation would return for `Ref` to a resource or `GetAtt` (key `Resource` or `Resource.Attribute`).
 */
export function deployed(
  template: CfnTemplate,
  region: string,
  given: Record<string, string>,
  physical: Record<string, string> = {},
) {
  const pseudo = {
    'AWS::Region': region,
    'AWS::AccountId': ACCOUNT,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const params = { ...effectiveParameters(template, given), ...pseudo, ...physical };
  const conditions = evaluateConditions(template, { ...given, ...pseudo });
  return {
    params,
    resolve: (value: unknown): unknown => resolveValue(template, params, getAttsAsRefs(value), conditions),
    /** A resource's property, resolved. */
    property: (resource: string, name: string): unknown =>
      resolveValue(template, params, getAttsAsRefs(template.Resources[resource]?.Properties?.[name]), conditions),
  };
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

/** Every statement of a role's inline policies, resolved (resources a Condition removes are dropped). */
export function roleStatements(template: CfnTemplate, role: string, resolve: (v: unknown) => unknown): Statement[] {
  const policies = (template.Resources[role]?.Properties?.Policies ?? []) as {
    PolicyDocument: { Statement: unknown[] };
  }[];
  return policies.flatMap((p) =>
    p.PolicyDocument.Statement.map((s) => {
      const r = resolve(s) as Statement;
      const resources = ([] as unknown[]).concat(r.Resource).filter((x): x is string => typeof x === 'string');
      return { ...r, Resource: resources };
    }),
  );
}

function glob(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((part) =>
        part
          .split('?')
          .map((x) => x.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
          .join('.'),
      )
      .join('.*')}$`,
  );
  return re.test(value);
}

/** True when some Allow statement grants `action` on `arn` (IAM's case-insensitive actions, glob resources). */
export function allows(statements: Statement[], action: string, arn: string): boolean {
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      ([] as string[]).concat(s.Action).some((a) => glob(a.toLowerCase(), action.toLowerCase())) &&
      ([] as string[]).concat(s.Resource).some((r) => glob(r, arn)),
  );
}

const IAM_PREFIX: Record<string, string> = {
  rds: 'rds',
  autoscaling: 'autoscaling',
  ssm: 'ssm',
  sns: 'sns',
  cloudwatch: 'cloudwatch',
  dynamodb: 'dynamodb',
  secretsmanager: 'secretsmanager',
};

/**
 * The IAM action and resource ARN one SDK call needs (the service authorization reference's resource type for
 * each operation; `*` where the action supports no resource-level permission).
 */
export function iamRequest(call: Pick<RecordedCall, 'service' | 'operation' | 'input' | 'region'>): {
  action: string;
  arn: string;
} {
  const prefix = IAM_PREFIX[call.service];
  if (!prefix) throw new Error(`no IAM mapping for service ${call.service}`);
  const i = call.input as Record<string, string | undefined>;
  const r = call.region;
  const action = `${prefix}:${call.operation}`;
  switch (action) {
    case 'rds:DescribeDBInstances':
    case 'rds:PromoteReadReplica':
      return { action, arn: `arn:aws:rds:${r}:${ACCOUNT}:db:${i.DBInstanceIdentifier}` };
    case 'autoscaling:UpdateAutoScalingGroup':
      return {
        action,
        arn: `arn:aws:autoscaling:${r}:${ACCOUNT}:autoScalingGroup:0b7e7c2a-1111-2222-3333-444455556666:autoScalingGroupName/${i.AutoScalingGroupName}`,
      };
    case 'autoscaling:DescribeAutoScalingGroups':
    case 'cloudwatch:GetMetricData':
      return { action, arn: '*' };
    case 'ssm:GetParameter':
    case 'ssm:PutParameter':
      return { action, arn: `arn:aws:ssm:${r}:${ACCOUNT}:parameter${i.Name}` };
    case 'sns:Publish':
      return { action, arn: String(i.TopicArn) };
    case 'dynamodb:GetItem':
    case 'dynamodb:PutItem':
      return { action, arn: `arn:aws:dynamodb:${r}:${ACCOUNT}:table/${i.TableName}` };
    case 'secretsmanager:GetSecretValue':
    case 'secretsmanager:DescribeSecret':
    case 'secretsmanager:PutSecretValue':
    case 'secretsmanager:UpdateSecretVersionStage':
      return { action, arn: String(i.SecretId) };
    case 'secretsmanager:GetRandomPassword':
      return { action, arn: '*' };
    default:
      throw new Error(`no IAM mapping for ${action}: add it here with its resource type`);
  }
}

/** The `KEY=value` lines of a heredoc in user data (`cat > file <<'TAG' … TAG`). */
export function heredocVariables(script: string, tag: string): Record<string, string> {
  const body = new RegExp(`<<'${tag}'\\n([\\s\\S]*?)\\n${tag}\\n`).exec(script)?.[1];
  if (body === undefined) throw new Error(`no heredoc ${tag} in the user data`);
  return Object.fromEntries(body.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** An environment that records every variable the code under test reads. */
export function recordingEnv(values: Record<string, string>): {
  env: Record<string, string | undefined>;
  read: Set<string>;
} {
  const read = new Set<string>();
  const env = new Proxy(values as Record<string, string | undefined>, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
  });
  return { env, read };
}
