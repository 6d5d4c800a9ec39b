// Renderers for the message stream: people (stderr lines), machines (one JSON document on stdout), tests (memory).
import { createInterface } from 'node:readline/promises';
import type { Level, Message, Reporter } from './messages.js';

const LEVEL_ORDER: Record<Level, number> = { trace: 0, debug: 1, info: 2, result: 3, warn: 4, error: 5 };

/** Collects every message; what tests assert on. */
export class MemoryReporter implements Reporter {
  readonly messages: Message[] = [];
  results: unknown[] = [];
  constructor(private readonly answers: boolean | boolean[] = false) {}

  emit<T>(msg: Omit<Message<T>, 'time'> & { time?: number }): void {
    this.messages.push({ ...msg, time: msg.time ?? Date.now() } as Message);
  }
  result(value: unknown): void {
    this.results.push(value);
  }
  async confirm(question: string): Promise<boolean> {
    this.emit({ code: 'CONFIRM_ASKED', level: 'info', text: question });
    if (Array.isArray(this.answers)) return this.answers.shift() ?? false;
    return this.answers;
  }
  codes(): string[] {
    return this.messages.map((m) => m.code);
  }
  byCode<T = unknown>(code: Message['code']): Message<T>[] {
    return this.messages.filter((m) => m.code === code) as Message<T>[];
  }
}

export interface StreamReporterOptions {
  json: boolean;
  verbose?: boolean;
  assumeYes?: boolean;
  interactive?: boolean;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** Where answers come from (default stdin); a given stream is read as a terminal. */
  input?: NodeJS.ReadableStream;
  /** Optional live renderer for progress messages (e.g. one status line per stack). */
  progress?: (msg: Message) => boolean;
}

/**
 * People get `result`-level lines on stdout and progress on stderr; with --json, stdout carries only
 * the final JSON document and stderr keeps warnings and errors.
 */
export class StreamReporter implements Reporter {
  private readonly out: NodeJS.WritableStream;
  private readonly err: NodeJS.WritableStream;
  constructor(private readonly opts: StreamReporterOptions) {
    this.out = opts.out ?? process.stdout;
    this.err = opts.err ?? process.stderr;
  }

  emit<T>(input: Omit<Message<T>, 'time'> & { time?: number }): void {
    const msg = { ...input, time: input.time ?? Date.now() } as Message;
    const min = this.opts.verbose ? LEVEL_ORDER.debug : LEVEL_ORDER.info;
    if (LEVEL_ORDER[msg.level] < min) return;
    if (this.opts.json) {
      if (msg.level === 'warn' || msg.level === 'error') this.err.write(`${msg.level}: ${msg.text}\n`);
      return;
    }
    if (this.opts.progress?.(msg)) return;
    if (msg.level === 'result') this.out.write(`${msg.text}\n`);
    else if (msg.level === 'error') this.err.write(`error: ${msg.text}\n`);
    else if (msg.level === 'warn') this.err.write(`warning: ${msg.text}\n`);
    else this.err.write(`${msg.text}\n`);
  }

  result(value: unknown): void {
    if (this.opts.json) this.out.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  async confirm(question: string): Promise<boolean> {
    if (this.opts.assumeYes) return true;
    const interactive = this.opts.interactive ?? (Boolean(process.stdin.isTTY) && !process.env.CI);
    if (!interactive) return false;
    const rl = createInterface({
      input: this.opts.input ?? process.stdin,
      output: this.err,
      ...(this.opts.input ? { terminal: true } : {}),
    });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } catch (err) {
      // On a terminal readline takes Ctrl-C itself and only rejects the question. Answer no, and hand the
      // interrupt on to the process, so the command's own Ctrl-C handling (or the default exit) runs.
      if ((err as { code?: string }).code !== 'ABORT_ERR') throw err;
      process.kill(process.pid, 'SIGINT');
      return false;
    } finally {
      rl.close();
    }
  }
}
