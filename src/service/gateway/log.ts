// The service logs through the same Reporter interface as the CLI: one JSON line per message, with its code,
// on stdout, where systemd's journal and the CloudWatch agent pick it up.
import type { Message, Reporter } from '../../io/messages.js';

export class JsonLineReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}
  emit<T>(msg: Omit<Message<T>, 'time'> & { time?: number }): void {
    if (msg.level === 'trace' || msg.level === 'debug') return;
    this.out.write(
      `${JSON.stringify({ time: new Date(msg.time ?? Date.now()).toISOString(), level: msg.level, code: msg.code, text: msg.text, ...(msg.data === undefined ? {} : { data: msg.data }) })}\n`,
    );
  }
  result(): void {}
  async confirm(): Promise<boolean> {
    return false;
  }
}
