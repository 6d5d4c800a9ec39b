// What the deploy commands need from the outside world, injected: AWS clients, time, output, Ctrl-C, host.
import os from 'node:os';
import type { ClientFactory } from '../aws/clients.js';
import type { Reporter } from '../io/messages.js';
import { realClock, type Clock } from '../clock.js';

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
