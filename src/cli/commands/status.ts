// drctl status: every stack of the environment in both regions, with its CloudFormation state.
import type { StackStatusRow } from '../../deploy/inspect.js';
import type { Registrar } from '../command.js';
import { defineReadCommand } from '../read-command.js';

export function statusLine(s: StackStatusRow): string {
  const state = s.status === 'NOT_DEPLOYED' ? 'not deployed' : s.status;
  // A stack stuck in a failed state says why (CloudFormation's status reason), so nobody has to open the console.
  const why = s.reason && /FAILED$|ROLLBACK_COMPLETE$/.test(s.status) ? `  ${s.reason.trim()}` : '';
  return `${s.id.padEnd(22)} ${s.stackName.padEnd(26)} ${s.region.padEnd(10)} ${state}${s.foreign ? '  (not tagged as this environment)' : ''}${s.lastUpdated ? `  ${s.lastUpdated}` : ''}${why}`;
}

export const registerStatus = (r: Registrar) =>
  defineReadCommand(r, {
    name: 'status',
    description: "every stack's state in both regions (NOT_DEPLOYED when missing)",
    // Imported when the command runs, so other commands do not load the AWS SDK.
    read: async (project, rt) => (await import('../../deploy/inspect.js')).stackStatus(project, rt),
    lines: (status) => status.stacks.map((s) => ({ code: 'STATUS_STACK', text: statusLine(s), data: s })),
  });
