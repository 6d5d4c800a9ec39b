// Loads what every command that works on an environment needs: the config, the layer templates, the resolved
// parameters (the one answer plan, deploy, report, failover, failback and drill read) and the deploy graph.
import { usageError } from '../errors.js';
import { loadConfig } from '../config/load-config.js';
import type { LoadedConfig } from '../config/config-types.js';
import { loadLayerTemplates, type LoadedTemplate } from '../templates/catalog.js';
import { buildDeployGraph } from './graph-builder.js';
import type { DeployGraph } from './graph.js';
import { resolveParameters, type ResolvedParameters } from './parameters.js';

export interface Project extends LoadedConfig {
  root: string;
  layers: Map<string, LoadedTemplate>;
  /** Every stack's parameters with their sources, checked against the templates. */
  parameters: ResolvedParameters;
  graph: DeployGraph;
}

export async function loadProject(root: string, env: string | undefined): Promise<Project> {
  const [loaded, layers] = await Promise.all([loadConfig(root, env), loadLayerTemplates(root)]);
  if (layers.size === 0)
    throw usageError(
      'E_NO_LAYERS',
      'templates/ holds no template with Metadata.Drctl',
      'Add the layer templates (see docs/architecture.md, "Template metadata").',
      { file: 'templates' },
    );
  const input = {
    config: loaded.config,
    configFile: loaded.file,
    ...(loaded.source ? { configSource: loaded.source } : {}),
    layers,
  };
  const parameters = resolveParameters(input);
  const graph = buildDeployGraph({ ...input, resolved: parameters });
  return { ...loaded, root, layers, parameters, graph };
}
