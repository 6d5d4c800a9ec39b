// The operator commands' AWS clients from the command's --profile / --endpoint-url.
import { sdkClientFactory, type ClientFactory } from '../aws/clients.js';

export function operatorClients(ctx: { options: { profile?: string; endpointUrl?: string } }): ClientFactory {
  return sdkClientFactory({
    ...(ctx.options.profile ? { profile: ctx.options.profile } : {}),
    ...(ctx.options.endpointUrl ? { endpointUrl: ctx.options.endpointUrl } : {}),
  });
}
