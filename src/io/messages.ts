// One I/O layer: code that decides emits typed messages; renderers (human, JSON, progress) turn them into output.
import type { MessageCode } from './message-codes.js';

export type { MessageCode } from './message-codes.js';

export type Level = 'trace' | 'debug' | 'info' | 'result' | 'warn' | 'error';

export interface Message<T = unknown> {
  /** Stable message code, e.g. `DEPLOY_STACK_STATUS`, from the registry; tests assert on codes, not on text. */
  code: MessageCode;
  level: Level;
  /** One line for people. */
  text: string;
  /** Structured payload for machines and for the progress renderer. */
  data?: T;
  time: number;
}

export interface Reporter {
  emit<T>(msg: Omit<Message<T>, 'time'> & { time?: number }): void;
  /** Final machine-readable result of a command (printed as the JSON document under --json). */
  result(value: unknown): void;
  /** Asks a yes/no question; non-interactive reporters answer `false` unless `assumeYes`. */
  confirm(question: string): Promise<boolean>;
}
