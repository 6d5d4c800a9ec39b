// drctl status: every stack of the environment in both regions, with its CloudFormation state.
import { registerReadCommand } from '../../deploy/cli-support.js';
import type { StackStatusRow } from '../../deploy/inspect.js';
import type { Register } from '../main.js';

export function statusLine(s: StackStatusRow): string {
  const state = s.status === 'NOT_DEPLOYED' ? 'not deployed' : s.status;
  // A stack stuck in a failed state says why (CloudFormation's status reason), so nobody has to open the console.
  const why = s.reason && /FAILED$|ROLLBACK_COMPLETE$/.test(s.status) ? `  ${s.reason.trim()}` : '';
  return `${s.id.padEnd(22)} ${s.stackName.padEnd(26)} ${s.region.padEnd(10)} ${state}${s.foreign ? '  (not tagged as this environment)' : ''}${s.lastUpdated ? `  ${s.lastUpdated}` : ''}${why}`;
}

export const registerStatus: Register = (program, exit) =>
  registerReadCommand(program, exit, {
    name: 'status',
    description: "every stack's state in both regions (NOT_DEPLOYED when missing)",
    // Imported when the command runs, so other commands do not load the AWS SDK (see cli-support).
    read: async (project, rt) => (await import('../../deploy/inspect.js')).stackStatus(project, rt),
    lines: (status) => status.stacks.map((s) => ({ code: 'STATUS_STACK', text: statusLine(s), data: s })),
  });
