// SARIF 2.1.0 for code-scanning tools: rule metadata (id, name, helpUri) and results with file and line.
import { SUPPRESSION_RULES } from '../suppressions.js';
import type { Rule } from '../types.js';
import type { ValidationResult } from '../validate.js';

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  helpUri?: string;
  defaultConfiguration: { level: 'error' | 'warning' };
  properties?: { tags: string[] };
}

export function toSarif(
  result: ValidationResult,
  rules: readonly Rule[],
  toolVersion: string,
): Record<string, unknown> {
  const descriptors: SarifRule[] = [
    ...rules.map((r) => ({
      id: r.id,
      name: r.name,
      shortDescription: { text: r.title },
      fullDescription: { text: r.description },
      helpUri: r.docsUrl,
      defaultConfiguration: { level: r.severity },
      properties: { tags: r.tags },
    })),
    ...Object.values(SUPPRESSION_RULES).map((r) => ({
      id: r.id,
      name: r.name,
      shortDescription: { text: r.title },
      fullDescription: { text: r.description },
      defaultConfiguration: { level: 'error' as const },
    })),
    ...result.policyRules.map((r) => ({
      id: r.id,
      name: r.name,
      shortDescription: { text: r.title },
      helpUri: r.docsUrl,
      defaultConfiguration: { level: 'error' as const },
      properties: { tags: ['policy', 'cfn-guard', 'control-tower'] },
    })),
  ];
  // A finding from a rule we have no metadata for still needs a descriptor for ruleIndex to point at.
  for (const f of result.findings) {
    if (!descriptors.some((d) => d.id === f.ruleId))
      descriptors.push({
        id: f.ruleId,
        name: f.ruleId,
        shortDescription: { text: f.ruleId },
        defaultConfiguration: { level: f.severity },
      });
  }
  const index = new Map(descriptors.map((d, i) => [d.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'drctl validate',
            version: toolVersion,
            informationUri: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/',
            rules: descriptors,
          },
        },
        artifacts: result.templates.map((t) => ({ location: { uri: t } })),
        results: result.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId),
          level: f.severity,
          message: { text: `${f.message} Fix: ${f.fix}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.template },
                ...(f.line !== undefined ? { region: { startLine: f.line } } : {}),
              },
              logicalLocations: [{ fullyQualifiedName: f.path, kind: 'member' }],
            },
          ],
          ...(f.suppressed ? { suppressions: [{ kind: 'external', justification: f.suppressed.reason }] } : {}),
        })),
      },
    ],
  };
}
