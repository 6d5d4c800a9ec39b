// DynamoDB double: a local dynalite server (a real implementation of the DynamoDB API, conditional writes
// included) reached through real SDK clients, with every call recorded with the client's region.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CallLog } from './call-log.js';

export interface LocalDynamo {
  endpoint: string;
  log: CallLog;
  /** A real DynamoDBClient for `region` pointed at the local server. */
  client(region: string): DynamoDBClient;
  createTable(input: CreateTableCommandInput): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalDynamo(log = new CallLog()): Promise<LocalDynamo> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  const client = (region: string): DynamoDBClient => {
    log.clientCreated('dynamodb', region);
    const c = new DynamoDBClient({
      region,
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    c.middlewareStack.add(
      (next, context) => async (args) => {
        log.record({
          service: 'dynamodb',
          region,
          operation: String(context.commandName ?? '').replace(/Command$/, ''),
          input: (args as { input?: unknown }).input,
          at: Date.now(),
        });
        return next(args);
      },
      { step: 'initialize', name: 'recordRegion' },
    );
    clients.push(c);
    return c;
  };
  return {
    endpoint,
    log,
    client,
    async createTable(input) {
      const c = client('local-setup');
      await c.send(new CreateTableCommand(input));
    },
    async close() {
      clients.forEach((c) => c.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A table keyed by a string `pk`, the shape the orders and failover-state tables use. */
export function pkTable(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
}
