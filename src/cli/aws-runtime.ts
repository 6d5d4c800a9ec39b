// The deploy family's runtime at the CLI edge: real SDK clients from --profile / --endpoint-url (or the clients the
// caller injected), the real clock and host. The AWS SDK is imported only when a command that needs it runs:
// `drctl plan` (what `npm start` runs) must not pay for loading it.
import type { ClientFactory } from '../aws/clients.js';
import { defaultRuntime, type Runtime } from '../deploy/runtime.js';
import type { CommandContext } from './context.js';

export async function commandClients(ctx: CommandContext): Promise<ClientFactory> {
  if (ctx.io?.clients) return ctx.io.clients;
  const { sdkClientFactory } = await import('../aws/clients.js');
  return sdkClientFactory({
    ...(ctx.options.profile ? { profile: ctx.options.profile } : {}),
    ...(ctx.options.endpointUrl ? { endpointUrl: ctx.options.endpointUrl } : {}),
  });
}

export async function commandRuntime(ctx: CommandContext): Promise<Runtime> {
  return defaultRuntime(await commandClients(ctx), ctx.reporter, ctx.signal);
}
