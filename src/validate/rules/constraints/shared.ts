// What the registry-constraint rules share: naming the property a value belongs to, reading a literal, and the
// values CloudFormation resolves before validating (dynamic references) that a literal check must leave alone.
import { formatPath } from '../../../templates/json-source.js';
import type { View } from '../../scenario/view.js';
import type { SchemaNode } from '../../types.js';

export const REGISTRY_DOCS =
  'https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html';

/** `AWS::S3::Bucket BucketEncryption.ServerSideEncryptionConfiguration[0]`: the type and the property path (no Fn::If steps). */
export function where(node: { resource: SchemaNode['resource']; view: View }): string {
  const rel: (string | number)[] = [];
  const path = node.view.path;
  for (let i = 3; i < path.length; i++) {
    if (path[i] === 'Fn::If') {
      i++;
      continue;
    }
    rel.push(path[i] as string | number);
  }
  const inner = formatPath(rel);
  return inner ? `${node.resource.resource.Type} ${inner}` : node.resource.resource.Type;
}

/** A string CloudFormation replaces before the resource sees it: `{{resolve:ssm:...}}` and friends. */
export function isDynamicReference(s: string): boolean {
  return s.includes('{{resolve:');
}

/** The literal scalar of a view as CloudFormation passes it to the resource (numbers and booleans as given). */
export function literalScalar(v: View): string | number | boolean | undefined {
  const x = v.raw;
  if (typeof x === 'string') return isDynamicReference(x) ? undefined : x;
  if (typeof x === 'number' || typeof x === 'boolean') return x;
  return undefined;
}

export function numberOf(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x))) return Number(x);
  return undefined;
}

/** A short JSON rendering of a value for messages. */
export function show(x: unknown): string {
  const s = JSON.stringify(x);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
