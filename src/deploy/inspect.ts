// drctl status and drctl outputs: read-only views of every stack of the environment in both regions.
import type { Project } from '../plan/project.js';
import type { Runtime } from './runtime.js';
import { stackInstances } from '../plan/graph.js';
import { callerIdentity } from '../session/identity.js';
import { outputsOf, stackOpsByRegion, type Stack } from '../aws/services/cloudformation.js';

export const NOT_DEPLOYED = 'NOT_DEPLOYED';

export interface StackStatusRow {
  id: string;
  layer: string;
  role: string;
  region: string;
  stackName: string;
  status: string;
  reason?: string;
  lastUpdated?: string;
  /** The stack exists but lacks this environment's tags: not drctl's, or another environment's. */
  foreign?: boolean;
}

async function describeAll(
  project: Project,
  rt: Runtime,
): Promise<{ row: StackStatusRow; stack: Stack | undefined }[]> {
  const { primary, secondary } = project.config.regions;
  await callerIdentity(rt.factory, [primary, secondary], project.config.expectedAccountId, project.file);
  const opsFor = stackOpsByRegion(rt);
  const instances = stackInstances(project.graph).sort(
    (a, b) => a.role.localeCompare(b.role) || project.graph.order.indexOf(a.id) - project.graph.order.indexOf(b.id),
  );
  return Promise.all(
    instances.map(async (n) => {
      const stack = await opsFor(n.region).describe(n.stackName);
      const env = stack?.Tags?.find((t) => t.Key === 'environment')?.Value;
      const row: StackStatusRow = {
        id: n.id,
        layer: n.layer,
        role: n.role,
        region: n.region,
        stackName: n.stackName,
        status: stack?.StackStatus ?? NOT_DEPLOYED,
        ...(stack?.StackStatusReason ? { reason: stack.StackStatusReason } : {}),
        ...(stack ? { lastUpdated: (stack.LastUpdatedTime ?? stack.CreationTime)?.toISOString() } : {}),
        ...(stack && env !== project.config.environment ? { foreign: true } : {}),
      };
      return { row, stack };
    }),
  );
}

export async function stackStatus(
  project: Project,
  rt: Runtime,
): Promise<{ environment: string; stacks: StackStatusRow[] }> {
  const rows = (await describeAll(project, rt)).map((r) => r.row);
  return { environment: project.config.environment, stacks: rows };
}

/** `{ "<layer>@<role>.<OutputName>": value }` over every deployed stack of the environment. */
export async function stackOutputs(project: Project, rt: Runtime): Promise<Record<string, string>> {
  const flat: Record<string, string> = {};
  for (const { row, stack } of await describeAll(project, rt)) {
    if (!stack || row.foreign) continue;
    for (const [k, v] of Object.entries(outputsOf(stack)).sort(([a], [b]) => a.localeCompare(b)))
      flat[`${row.id}.${k}`] = v;
  }
  return flat;
}
