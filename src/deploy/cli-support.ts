// What the deploy-family commands share at the CLI edge: the reporter with the live status board, the real
// SDK client factory from --profile / --endpoint-url, and Ctrl-C turned into an abort signal.
import { sdkClientFactory } from '../aws/clients.js';
import type { Reporter } from '../io/messages.js';
import { StreamReporter } from '../io/reporters.js';
import { statusBoard } from './progress.js';
import { defaultRuntime, type Runtime } from './runtime.js';

export interface AwsCommandOptions {
  json?: boolean;
  verbose?: boolean;
  yes?: boolean;
  profile?: string;
  endpointUrl?: string;
}

export function commandReporter(opts: AwsCommandOptions): Reporter {
  return new StreamReporter({ json: Boolean(opts.json), verbose: Boolean(opts.verbose), assumeYes: Boolean(opts.yes), progress: opts.json ? undefined : statusBoard(process.stderr) });
}

/**
 * First Ctrl-C: stop starting new work, let CloudFormation finish what it is doing, release the lock, exit 130.
 * Second Ctrl-C: leave at once (the lock stays; --force-unlock clears it).
 */
export function withInterrupts<T>(reporter: Reporter, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const onSigint = () => {
    if (ctl.signal.aborted) process.exit(130);
    reporter.emit({ code: 'INTERRUPT_REQUESTED', level: 'warn', text: 'interrupt: no new stacks will start; waiting steps stop now, CloudFormation finishes the running ones. Ctrl-C again to quit at once.' });
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  return body(ctl.signal).finally(() => process.off('SIGINT', onSigint));
}

export function cliRuntime(opts: AwsCommandOptions, reporter: Reporter, signal?: AbortSignal): Runtime {
  return defaultRuntime(sdkClientFactory({ profile: opts.profile, endpointUrl: opts.endpointUrl }), reporter, signal);
}
