// E6010: no secrets in templates: no literal passwords / tokens, no AWS access keys, no echoing secret parameters.
import { intrinsicName, isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS } from '../helpers.js';

/** Property names that hold a secret value. */
const SECRET_KEY = /(Password|Passwd|Secret|SecretString|Token|ApiKey|PrivateKey|Credentials?)$/;
const ACCESS_KEY = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/;

function isDynamicReference(s: string): boolean {
  return s.startsWith('{{resolve:');
}

export const rule: Rule = {
  id: 'E6010',
  name: 'no-literal-secrets',
  title: 'No secrets in the template',
  description:
    'Password-, secret- and token-like properties hold no literal value (use an RDS-managed password, a Secrets Manager generated secret or a {{resolve:secretsmanager:…}} dynamic reference); parameters feeding them are NoEcho without a default; no AWS access key id appears anywhere (DESIGN.md §6).',
  docsUrl: `${CFN_DOCS}/dynamic-references.html`,
  tags: ['conventions', 'security'],
  severity: 'error',
  family: 'conventions',
  check: (ctx) => {
    const params = isPlainObject(ctx.template.Parameters) ? ctx.template.Parameters : {};
    return {
      template() {
        for (const [name, p] of Object.entries(params)) {
          if (!SECRET_KEY.test(name) || !isPlainObject(p)) continue;
          if (typeof p.Default === 'string' && p.Default !== '') {
            ctx.report({
              path: ['Parameters', name, 'Default'],
              message: `Secret parameter ${name} has a literal default.`,
              fix: 'Remove the default; keep the secret in Secrets Manager and reference it dynamically.',
            });
          }
        }
      },
      value(node) {
        if (typeof node.value === 'string' && ACCESS_KEY.test(node.value)) {
          ctx.report({
            path: node.path,
            message: 'An AWS access key id appears in the template.',
            fix: 'Remove it and revoke the key; give workloads an IAM role instead.',
          });
          return;
        }
        if (node.section !== 'Resources' || node.inMetadata || !node.key || !SECRET_KEY.test(node.key)) return;
        if (typeof node.value === 'string' && node.value !== '' && !isDynamicReference(node.value)) {
          ctx.report({
            path: node.path,
            message: `${node.resourceId}.${node.key} holds a literal secret.`,
            fix: 'Use ManageMasterUserPassword (RDS), GenerateSecretString (Secrets Manager) or a {{resolve:secretsmanager:…}} dynamic reference.',
          });
          return;
        }
        if (intrinsicName(node.value) === 'Ref') {
          const name = (node.value as { Ref: unknown }).Ref;
          const p = typeof name === 'string' ? params[name] : undefined;
          if (isPlainObject(p) && String(p.NoEcho) !== 'true') {
            ctx.report({
              path: node.path,
              message: `${node.resourceId}.${node.key} comes from parameter ${String(name)}, which is not NoEcho.`,
              fix: `Set "NoEcho": true on ${String(name)}, or better, use a managed secret.`,
            });
          }
        }
      },
    };
  },
};
