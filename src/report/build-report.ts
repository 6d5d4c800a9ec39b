// Assembles the report from its parts, and loads its inputs from the project (config + layer templates + prices).
import { loadProject } from '../plan/project.js';
import { computeCost } from './cost.js';
import { buildDiagram } from './diagram-model.js';
import { computeLogicalCorruption } from './logical-corruption.js';
import { loadPriceTable, type PriceTable } from './prices.js';
import { computeReadiness } from './readiness.js';
import { rememberResolved, type ReportInput } from './report-input.js';
import type { Report } from './report-types.js';
import { computeRpo } from './rpo.js';
import { computeRto } from './rto.js';

export function buildReport(input: ReportInput, prices: PriceTable): Report {
  const { config } = input;
  const paths = computeRto(input);
  const stores = computeRpo(input);
  const items = computeReadiness(input);
  return {
    environment: config.environment,
    regions: config.regions,
    objectives: config.objectives,
    rto: { targetSeconds: config.objectives.rtoSeconds, meets: paths.every((p) => p.meets), paths },
    rpo: { targetSeconds: config.objectives.rpoSeconds, meets: stores.every((s) => s.meets), stores },
    readiness: { ready: items.every((i) => i.severity !== 'warn'), items },
    cost: computeCost(input, prices),
    diagram: buildDiagram(input),
    recovery: { logicalCorruption: computeLogicalCorruption(input) },
  };
}

/** The environment as plan and deploy load it: the same config checks and the same parameter resolution. */
export async function loadReportInput(root: string, env: string): Promise<ReportInput> {
  const project = await loadProject(root, env);
  return rememberResolved(
    { config: project.config, configFile: project.file, layers: project.layers },
    project.parameters,
  );
}

export async function loadReport(root: string, env: string, pricesFile?: string): Promise<Report> {
  const [input, prices] = await Promise.all([loadReportInput(root, env), loadPriceTable(root, pricesFile)]);
  return buildReport(input, prices);
}
