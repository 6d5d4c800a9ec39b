// E1001: only the sections CloudFormation knows, with Resources present and non-empty.
import { isPlainObject } from '../../template-values.js';
import type { Rule } from '../../types.js';
import { CFN_DOCS, didYouMean } from '../helpers.js';

const SECTIONS = [
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
];
const OBJECT_SECTIONS = ['Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Resources', 'Outputs'];

export const rule: Rule = {
  id: 'E1001',
  name: 'top-level-sections',
  title: 'Template has only known top-level sections',
  description:
    'A template is a JSON object whose keys are CloudFormation sections; Resources must declare at least one resource; logical ids are alphanumeric.',
  docsUrl: `${CFN_DOCS}/template-anatomy.html`,
  tags: ['structure', 'template'],
  severity: 'error',
  family: 'structure',
  check: (ctx) => ({
    template(t) {
      if (!isPlainObject(t)) {
        ctx.report({
          path: [],
          message: 'The template is not a JSON object.',
          fix: 'Start from {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {...}}.',
        });
        return;
      }
      for (const [key, value] of Object.entries(t)) {
        if (!SECTIONS.includes(key)) {
          ctx.report({
            path: [key],
            message: `"${key}" is not a template section.${didYouMean(key, SECTIONS)}`,
            fix: `Use only ${SECTIONS.join(', ')}.`,
          });
        } else if (OBJECT_SECTIONS.includes(key) && !isPlainObject(value)) {
          ctx.report({ path: [key], message: `${key} must be a JSON object.`, fix: `Give ${key} as {"Name": {...}}.` });
        }
      }
      if (t.AWSTemplateFormatVersion !== undefined && t.AWSTemplateFormatVersion !== '2010-09-09') {
        ctx.report({
          path: ['AWSTemplateFormatVersion'],
          message: `AWSTemplateFormatVersion "${String(t.AWSTemplateFormatVersion)}" is not a valid version.`,
          fix: 'Use "2010-09-09", the only version.',
        });
      }
      if (t.Description !== undefined && typeof t.Description !== 'string') {
        ctx.report({
          path: ['Description'],
          message: 'Description must be a string.',
          fix: 'Give the description as text.',
        });
      }
      // Condition names are not logical ids: CloudFormation accepts other characters in them (AWS Quick Starts use `&`).
      for (const section of ['Parameters', 'Resources', 'Outputs', 'Mappings'] as const) {
        const v = t[section];
        if (!isPlainObject(v)) continue;
        for (const id of Object.keys(v)) {
          if (!/^[A-Za-z0-9]{1,255}$/.test(id))
            ctx.report({
              path: [section, id],
              message: `"${id}" is not a valid logical id (letters and digits only).`,
              fix: 'Rename it using only A-Z, a-z and 0-9.',
            });
        }
      }
      if (isPlainObject(t.Conditions))
        for (const name of Object.keys(t.Conditions))
          if (name.length === 0 || name.length > 255 || [...name].some((c) => c.charCodeAt(0) < 32))
            ctx.report({
              path: ['Conditions', name],
              message: `"${name}" is not a valid condition name (1 to 255 printable characters).`,
              fix: 'Rename the condition.',
            });
      if (!('Resources' in t))
        ctx.report({
          path: [],
          message: 'The template has no Resources section.',
          fix: 'Declare at least one resource under "Resources".',
        });
      else if (isPlainObject(t.Resources) && Object.keys(t.Resources).length === 0) {
        ctx.report({ path: ['Resources'], message: 'Resources is empty.', fix: 'Declare at least one resource.' });
      }
    },
  }),
};
