// Loads what every deploy command needs: the environment's config, the layer templates and the deploy graph.
import { configError, usageError } from '../errors.js';
import { loadConfig, unknownConfigParameters } from '../config/load-config.js';
import type { LoadedConfig } from '../config/config-types.js';
import { loadLayerTemplates, type LoadedTemplate } from '../templates/catalog.js';
import { buildDeployGraph } from './graph-builder.js';
import type { DeployGraph } from './graph.js';

export interface Project extends LoadedConfig {
  root: string;
  layers: Map<string, LoadedTemplate>;
  graph: DeployGraph;
}

/** Edit distance, to suggest the parameter a typo meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      prev = cur;
    }
  }
  return row[b.length]!;
}

export async function loadProject(root: string, env: string | undefined): Promise<Project> {
  const loaded = await loadConfig(root, env);
  const layers = await loadLayerTemplates(root);
  if (layers.size === 0)
    throw usageError(
      'E_NO_LAYERS',
      'templates/ holds no template with Metadata.Drctl',
      'Add the layer templates (see docs/architecture.md, "Template metadata").',
      { file: 'templates' },
    );
  const templates = [...layers.values()].map((t) => t.template);
  const unknown = unknownConfigParameters(loaded.config, templates);
  if (unknown.length) {
    const declared = [...new Set(templates.flatMap((t) => Object.keys(t.Parameters ?? {})))];
    const { block, name } = unknown[0]!;
    const near = declared.map((d) => ({ d, n: distance(name, d) })).sort((a, b) => a.n - b.n)[0];
    const hint = near && near.n <= Math.max(2, Math.floor(name.length / 4)) ? ` Did you mean "${near.d}"?` : '';
    const all = unknown.map((u) => `parameters.${u.block}.${u.name}`).join(', ');
    throw configError(
      'E_CONFIG_UNKNOWN_PARAMETER',
      `${loaded.file}: ${all}: no template declares ${unknown.length === 1 ? 'this parameter' : 'these parameters'}`,
      `Remove it or fix the spelling.${hint}`,
      {
        file: loaded.file,
        field: `parameters.${block}.${name}`,
      },
    );
  }
  const graph = buildDeployGraph({ config: loaded.config, configFile: loaded.file, layers });
  return { ...loaded, root, layers, graph };
}
