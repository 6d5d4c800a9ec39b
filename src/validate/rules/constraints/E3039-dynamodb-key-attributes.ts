// E3039: a DynamoDB table's AttributeDefinitions and key schemas agree: every key attribute is defined, every defined
// attribute is a key of the table or an index (CloudFormation rejects the stack otherwise), each key schema has one
// HASH first and at most one RANGE, and local secondary indexes share the table's partition key.
import type { JsonPath } from '../../../templates/json-source.js';
import { items, literalText, member, type Conditions, type View } from '../../scenario/view.js';
import type { Rule, RuleContext } from '../../types.js';
import { TEMPLATE_REF } from '../helpers.js';

const TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);

interface KeySchema {
  view: View;
  hash: string | undefined;
  names: string[];
  /** False when part of it is an intrinsic function (then it is not judged). */
  literal: boolean;
}

function readKeySchema(v: View | undefined, conds: Conditions): KeySchema | undefined {
  const list = v && items(v, conds);
  if (!v || !list) return undefined;
  let literal = true;
  const names: string[] = [];
  let hash: string | undefined;
  for (const el of list) {
    const name = literalText(member(el, 'AttributeName', conds));
    const type = literalText(member(el, 'KeyType', conds));
    if (name === undefined || type === undefined) {
      literal = false;
      continue;
    }
    names.push(name);
    if (type === 'HASH' && hash === undefined) hash = name;
  }
  return { view: v, hash, names, literal };
}

function checkShape(ctx: RuleContext, ks: KeySchema, conds: Conditions, what: string): void {
  const list = items(ks.view, conds) ?? [];
  if (!ks.literal) return;
  const types = list.map((el) => literalText(member(el, 'KeyType', conds)));
  const hashes = types.filter((t) => t === 'HASH').length;
  const ranges = types.filter((t) => t === 'RANGE').length;
  if (list.length === 0 || list.length > 2 || hashes !== 1 || ranges > 1 || types[0] !== 'HASH')
    ctx.report({
      path: ks.view.path,
      message: `The key schema of ${what} must be one HASH key, optionally followed by one RANGE key; it is ${types.join(', ') || 'empty'}.`,
      fix: 'List the partition key (KeyType HASH) first and at most one sort key (KeyType RANGE).',
    });
}

export const rule: Rule = {
  id: 'E3039',
  name: 'dynamodb-key-attributes',
  title: 'DynamoDB attribute definitions match the key schemas',
  description:
    'For AWS::DynamoDB::Table and AWS::DynamoDB::GlobalTable: every attribute named in the table or index key schemas is declared once in AttributeDefinitions, no attribute is declared that no key schema uses, each key schema is one HASH key first and at most one RANGE key, and local secondary indexes use the table partition key. Judged per condition scenario.',
  docsUrl: `${TEMPLATE_REF}/aws-resource-dynamodb-table.html`,
  tags: ['constraints', 'dynamodb', 'conditions'],
  severity: 'error',
  family: 'constraints',
  check: (ctx) => ({
    scenario(node) {
      if (!TYPES.has(node.resource.resource.Type) || !node.properties) return;
      const conds = node.conditions;
      const props = node.properties;
      const defsView = member(props, 'AttributeDefinitions', conds);
      const defs = defsView && items(defsView, conds);
      const table = readKeySchema(member(props, 'KeySchema', conds), conds);
      if (!table) return;
      checkShape(ctx, table, conds, `table ${node.resource.id}`);
      const schemas: { ks: KeySchema; path: JsonPath }[] = [{ ks: table, path: table.view.path }];
      for (const [prop, local] of [
        ['GlobalSecondaryIndexes', false],
        ['LocalSecondaryIndexes', true],
      ] as const) {
        const list = member(props, prop, conds);
        for (const index of (list && items(list, conds)) ?? []) {
          const ks = readKeySchema(member(index, 'KeySchema', conds), conds);
          if (!ks) continue;
          const name = literalText(member(index, 'IndexName', conds)) ?? '(index)';
          checkShape(ctx, ks, conds, `index ${name}`);
          schemas.push({ ks, path: ks.view.path });
          if (local && ks.literal && table.literal && ks.hash !== undefined && ks.hash !== table.hash)
            ctx.report({
              path: ks.view.path,
              message: `Local secondary index ${name} has partition key ${ks.hash}; a local index must use the table's partition key ${table.hash}.`,
              fix: `Make ${table.hash} its HASH key, or declare it as a global secondary index.`,
            });
        }
      }
      if (!defsView || !defs) {
        if (!defsView)
          ctx.report({
            path: props.path,
            message: `${node.resource.resource.Type} ${node.resource.id} has key schemas but no AttributeDefinitions.`,
            fix: `Declare each key attribute (${[...new Set(schemas.flatMap((s) => s.ks.names))].join(', ')}) with its AttributeType.`,
          });
        return;
      }
      const declared = new Map<string, View>();
      let literalDefs = true;
      for (const d of defs) {
        const name = literalText(member(d, 'AttributeName', conds));
        if (name === undefined) {
          literalDefs = false;
          continue;
        }
        if (declared.has(name))
          ctx.report({
            path: d.path,
            message: `Attribute ${name} is defined more than once in AttributeDefinitions.`,
            fix: 'Define each attribute once.',
          });
        declared.set(name, d);
      }
      const used = new Set<string>();
      for (const { ks } of schemas) {
        for (const name of ks.names) {
          used.add(name);
          if (literalDefs && !declared.has(name))
            ctx.report({
              path: ks.view.path,
              message: `Key attribute ${name} is not declared in AttributeDefinitions.`,
              fix: `Add {"AttributeName": "${name}", "AttributeType": "S" | "N" | "B"} to AttributeDefinitions.`,
            });
        }
      }
      if (schemas.every((s) => s.ks.literal))
        for (const [name, d] of declared)
          if (!used.has(name))
            ctx.report({
              path: d.path,
              message: `Attribute ${name} is defined but no key schema (table or index) uses it; CloudFormation rejects definitions that are not keys.`,
              fix: `Remove ${name} from AttributeDefinitions (non-key attributes need no definition), or use it in a key schema.`,
            });
    },
  }),
};
