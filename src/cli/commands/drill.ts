// drctl drill: inject a real fault into the primary region, measure RTO and RPO per store, restore, report.
import type { Command } from 'commander';
import { Option } from 'commander';
import {
  acceptUncheckedOption,
  endpointOption,
  envOption,
  forceUnlockOption,
  jsonOption,
  profileOption,
  verboseOption,
  yesOption,
} from '../options.js';
import { runAction, type GlobalOptions } from '../context.js';
import type { Register } from '../main.js';
import { DRILL_MODES } from '../../drill/report-types.js';

interface DrillOptions extends GlobalOptions {
  mode?: string;
  timeout?: string;
  dbCanary?: string;
}

export const registerDrill: Register = (program: Command, exit) => {
  program
    .command('drill')
    .description(
      'DR drill: canaries, fault injection, time to DNS flip and to writes on the secondary, RPO per store, restore; writes out/drills/<env>-<time>.{json,md}',
    )
    .addOption(envOption())
    .addOption(
      new Option(
        '--mode <mode>',
        'how to fail the primary: its maintenance flag (real /health 503) or an inverted Route 53 health check',
      )
        .choices(DRILL_MODES)
        .default('health-flag'),
    )
    .addOption(
      new Option('--timeout <seconds>', 'longest wait for DNS, writes and canaries after the fault').default('900'),
    )
    .addOption(
      new Option('--db-canary <mode>', 'RDS canary row through PostgreSQL (auto) or ReplicaLag only (off)')
        .choices(['auto', 'off'])
        .default('auto'),
    )
    .addOption(yesOption())
    .addOption(acceptUncheckedOption())
    .addOption(forceUnlockOption())
    .addOption(jsonOption())
    .addOption(verboseOption())
    .addOption(profileOption())
    .addOption(endpointOption())
    .action(async (opts: DrillOptions) => {
      // Loaded when the command runs: other commands (plan, what npm start runs) do not pay for the AWS SDK.
      const { runDrillCommand } = await import('../../drill/command.js');
      exit(await runAction(opts, (ctx) => runDrillCommand(ctx, opts)));
    });
};
