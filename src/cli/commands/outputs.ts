// drctl outputs: a flat map { "<layer>@<role>.<OutputName>": value } that drills and integration tests consume.
import { registerReadCommand } from '../../deploy/cli-support.js';
import type { Register } from '../main.js';

export const registerOutputs: Register = (program, exit) =>
  registerReadCommand(program, exit, {
    name: 'outputs',
    description: 'every deployed stack output as { "<layer>@<role>.<OutputName>": value }',
    // Imported when the command runs, so other commands do not load the AWS SDK (see cli-support).
    read: async (project, rt) => (await import('../../deploy/inspect.js')).stackOutputs(project, rt),
    lines: (outputs) =>
      Object.entries(outputs).map(([key, value]) => ({
        code: 'OUTPUT',
        text: `${key} = ${value}`,
        data: { key, value },
      })),
  });
