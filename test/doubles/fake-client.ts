// Turns a double's command handler into an object that code typed against an SDK v3 client can call:
// `send(new XCommand(input))` is dispatched on the command's class name and recorded with the client's region.
import type { CallLog } from './call-log.js';

export type CommandHandler = (operation: string, input: Record<string, unknown>, region: string) => unknown;

interface SdkCommandLike {
  input: Record<string, unknown>;
  constructor: { name: string };
}

/** A per-operation failure to inject: thrown on the next matching call(s). */
export interface InjectedFailure {
  operation: string;
  error: () => Error;
  remaining: number;
}

export class FailureInjector {
  private readonly pending: InjectedFailure[] = [];
  /** The next `times` calls of `operation` throw `error()` before touching state. */
  failNext(operation: string, error: () => Error, times = 1): void {
    this.pending.push({ operation, error, remaining: times });
  }
  take(operation: string): Error | undefined {
    const hit = this.pending.find((p) => p.operation === operation && p.remaining > 0);
    if (!hit) return undefined;
    hit.remaining--;
    return hit.error();
  }
}

export function fakeClient<T>(
  service: string,
  region: string,
  log: CallLog,
  now: () => number,
  failures: FailureInjector,
  handle: CommandHandler,
): T {
  log.clientCreated(service, region);
  const client = {
    config: { region: async () => region },
    async send(command: SdkCommandLike): Promise<unknown> {
      const operation = command.constructor.name.replace(/Command$/, '');
      const input = command.input ?? {};
      log.record({ service, region, operation, input: structuredClone(input), at: now() });
      // Resolve on a later tick, as a network call would, so concurrent callers really interleave.
      await new Promise<void>((r) => setImmediate(r));
      const injected = failures.take(operation);
      if (injected) throw injected;
      return { $metadata: { httpStatusCode: 200 }, ...(handle(operation, input, region) as object) };
    },
    destroy(): void {},
    middlewareStack: { add() {}, use() {} },
  };
  return client as unknown as T;
}

/** An SDK-style service exception (name, $fault, $metadata) built from the SDK's own exception class. */
export function sdkError<E extends Error>(
  Ctor: new (opts: { message: string; $metadata: object }) => E,
  message: string,
): E {
  return new Ctor({ message, $metadata: { httpStatusCode: 400 } });
}

export function unsupported(service: string, operation: string): Error {
  return new Error(`${service} double: ${operation} is not modelled; add it to the double before relying on it`);
}
