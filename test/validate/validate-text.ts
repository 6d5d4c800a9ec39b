// Runs the registered rules over a template given as text or object, in memory: what rule-level tests call.
import { runRules } from '../../src/validate/engine.js';
import { RULES } from '../../src/validate/rules/index.js';
import { loadSpecIndex } from '../../src/validate/spec/spec-index.js';
import { parseJsonSource } from '../../src/templates/json-source.js';
import type { CfnTemplate } from '../../src/templates/template-types.js';
import type { Finding } from '../../src/validate/types.js';
import type { LoadedTemplate } from '../../src/templates/catalog.js';

export function loadedFromText(text: string, file = 'template.json'): LoadedTemplate {
  const source = parseJsonSource<CfnTemplate>(file, text);
  return { file, source, template: source.value, drctl: source.value?.Metadata?.Drctl };
}

export function validateText(
  input: string | object,
  opts: { file?: string; loadBalancerGroups?: Set<string> } = {},
): Finding[] {
  const text = typeof input === 'string' ? input : JSON.stringify(input, null, 2);
  return runRules(loadedFromText(text, opts.file), RULES, {
    spec: loadSpecIndex(),
    loadBalancerGroups: opts.loadBalancerGroups,
  });
}

/** `ruleId path` pairs: what tests pin, never the prose. */
export function idsAndPaths(findings: Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.path}`);
}
