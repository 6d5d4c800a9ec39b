// drctl drill: inject a real fault into the primary region, measure RTO and RPO per store, restore, report.
import { Option } from 'commander';
import { commandClients } from '../aws-runtime.js';
import { defineCommand, type Registrar } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { acceptUncheckedOption, forceUnlockOption } from '../options.js';
import { DRILL_MODES } from '../../drill/report-types.js';

interface DrillOptions extends GlobalOptions {
  acceptUnchecked?: boolean;
  forceUnlock?: boolean;
  mode?: string;
  timeout?: string;
  dbCanary?: string;
}

export const registerDrill = (r: Registrar) =>
  defineCommand<DrillOptions>(r, {
    name: 'drill',
    description:
      'DR drill: canaries, fault injection, time to DNS flip and to writes on the secondary, RPO per store, restore; writes out/drills/<env>-<time>.{json,md}',
    environment: true,
    aws: true,
    confirms: true,
    interrupt: 'the drill stops measuring, undoes the fault and writes its report.',
    options: [
      new Option(
        '--mode <mode>',
        'how to fail the primary: its maintenance flag (real /health 503) or an inverted Route 53 health check',
      )
        .choices(DRILL_MODES)
        .default('health-flag'),
      new Option('--timeout <seconds>', 'longest wait for DNS, writes and canaries after the fault').default('900'),
      new Option('--db-canary <mode>', 'RDS canary row through PostgreSQL (auto) or ReplicaLag only (off)')
        .choices(['auto', 'off'])
        .default('auto'),
      acceptUncheckedOption(),
      forceUnlockOption(),
    ],
    run: async (ctx, opts) => {
      // Loaded when the command runs: other commands (plan, what npm start runs) do not pay for the AWS SDK.
      const { runDrillCommand } = await import('../../drill/command.js');
      // The wrapper owns Ctrl-C: the drill stops on ctx.signal.
      return runDrillCommand(ctx, opts, {
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        clients: await commandClients(ctx),
      });
    },
  });
