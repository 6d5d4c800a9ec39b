// What the deploy commands need from the outside world, injected: AWS clients, time, output, Ctrl-C, host.
import os from 'node:os';
import type { ClientFactory, ThrottledAttempt } from '../aws/clients.js';
import type { Reporter } from '../io/messages.js';
import { realClock, type Clock } from '../clock.js';
import type { SessionDeps } from '../session/environment-session.js';
import type { Project } from '../plan/project.js';

export interface Runtime {
  factory: ClientFactory;
  clock: Clock;
  reporter: Reporter;
  /** Milliseconds between status polls (5 s against AWS; tests use a virtual clock). */
  pollMs: number;
  /** Aborted on Ctrl-C: stop scheduling new work. */
  signal?: AbortSignal;
  host: { hostname: string; pid: number };
}

export function defaultRuntime(factory: ClientFactory, reporter: Reporter, signal?: AbortSignal): Runtime {
  return {
    factory,
    clock: realClock,
    reporter,
    pollMs: 5000,
    signal,
    host: { hostname: os.hostname(), pid: process.pid },
  };
}

/** The SDK retries throttled calls itself (the only retry layer); this says so, as `AWS_THROTTLED` debug messages. */
export function reportThrottling(reporter: Reporter): (t: ThrottledAttempt) => void {
  return (t) =>
    reporter.emit({
      code: 'AWS_THROTTLED',
      level: 'debug',
      text: `throttled (${t.error}) ${t.operation} in ${t.region}; the SDK retries (attempt ${t.attempt}${t.maxAttempts ? ` of ${t.maxAttempts}` : ''})`,
      data: t,
    });
}

/** What the environment session (identity, lock) needs, from a deploy-family runtime. */
export function sessionOf(project: Project, rt: Runtime): SessionDeps {
  return {
    config: project.config,
    configFile: project.file,
    factory: rt.factory,
    reporter: rt.reporter,
    now: () => rt.clock.now(),
    host: rt.host,
  };
}
