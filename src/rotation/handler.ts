// Lambda entry of the master secret's rotation function (handler `index.handler` in the bundle drctl builds).
// Secrets Manager invokes it once per step; a thrown error makes the service retry the step later.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readSettings } from './config.js';
import { pgConnector } from './pg-connector.js';
import type { RotationEvent } from './protocol.js';
import { rotate } from './steps.js';

let secrets: SecretsManagerClient | undefined;
let ssm: SSMClient | undefined;

export async function handler(event: RotationEvent): Promise<void> {
  const settings = readSettings(process.env);
  // One client per container: the region is the function's own, where the primary secret lives.
  secrets ??= new SecretsManagerClient({});
  ssm ??= new SSMClient({});
  const flags = ssm;
  await rotate(
    {
      secrets,
      connect: pgConnector({ timeoutMs: settings.timeoutMs }),
      passwordLength: settings.passwordLength,
      excludeCharacters: settings.excludeCharacters,
      fenced: async () => {
        const flag = await flags.send(new GetParameterCommand({ Name: settings.maintenanceParameter }));
        return flag.Parameter?.Value === 'on'
          ? `the maintenance flag ${settings.maintenanceParameter} is on (this region is fenced)`
          : undefined;
      },
      log: (m) => console.log(`[${event?.Step ?? '?'}] ${m}`),
    },
    event,
  );
}
