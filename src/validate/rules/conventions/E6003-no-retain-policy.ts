// E6003: everything is destroyable: no Retain / RetainExceptOnCreate / Snapshot policies, and no silent Snapshot default.
import type { Rule } from '../../types.js';
import { CFN_DOCS, literalLeaves } from '../helpers.js';

const KEEPING = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);
/** Types whose DeletionPolicy defaults to Snapshot (RDS instances outside a cluster, and clusters). */
const SNAPSHOT_BY_DEFAULT = new Set(['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster']);

export const rule: Rule = {
  id: 'E6003',
  name: 'no-retain-policy',
  title: 'No Retain or Snapshot deletion policies',
  description:
    'DeletionPolicy and UpdateReplacePolicy are never Retain, RetainExceptOnCreate or Snapshot, so a stack deletes everything it created (DESIGN.md §6). RDS instances (outside a cluster) and clusters default to Snapshot and must say "Delete" explicitly.',
  docsUrl: `${CFN_DOCS}/aws-attribute-deletionpolicy.html`,
  tags: ['conventions', 'lifecycle'],
  severity: 'error',
  family: 'conventions',
  check: (ctx) => ({
    resource(node) {
      for (const attr of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
        const v = node.resource[attr];
        if (v === undefined) continue;
        const kept = literalLeaves(v).filter((x): x is string => typeof x === 'string' && KEEPING.has(x));
        if (kept.length) {
          ctx.report({
            path: [...node.path, attr],
            message: `${node.id} has ${attr} ${kept.join('/')}; deleting the stack would leave it (or a snapshot) behind.`,
            fix: `Set "${attr}": "Delete" (or remove it); keep production data safe with DeletionProtection instead.`,
          });
        }
      }
      const props = node.resource.Properties ?? {};
      if (
        SNAPSHOT_BY_DEFAULT.has(node.resource.Type) &&
        node.resource.DeletionPolicy === undefined &&
        !(node.resource.Type === 'AWS::RDS::DBInstance' && 'DBClusterIdentifier' in props)
      ) {
        ctx.report({
          path: node.path,
          message: `${node.resource.Type} ${node.id} has no DeletionPolicy; CloudFormation then keeps a final snapshot when the stack is deleted.`,
          fix: 'Add "DeletionPolicy": "Delete" and "UpdateReplacePolicy": "Delete".',
        });
      }
    },
  }),
};
