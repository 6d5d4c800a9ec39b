import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/deploy/deploy.js';
import { statusBoard } from '../../src/deploy/progress.js';
import { statusLine } from '../../src/cli/commands/status.js';
import { DrError } from '../../src/errors.js';
import type { Message } from '../../src/io/messages.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { ALL, fixtureProject, runtime } from './helpers.js';

describe('deploy --only', () => {
  it('refuses a stack whose inputs are not deployed, and names an unknown stack', async () => {
    const world = new AwsWorld();
    const project = await fixtureProject();
    const err = (await runDeploy(project, { ...ALL, only: ['compute@secondary'] }, runtime(world)).catch(
      (e: unknown) => e,
    )) as DrError;
    expect(err).toBeInstanceOf(DrError);
    expect(err.code).toBe('E_ONLY_DEPENDENCY');
    expect(err.fix).toContain('without --only');
    expect(world.cfnCalls().filter((c) => c.op === 'CreateChangeSet')).toEqual([]);
    // The lock is released even though the run failed.
    expect(world.s3.buckets.get('drctl-state-111111111111-us-east-1')!.objects.has('locks/dev.json')).toBe(false);

    const unknown = (await runDeploy(project, { ...ALL, only: ['cache'] }, runtime(world)).catch(
      (e: unknown) => e,
    )) as DrError;
    expect(unknown.code).toBe('E_ONLY_UNKNOWN');
    expect(unknown.fix).toContain('foundation');
  });

  it('deploys just the named stacks (and their artifacts) once the rest exists', async () => {
    const world = new AwsWorld();
    const project = await fixtureProject();
    await runDeploy(project, ALL, runtime(world));
    const before = world.cfnCalls().length;
    const r = await runDeploy(project, { ...ALL, only: ['failover'] }, runtime(world));
    expect(r.report.nodes.map((n) => n.id).sort()).toEqual([
      'build:fixture-controller',
      'failover@primary',
      'failover@secondary',
      'publish:fixture-controller@primary',
      'publish:fixture-controller@secondary',
    ]);
    const touched = new Set(
      world
        .cfnCalls()
        .slice(before)
        .filter((c) => c.op === 'CreateChangeSet')
        .map((c) => c.input.StackName),
    );
    expect([...touched]).toEqual(['trading-failover-dev']);
  });
});

describe('status lines', () => {
  const row = {
    id: 'network@secondary',
    layer: 'network',
    role: 'secondary',
    region: 'us-west-2',
    stackName: 'trading-network-dev',
  };
  it('give a failed stack its reason, and mark stacks not deployed or not tagged as this environment', () => {
    expect(
      statusLine({
        ...row,
        status: 'ROLLBACK_FAILED',
        reason: 'The following resource(s) failed to delete: [NatGateway]. ',
        lastUpdated: '2026-01-05T09:12:00.000Z',
      }),
    ).toMatch(
      /ROLLBACK_FAILED {2}2026-01-05T09:12:00.000Z {2}The following resource\(s\) failed to delete: \[NatGateway\]\.$/,
    );
    expect(statusLine({ ...row, status: 'CREATE_IN_PROGRESS', reason: 'User Initiated' })).not.toContain(
      'User Initiated',
    );
    expect(statusLine({ ...row, status: 'NOT_DEPLOYED' })).toMatch(/not deployed$/);
    expect(statusLine({ ...row, status: 'CREATE_COMPLETE', foreign: true })).toContain(
      '(not tagged as this environment)',
    );
  });
});

describe('status board (human renderer)', () => {
  const tty = () => {
    let text = '';
    const stream = new Writable({
      write: (chunk: Buffer, _e, cb) => ((text += chunk.toString()), cb()),
    }) as unknown as NodeJS.WriteStream;
    Object.assign(stream, { isTTY: true, columns: 160 });
    return { stream, text: () => text };
  };
  const msg = (code: Message['code'], data: unknown, text = ''): Message => ({
    code,
    level: 'info',
    text,
    data,
    time: 0,
  });

  it('keeps one line per stack and redraws it in place', () => {
    const err = tty();
    const out = tty();
    const board = statusBoard(err.stream, out.stream);
    expect(
      board(
        msg('DEPLOY_STACK_STATUS', {
          node: 'data@primary',
          stackName: 'trading-data-dev',
          region: 'us-east-1',
          status: 'CREATE_IN_PROGRESS',
        }),
      ),
    ).toBe(true);
    board(
      msg('DEPLOY_STACK_STATUS', {
        node: 'data@secondary',
        stackName: 'trading-data-dev',
        region: 'us-west-2',
        status: 'CREATE_IN_PROGRESS',
      }),
    );
    board(msg('DEPLOY_STACK_EVENT', { node: 'data@primary', logicalId: 'Database', status: 'CREATE_COMPLETE' }));
    const screen = err.text();
    // The board was erased line by line (cursor up, erase line) before each redraw, not appended to.
    expect(screen).toContain('\x1b[1A');
    expect(screen).toContain('\x1b[2K');
    expect(
      screen
        .split('\n')
        .filter((l) => l.includes('data@primary'))
        .at(-1),
    ).toContain('Database CREATE_COMPLETE');
    board({ code: 'DEPLOY_RESULT', level: 'result', text: 'data@primary created', time: 0 });
    expect(out.text()).toContain('data@primary created');
  });

  it('leaves non-terminals to the plain line renderer', () => {
    const plain = new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream;
    expect(statusBoard(plain)(msg('DEPLOY_STACK_STATUS', { node: 'x', status: 'CREATE_IN_PROGRESS' }))).toBe(false);
  });
});
