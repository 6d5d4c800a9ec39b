// drctl outputs: a flat map { "<layer>@<role>.<OutputName>": value } that drills and integration tests consume.
import type { Registrar } from '../command.js';
import { defineReadCommand } from '../read-command.js';

export const registerOutputs = (r: Registrar) =>
  defineReadCommand(r, {
    name: 'outputs',
    description: 'every deployed stack output as { "<layer>@<role>.<OutputName>": value }',
    // Imported when the command runs, so other commands do not load the AWS SDK.
    read: async (project, rt) => (await import('../../deploy/inspect.js')).stackOutputs(project, rt),
    lines: (outputs) =>
      Object.entries(outputs).map(([key, value]) => ({
        code: 'OUTPUT',
        text: `${key} = ${value}`,
        data: { key, value },
      })),
  });
