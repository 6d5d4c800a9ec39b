// A clock tests move by hand, so time-based behaviour (windows, ages, promotions) runs instantly.
export class ManualClock {
  constructor(private ms = Date.parse('2026-01-05T12:00:00Z')) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}
