// The drill's timeline: every event is recorded with its time and reported as a message `DRILL_<EVENT>`; times are
// expressed relative to the fault once its time is known.
import type { Reporter } from '../io/messages.js';
import { drillEventCode, type DrillEvent } from '../io/message-codes.js';
import type { Clock } from '../clock.js';
import type { TimelineEvent } from './report-types.js';

export class Timeline {
  readonly events: TimelineEvent[] = [];
  private faultAt: number | undefined;

  constructor(
    private readonly reporter: Reporter,
    private readonly clock: Clock,
    private readonly drillId: string,
  ) {}

  /** From now on `t` counts from this instant. */
  setFault(at: number): void {
    this.faultAt = at;
  }

  record(event: DrillEvent, text: string, detail?: Record<string, unknown>, level: 'info' | 'warn' = 'info'): void {
    const now = this.clock.now();
    const t = this.relative(now);
    this.events.push({ at: new Date(now).toISOString(), t, event, ...(detail ? { detail } : {}) });
    const stamp = this.faultAt === undefined ? '      ' : `+${t.toFixed(1)}s`.padStart(6);
    this.reporter.emit({
      code: drillEventCode(event),
      level,
      text: `${stamp} ${text}`,
      data: { drillId: this.drillId, event, t, ...detail },
    });
  }

  /** Events recorded before the fault were stamped before its time was known: re-express every one relative to it. */
  finish(): TimelineEvent[] {
    for (const e of this.events) e.t = this.relative(Date.parse(e.at));
    return this.events;
  }

  private relative(at: number): number {
    return Math.round((at - (this.faultAt ?? at)) / 100) / 10;
  }
}
