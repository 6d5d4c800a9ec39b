import { describe, expect, it } from 'vitest';
import { runGraph, type ExecNode } from '../../src/deploy/executor.js';

const node = (id: string, dependencies: string[] = [], priority = 0): ExecNode => ({ id, dependencies, priority });
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('executor', () => {
  it('never runs more than the concurrency limit, and starts the highest priority first', async () => {
    const nodes = [node('a', [], 1), node('b', [], 5), node('c', [], 3), node('d', [], 4), node('e', ['a'], 9)];
    let inFlight = 0;
    let max = 0;
    const started: string[] = [];
    const r = await runGraph(
      nodes,
      async (n) => {
        started.push(n.id);
        inFlight++;
        max = Math.max(max, inFlight);
        await tick();
        inFlight--;
      },
      { concurrency: 2 },
    );
    expect(max).toBe(2);
    expect(started.slice(0, 2)).toEqual(['b', 'd']);
    expect(started.indexOf('e')).toBeGreaterThan(started.indexOf('a'));
    expect([...r.states.values()].every((s) => s === 'completed')).toBe(true);
  });

  it('skips everything downstream of a failure while independent work completes', async () => {
    const nodes = [node('a'), node('b', ['a']), node('c', ['b']), node('x'), node('y', ['x'])];
    const r = await runGraph(
      nodes,
      async (n) => {
        if (n.id === 'a') throw new Error('boom');
      },
      { concurrency: 4 },
    );
    expect(Object.fromEntries(r.states)).toEqual({
      a: 'failed',
      b: 'skipped',
      c: 'skipped',
      x: 'completed',
      y: 'completed',
    });
    expect((r.errors.get('a') as Error).message).toBe('boom');
  });

  it('stops scheduling after an abort but lets running nodes finish', async () => {
    const ctl = new AbortController();
    const nodes = [node('a'), node('b', ['a']), node('c')];
    const r = await runGraph(
      nodes,
      async (n) => {
        if (n.id === 'a') ctl.abort();
        await tick();
      },
      { concurrency: 1, signal: ctl.signal },
    );
    expect(r.states.get('a')).toBe('completed');
    expect(r.states.get('b')).toBe('pending');
    expect(r.interrupted).toBe(true);
  });

  it('after an abort, the dependants of a node stopped by it stay pending (not skipped) and queued work reads as pending', async () => {
    const ctl = new AbortController();
    const nodes = [node('a', [], 2), node('b', ['a']), node('c', [], 1)];
    const r = await runGraph(
      nodes,
      async (n) => {
        if (n.id !== 'a') return;
        ctl.abort();
        await tick();
        throw new Error('interrupted while waiting');
      },
      { concurrency: 1, signal: ctl.signal },
    );
    expect(Object.fromEntries(r.states)).toEqual({ a: 'failed', b: 'pending', c: 'pending' });
    expect(r.interrupted).toBe(true);
  });

  it('treats nodes outside the run (--only) as done', async () => {
    const r = await runGraph([node('b', ['a'])], async () => {}, { concurrency: 1, done: new Set(['a']) });
    expect(r.states.get('b')).toBe('completed');
  });
});
