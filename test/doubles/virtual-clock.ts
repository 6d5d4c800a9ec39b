// The one clock double: simulated time for doubles and the code under test. Sleeping advances the clock instead of
// waiting, in the order the sleepers would wake, so a 40-minute deployment or a failover runs in milliseconds with no
// timed assertions. Tests move it by hand (`advance`, `set`) and may react to time passing (`onAdvance`: RDS
// publishing ReplicaLag every minute, a controller acting at a given moment).
import type { Clock } from '../../src/clock.js';

export const DEFAULT_START = Date.UTC(2026, 0, 5, 9, 0, 0);

export class VirtualClock implements Clock {
  private current: number;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  private scheduled = false;
  private readonly listeners: (() => void)[] = [];

  constructor(start = DEFAULT_START) {
    this.current = start;
  }

  /** A bound function: `clock.now` may be handed around as a `() => number`. */
  readonly now = (): number => this.current;

  /** Runs after every move of the clock (a sleeper waking, `advance`, `set`). */
  onAdvance(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Moves time forward without waking anyone (e.g. to age a lock). */
  advance(ms: number): void {
    this.moveTo(this.current + ms);
  }

  set(ms: number): void {
    this.moveTo(ms);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      // The abort listener goes when the sleep ends, however it ends: a long-lived signal (a whole deploy's Ctrl-C)
      // must not collect one listener per poll.
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      };
      const timer = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.schedule();
    });
  }

  private moveTo(ms: number): void {
    this.current = ms;
    for (const listener of this.listeners) listener();
  }

  // Wake the earliest sleeper only once everything runnable has run (setImmediate comes after pending I/O
  // callbacks and promise jobs), so concurrent sleepers interleave as they would in real time.
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) return;
      if (next.at > this.current) this.moveTo(next.at);
      next.resolve();
      if (this.timers.length) this.schedule();
    });
  }
}
