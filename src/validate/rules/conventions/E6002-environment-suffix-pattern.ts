// E6002: the EnvironmentSuffix parameter exists where names need it, and its AllowedPattern admits only lowercase letters, digits and hyphens.
import { isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS } from '../helpers.js';

const MUST_MATCH = ['dev', 'prod-1'];
const MUST_REJECT = ['Dev', 'a_b', 'a b', 'a.b', ''];

/** Why the pattern is not a good suffix constraint, or undefined. CloudFormation patterns must match the whole value. */
export function patternProblem(pattern: string): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch {
    return `AllowedPattern "${pattern}" is not a valid regular expression`;
  }
  const rejected = MUST_MATCH.filter((s) => !re.test(s));
  if (rejected.length)
    return `AllowedPattern "${pattern}" rejects valid suffixes (${rejected.map((s) => `"${s}"`).join(', ')})`;
  const accepted = MUST_REJECT.filter((s) => re.test(s));
  if (accepted.length)
    return `AllowedPattern "${pattern}" accepts invalid suffixes (${accepted.map((s) => `"${s}"`).join(', ')})`;
  return undefined;
}

export const rule: Rule = {
  id: 'E6002',
  name: 'environment-suffix-pattern',
  title: 'EnvironmentSuffix is declared and constrained',
  description:
    'Layer templates (with Metadata.Drctl) declare an EnvironmentSuffix parameter; wherever it is declared it has an AllowedPattern that admits lowercase letters, digits and hyphens only.',
  docsUrl: `${CFN_DOCS}/parameters-section-structure.html`,
  tags: ['conventions', 'parameters', 'naming'],
  severity: 'error',
  family: 'conventions',
  check: (ctx) => ({
    template(t) {
      if (!isPlainObject(t)) return;
      const params = isPlainObject(t.Parameters) ? t.Parameters : {};
      const p = params.EnvironmentSuffix;
      if (!p) {
        if (isPlainObject(t.Metadata) && isPlainObject(t.Metadata.Drctl)) {
          ctx.report({
            path: ['Parameters'],
            message: 'This layer template declares no EnvironmentSuffix parameter.',
            fix: 'Add "EnvironmentSuffix": {"Type": "String", "AllowedPattern": "^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$", ...}.',
          });
        }
        return;
      }
      if (!isPlainObject(p) || typeof p.AllowedPattern !== 'string') {
        ctx.report({
          path: ['Parameters', 'EnvironmentSuffix'],
          message: 'EnvironmentSuffix has no AllowedPattern.',
          fix: 'Add "AllowedPattern": "^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$" and a ConstraintDescription.',
        });
        return;
      }
      const problem = patternProblem(p.AllowedPattern);
      if (problem)
        ctx.report({
          path: ['Parameters', 'EnvironmentSuffix', 'AllowedPattern'],
          message: `${problem}.`,
          fix: 'Use "^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$".',
        });
    },
  }),
};
