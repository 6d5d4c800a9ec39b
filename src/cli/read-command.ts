// status and outputs: load the environment, read what is deployed, print one line per entry for people and the
// value for machines.
import type { Message } from '../io/messages.js';
import type { Runtime } from '../deploy/runtime.js';
import { loadProject, type Project } from '../plan/project.js';
import { commandRuntime } from './aws-runtime.js';
import { defineCommand, type Registrar } from './command.js';

export function defineReadCommand<T>(
  r: Registrar,
  spec: {
    name: string;
    description: string;
    read: (project: Project, rt: Runtime) => Promise<T>;
    lines: (value: T) => Omit<Message, 'time' | 'level'>[];
  },
) {
  return defineCommand(r, {
    name: spec.name,
    description: spec.description,
    environment: true,
    aws: true,
    run: async (ctx, opts) => {
      const value = await spec.read(await loadProject(ctx.root, opts.env), await commandRuntime(ctx));
      for (const line of spec.lines(value)) ctx.reporter.emit({ ...line, level: 'result' });
      ctx.reporter.result(value);
    },
  });
}
