// What drctl takes from the process it runs in, as one injectable value: the working directory, the streams, the
// environment, the signals and the hard exit. The bin passes the real process; tests pass their own and call
// `main` in-process, which is what lets the CLI tests run without spawning drctl.
import type { ClientFactory } from '../aws/clients.js';

export interface SignalSource {
  on(signal: 'SIGINT', listener: () => void): unknown;
  off(signal: 'SIGINT', listener: () => void): unknown;
}

export interface CliIo {
  /** The project root: where config/, templates/ and .drctl/ are found. */
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Where Ctrl-C comes from. */
  signals: SignalSource;
  /** Leave at once with this code (the second Ctrl-C). */
  exit: (code: number) => void;
  /** AWS clients to use instead of real SDK clients built from --profile / --endpoint-url (tests: the doubles). */
  clients?: ClientFactory;
}

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signals: process,
    exit: (code) => process.exit(code),
  };
}
