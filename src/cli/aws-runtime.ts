// AWS clients at the CLI edge, for every command: real SDK clients from --profile / --endpoint-url / AWS_MAX_ATTEMPTS
// (or the clients the caller injected); for the deploy family also the real clock and host. The AWS SDK is imported
// only when a command that needs it runs: `drctl plan` (what `npm start` runs) must not pay for loading it.
import type { ClientFactory } from '../aws/clients.js';
import { defaultRuntime, reportThrottling, type Runtime } from '../deploy/runtime.js';
import type { CommandContext } from './context.js';

export async function commandClients(ctx: CommandContext): Promise<ClientFactory> {
  if (ctx.io?.clients) return ctx.io.clients;
  const { sdkClientFactory } = await import('../aws/clients.js');
  return sdkClientFactory({
    ...(ctx.options.profile ? { profile: ctx.options.profile } : {}),
    ...(ctx.options.endpointUrl ? { endpointUrl: ctx.options.endpointUrl } : {}),
    // The SDK's own convention; drctl's client settings would otherwise override it.
    ...(ctx.env?.AWS_MAX_ATTEMPTS ? { maxAttempts: ctx.env.AWS_MAX_ATTEMPTS } : {}),
    // The SDK's adaptive retry is the only retry layer; each throttled attempt is reported (AWS_THROTTLED).
    onThrottled: reportThrottling(ctx.reporter),
  });
}

export async function commandRuntime(ctx: CommandContext): Promise<Runtime> {
  return defaultRuntime(await commandClients(ctx), ctx.reporter, ctx.signal);
}
