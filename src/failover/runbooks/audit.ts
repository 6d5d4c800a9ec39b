// The operator runbooks leave the same structured audit trail as the controller: a line in the command's output
// and, when the failover stack is deployed, an audit item in that region's controller state table.
import { dynamoStateStore } from '../controller/state-store.js';
import { auditLine } from '../steps.js';
import type { RegionTopology } from '../../operator/topology.js';
import type { RunbookDeps } from './deps.js';

export async function writeAudit(
  deps: RunbookDeps,
  where: RegionTopology,
  record: Record<string, unknown> & { at: number; region: string; role: string; event: string },
): Promise<string> {
  const line = auditLine(record);
  deps.reporter.emit({ code: 'RUNBOOK_AUDIT', level: 'debug', text: line, data: record });
  if (!where.controllerStateTable) return 'output only (no failover stack in this region)';
  await dynamoStateStore(deps.clients(where.region), where.controllerStateTable).audit(record);
  return `written to ${where.controllerStateTable} in ${where.region}`;
}
