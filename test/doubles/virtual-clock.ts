// Simulated time for doubles and the code under test: sleeping advances the clock instead of waiting, in the
// order the sleepers would wake, so a 40-minute deployment runs in milliseconds with no timed assertions.
import type { Clock } from '../../src/clock.js';

export class VirtualClock implements Clock {
  private current: number;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  private scheduled = false;

  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves time forward without waking anyone (e.g. to age a lock). */
  advance(ms: number): void {
    this.current += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          resolve();
        },
        { once: true },
      );
      this.schedule();
    });
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
      this.current = Math.max(this.current, next.at);
      next.resolve();
      if (this.timers.length) this.schedule();
    });
  }
}
