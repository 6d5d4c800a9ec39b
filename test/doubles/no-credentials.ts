// A machine without AWS credentials: every call fails as the SDK's default credential chain does there.
import type { AwsClients, ClientFactory } from '../../src/aws/clients.js';

export function withoutCredentials(): ClientFactory {
  const client = {
    send: async () => {
      const err = new Error('Could not load credentials from any providers');
      err.name = 'CredentialsProviderError';
      throw err;
    },
  };
  return (region: string) =>
    new Proxy({ region }, { get: (t, p) => (p === 'region' ? t.region : client) }) as AwsClients;
}
