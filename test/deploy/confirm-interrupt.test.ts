// Ctrl-C at a confirmation prompt (destroy's "Delete these stacks?", deploy's stateful replacement): on a terminal
// readline swallows the key and only rejects the question, so without care the run would go on or crash.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamReporter } from '../../src/io/reporters.js';

describe('Ctrl-C at a prompt', () => {
  const listeners: (() => void)[] = [];
  afterEach(() => {
    for (const l of listeners.splice(0)) process.off('SIGINT', l);
  });

  it('answers no and raises SIGINT for the command to handle', async () => {
    const input = new PassThrough();
    const err = new PassThrough();
    const reporter = new StreamReporter({ json: false, interactive: true, input, err });
    const interrupted = new Promise<void>((resolve) => {
      const l = () => resolve();
      listeners.push(l);
      process.on('SIGINT', l);
    });
    const answer = reporter.confirm('Delete these 13 stacks?');
    input.write('\x03');
    expect(await answer).toBe(false);
    await interrupted;
  });

  it('still reads a typed answer', async () => {
    const input = new PassThrough();
    const reporter = new StreamReporter({ json: false, interactive: true, input, err: new PassThrough() });
    const answer = reporter.confirm('Replace AssetsBucket?');
    input.write('yes\r');
    expect(await answer).toBe(true);
  });
});
