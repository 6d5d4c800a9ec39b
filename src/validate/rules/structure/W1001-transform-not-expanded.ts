// W1001: a template with a Transform is checked only after CloudFormation expands it; drctl does not run transforms,
// so it says so once instead of judging the unexpanded text (where SAM resource types, Globals, Fn::ForEach and
// macro output would each look like errors).
import type { Rule } from '../../types.js';
import { CFN_DOCS, transformsOf } from '../helpers.js';

export const rule: Rule = {
  id: 'W1001',
  name: 'transform-not-expanded',
  title: 'Templates with a Transform are not expanded',
  description:
    'A template that declares a Transform (AWS::Serverless-2016-10-31, AWS::LanguageExtensions, AWS::Include, a macro) or calls Fn::Transform is only valid CloudFormation after the transform runs. drctl validate does not expand transforms; it reports this once and runs no other rule and no cfn-guard control on the template.',
  docsUrl: `${CFN_DOCS}/transform-section-structure.html`,
  tags: ['structure', 'transform'],
  severity: 'warning',
  family: 'structure',
  onTransformed: true,
  check: (ctx) => ({
    template(t) {
      const names = transformsOf(t);
      if (names.length === 0) return;
      ctx.report({
        path: 'Transform' in t ? ['Transform'] : [],
        message: `The template uses ${names.join(', ')}, which CloudFormation expands before it validates the template; drctl does not run transforms, so no other rule and no policy control checked this template.`,
        fix: 'Validate the processed template instead: `aws cloudformation get-template --template-stage Processed`, or `sam validate --lint` for SAM.',
      });
    },
  }),
};
