// Options shared by several commands, declared once so their names and help stay identical.
import { Option } from 'commander';
import { usageError } from '../errors.js';

export const envOption = () => new Option('-e, --env <name>', 'environment (a file under config/)').default('dev');
export const jsonOption = () => new Option('--json', 'machine-readable output on stdout');
export const verboseOption = () => new Option('-v, --verbose', 'show debug messages and every detail');
export const yesOption = () => new Option('-y, --yes', 'answer yes to confirmations');
export const profileOption = () =>
  new Option('--profile <name>', 'AWS named profile (else the standard credential chain)');
export const endpointOption = () =>
  new Option('--endpoint-url <url>', 'send every AWS call to this endpoint (a local emulator)');
export const acceptUncheckedOption = () =>
  new Option(
    '--accept-unchecked',
    'go ahead although some pre-checks could not be checked (a dependency did not answer); never overrides a failed check',
  );
export const forceUnlockOption = () =>
  new Option('--force-unlock', "remove another run's environment lock first (only when that run is dead)");
export const concurrencyOption = (what: string) =>
  new Option('--concurrency <n>', `${what} at once (default: config deploy.concurrency or 4)`);

export function parseConcurrency(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16)
    throw usageError(
      'E_BAD_CONCURRENCY',
      `--concurrency ${value}: must be an integer from 1 to 16`,
      'Use e.g. --concurrency 4.',
      { field: '--concurrency' },
    );
  return n;
}
