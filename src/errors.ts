// Errors are values with a code, a message and a fix; the CLI maps their kind to an exit code in one place.
import type { MessageCode } from './io/message-codes.js';

/** What kind of failure this is; decides the exit code (see `exitCodeFor`). */
export type ErrorKind =
  | 'usage' // bad flags, unknown environment, unreadable or invalid input: exit 2
  | 'config' // a config file that is wrong: exit 2
  | 'findings' // validation found error-level problems: exit 1
  | 'aws' // an AWS call failed in a way we cannot recover from: exit 3
  | 'conflict' // someone else holds the lock, or the state forbids the action: exit 4
  | 'interrupted' // Ctrl-C or a refused confirmation: exit 130
  | 'internal'; // a bug: exit 70

export class DrError extends Error {
  readonly code: MessageCode;
  readonly kind: ErrorKind;
  readonly fix: string | undefined;
  readonly file: string | undefined;
  readonly field: string | undefined;
  /** Structured detail for machines (e.g. every problem of a config file); printed under `error` in --json. */
  readonly details: Record<string, unknown> | undefined;

  constructor(opts: {
    code: MessageCode;
    kind: ErrorKind;
    message: string;
    fix?: string;
    file?: string;
    field?: string;
    details?: Record<string, unknown>;
    cause?: unknown;
  }) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DrError';
    this.code = opts.code;
    this.kind = opts.kind;
    this.fix = opts.fix;
    this.file = opts.file;
    this.field = opts.field;
    this.details = opts.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      ...(this.file ? { file: this.file } : {}),
      ...(this.field ? { field: this.field } : {}),
      ...(this.fix ? { fix: this.fix } : {}),
      ...(this.details ?? {}),
    };
  }
}

const EXIT_CODES: Record<ErrorKind, number> = {
  findings: 1,
  usage: 2,
  config: 2,
  aws: 3,
  conflict: 4,
  interrupted: 130,
  internal: 70,
};

/** Exit codes of outcomes that are not errors: what a command body returns (errors are thrown and mapped above). */
export const EXIT = {
  /** Done; nothing found, every objective met. */
  ok: 0,
  /** Done, and it found something: error-level findings, a missed objective (report --check, drill). */
  findings: EXIT_CODES.findings,
  /** Stopped by Ctrl-C, or a confirmation was refused. */
  interrupted: EXIT_CODES.interrupted,
} as const;

export function exitCodeFor(err: unknown): number {
  return err instanceof DrError ? EXIT_CODES[err.kind] : EXIT_CODES.internal;
}

export function usageError(
  code: MessageCode,
  message: string,
  fix: string,
  extra: { file?: string; field?: string } = {},
): DrError {
  return new DrError({ code, kind: 'usage', message, fix, ...extra });
}

export function configError(
  code: MessageCode,
  message: string,
  fix: string,
  extra: { file?: string; field?: string } = {},
): DrError {
  return new DrError({ code, kind: 'config', message, fix, ...extra });
}
