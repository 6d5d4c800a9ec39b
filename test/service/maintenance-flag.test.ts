// How the order path reads the maintenance flag: one shared read at a time, aged from when it started (what makes the
// fence's bound hold), bounded by the SDK's abort signal, and a last value that outlives a Parameter Store outage.
import { describe, expect, it } from 'vitest';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { MaintenanceFlag } from '../../src/service/gateway/maintenance.js';
import { VirtualClock } from '../doubles/virtual-clock.js';

/** Parameter Store whose GetParameter answers only when the test says so (or fails, or honours the abort signal). */
class HeldSsm {
  calls = 0;
  value = 'off';
  private readonly held: { settle: () => void }[] = [];
  failNext: Error | undefined;

  client(): SSMClient {
    return {
      send: (_cmd: unknown, opts?: { abortSignal?: AbortSignal }) => {
        this.calls++;
        const fail = this.failNext;
        this.failNext = undefined;
        return new Promise((resolve, reject) => {
          opts?.abortSignal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
          );
          // The value is the one current when the read is answered, as a real read sees it.
          this.held.push({ settle: () => (fail ? reject(fail) : resolve({ Parameter: { Value: this.value } })) });
        });
      },
    } as unknown as SSMClient;
  }

  /** Answers the oldest (or the `index`-th) read still waiting. */
  async answer(index = 0): Promise<void> {
    this.held.splice(index, 1)[0]?.settle();
    await new Promise((r) => setImmediate(r));
  }
}

describe('MaintenanceFlag', () => {
  it('concurrent checks share one read', async () => {
    const ssm = new HeldSsm();
    const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
    const flag = new MaintenanceFlag(ssm.client(), '/m', 2000, clock.now);
    const checks = [flag.isOn(), flag.isOn(), flag.isOn()];
    expect(ssm.calls).toBe(1);
    ssm.value = 'on';
    await ssm.answer();
    expect(await Promise.all(checks)).toEqual([true, true, true]);
  });

  it('ages a read from when it started, not from when it answered', async () => {
    const ssm = new HeldSsm();
    const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
    const flag = new MaintenanceFlag(ssm.client(), '/m', 2000, clock.now);
    const first = flag.isOn();
    clock.advance(1500);
    await ssm.answer();
    expect(await first).toBe(false);
    expect(await flag.isOn()).toBe(false);
    expect(ssm.calls).toBe(1);
    // 600 ms after it answered, but 2100 ms after it started: too old for a write to rely on.
    clock.advance(600);
    const second = flag.isOn();
    expect(ssm.calls).toBe(2);
    ssm.value = 'on';
    await ssm.answer();
    expect(await second).toBe(true);
  });

  it('does not join a read older than the max age, and an older read answering late never replaces a newer one', async () => {
    const ssm = new HeldSsm();
    const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
    const flag = new MaintenanceFlag(ssm.client(), '/m', 2000, clock.now);
    const stuck = flag.isOn();
    clock.advance(2000);
    const fresh = flag.isOn();
    expect(ssm.calls).toBe(2);
    ssm.value = 'on';
    await ssm.answer(1);
    expect(await fresh).toBe(true);
    // The stuck read answers now, with the value it would have seen at its start ('off').
    ssm.value = 'off';
    await ssm.answer(0);
    expect(await stuck).toBe(false);
    expect(await flag.isOn()).toBe(true);
    expect(ssm.calls).toBe(2);
  });

  it('ends a read at its timeout through the SDK’s abort signal and keeps the last value', async () => {
    const ssm = new HeldSsm();
    const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
    const errors: unknown[] = [];
    const flag = new MaintenanceFlag(ssm.client(), '/m', 2000, clock.now, {
      readTimeoutMs: 50,
      onReadError: (err, kept) => errors.push([(err as Error).name, kept]),
    });
    const first = flag.isOn();
    ssm.value = 'on';
    await ssm.answer();
    expect(await first).toBe(true);
    clock.advance(2000);
    // Never answered: the abort signal ends it after 50 ms (real time).
    expect(await flag.isOn()).toBe(true);
    expect(errors).toEqual([['AbortError', true]]);
  });

  it('a caller whose deadline comes first gets the last value; the shared read goes on for the others', async () => {
    const ssm = new HeldSsm();
    const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
    const flag = new MaintenanceFlag(ssm.client(), '/m', 2000, clock.now);
    const first = flag.isOn();
    ssm.value = 'on';
    await ssm.answer();
    expect(await first).toBe(true);
    clock.advance(2000);
    const deadline = new AbortController();
    const hurried = flag.isOn(deadline.signal);
    const patient = flag.isOn();
    expect(ssm.calls).toBe(2);
    deadline.abort();
    expect(await hurried).toBe(true);
    ssm.value = 'off';
    await ssm.answer();
    expect(await patient).toBe(false);
    // Never read and out of time: writes are allowed, as for a read that failed.
    const fresh = new MaintenanceFlag(new HeldSsm().client(), '/m', 2000, clock.now);
    expect(await fresh.isOn(AbortSignal.abort())).toBe(false);
  });

  it('reports a run of failed reads once, retries at most every second, and allows writes when it never read', async () => {
    const ssm = new HeldSsm();
    const clock = new VirtualClock(Date.parse('2026-01-05T12:00:00Z'));
    const errors: unknown[] = [];
    const flag = new MaintenanceFlag(ssm.client(), '/m', 2000, clock.now, {
      onReadError: (err, kept) => errors.push([(err as Error).name, kept]),
    });
    ssm.failNext = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const never = flag.isOn();
    await ssm.answer();
    expect(await never).toBe(false);
    expect(errors).toEqual([['ThrottlingException', undefined]]);
    // Within the retry interval the failed state stands in, without a new read.
    clock.advance(500);
    expect(await flag.isOn()).toBe(false);
    expect(ssm.calls).toBe(1);
    clock.advance(500);
    ssm.failNext = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const again = flag.isOn();
    expect(ssm.calls).toBe(2);
    await ssm.answer();
    expect(await again).toBe(false);
    expect(errors).toHaveLength(1);
    clock.advance(1000);
    ssm.value = 'on';
    const back = flag.isOn();
    await ssm.answer();
    expect(await back).toBe(true);
  });
});
