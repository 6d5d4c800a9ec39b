// E3005: DependsOn names resources of this template (and not the resource itself).
import { isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS, didYouMean, moduleGenerated } from '../helpers.js';

export const rule: Rule = {
  id: 'E3005',
  name: 'depends-on-exists',
  title: 'DependsOn targets exist',
  description:
    'DependsOn is a resource name or a list of them, each declared in the template and different from the resource itself.',
  docsUrl: `${CFN_DOCS}/aws-attribute-dependson.html`,
  tags: ['references', 'resources'],
  severity: 'error',
  family: 'references',
  check: (ctx) => {
    const resources = isPlainObject(ctx.template.Resources) ? Object.keys(ctx.template.Resources) : [];
    return {
      resource(node) {
        const dep = node.resource.DependsOn;
        if (dep === undefined) return;
        const list = typeof dep === 'string' ? [dep] : dep;
        if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
          ctx.report({
            path: [...node.path, 'DependsOn'],
            message: 'DependsOn must be a resource name or a list of names.',
            fix: 'Write "DependsOn": "Name" or ["A", "B"].',
          });
          return;
        }
        list.forEach((name, i) => {
          const path = typeof dep === 'string' ? [...node.path, 'DependsOn'] : [...node.path, 'DependsOn', i];
          if (name === node.id)
            ctx.report({ path, message: `${node.id} depends on itself.`, fix: 'Remove it from its own DependsOn.' });
          else if (!resources.includes(name) && !moduleGenerated(ctx.template, name))
            ctx.report({
              path,
              message: `DependsOn names "${name}", which is not a resource of this template.${didYouMean(name, resources)}`,
              fix: 'Name a logical id declared under Resources.',
            });
        });
      },
    };
  },
};
