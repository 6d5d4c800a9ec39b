// Canaries: one write per store in the primary region, then looked for in the secondary. The delay between the
// write and its first sighting in the secondary is the replication lag a failure at that moment would lose: the
// drill's RPO figure for that store (DESIGN.md §4).
import { DescribeTableCommand, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ClientFactory } from '../aws/clients.js';
import { awsError, latestReplicaLag } from '../failover/runbooks/aws-ops.js';
import type { Topology } from '../failover/runbooks/topology.js';
import type { DbCanary } from './db-canary.js';

export type Store = 'dynamodb' | 'rds' | 's3';

export interface Canary {
  store: Store;
  /** What the figure rests on (DESIGN.md §4), in words. */
  basis: string;
  /** Writes the canary in the primary region; returns where. */
  write(id: string, at: number): Promise<Record<string, unknown>>;
  present(id: string): Promise<boolean>;
}

async function keySchema(
  clients: ClientFactory,
  region: string,
  table: string,
): Promise<{ name: string; type: string }[]> {
  try {
    const t = (await clients(region).dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table;
    const types = new Map((t?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
    return (t?.KeySchema ?? []).map((k) => ({ name: k.AttributeName ?? '', type: types.get(k.AttributeName) ?? 'S' }));
  } catch (err) {
    throw awsError('E_AWS_DYNAMODB', `DescribeTable ${table}`, err);
  }
}

/** An item in the orders global table, keyed by whatever the table's key schema is. */
export function dynamoCanary(t: Topology, clients: ClientFactory): Canary {
  let key: Record<string, AttributeValue> | undefined;
  return {
    store: 'dynamodb',
    basis: `DynamoDB global table ${t.primary.ordersTable}: item written in ${t.primary.region}, read from the ${t.secondary.region} replica (asynchronous replication, typically under 1 s)`,
    async write(id, at) {
      const schema = await keySchema(clients, t.primary.region, t.primary.ordersTable);
      key = Object.fromEntries(schema.map((k) => [k.name, k.type === 'N' ? { N: String(at) } : { S: `drill#${id}` }]));
      try {
        await clients(t.primary.region).dynamodb.send(
          new PutItemCommand({
            TableName: t.primary.ordersTable,
            Item: {
              ...key,
              kind: { S: 'drill-canary' },
              drillId: { S: id },
              writtenAt: { S: new Date(at).toISOString() },
              expiresAt: { N: String(Math.floor(at / 1000) + 7 * 86400) },
            },
          }),
        );
      } catch (err) {
        throw awsError('E_AWS_DYNAMODB', `PutItem canary in ${t.primary.ordersTable}`, err);
      }
      return {
        table: t.primary.ordersTable,
        region: t.primary.region,
        key: Object.fromEntries(Object.entries(key).map(([k, v]) => [k, v.S ?? v.N])),
      };
    },
    async present() {
      if (!key) return false;
      try {
        const out = await clients(t.secondary.region).dynamodb.send(
          new GetItemCommand({ TableName: t.secondary.ordersTable, Key: key }),
        );
        return Boolean(out.Item);
      } catch (err) {
        throw awsError('E_AWS_DYNAMODB', `GetItem canary in ${t.secondary.region}`, err);
      }
    },
  };
}

/** An object in the primary assets bucket, looked for in the replica bucket with HeadObject. */
export function s3Canary(t: Topology, clients: ClientFactory): Canary {
  const keyFor = (id: string) => `drills/${id}/canary.json`;
  return {
    store: 's3',
    basis: `S3 cross-region replication ${t.primary.assetsBucket} → ${t.secondary.assetsBucket} (seconds typical; 15 min guaranteed only with Replication Time Control)`,
    async write(id, at) {
      try {
        await clients(t.primary.region).s3.send(
          new PutObjectCommand({
            Bucket: t.primary.assetsBucket,
            Key: keyFor(id),
            Body: JSON.stringify({ drillId: id, writtenAt: new Date(at).toISOString() }),
            ContentType: 'application/json',
          }),
        );
      } catch (err) {
        throw awsError('E_AWS_S3', `PutObject canary in ${t.primary.assetsBucket}`, err);
      }
      return { bucket: t.primary.assetsBucket, key: keyFor(id) };
    },
    async present(id) {
      try {
        await clients(t.secondary.region).s3.send(
          new HeadObjectCommand({ Bucket: t.secondary.assetsBucket, Key: keyFor(id) }),
        );
        return true;
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404) return false;
        throw awsError('E_AWS_S3', `HeadObject canary in ${t.secondary.assetsBucket}`, err);
      }
    },
  };
}

/** The RDS canary row, through the injected database writer. */
export function rdsCanary(t: Topology, db: DbCanary): Canary {
  return {
    store: 'rds',
    basis: `RDS ${t.primary.dbIdentifier} → ${t.secondary.dbIdentifier}: ${db.basis}`,
    async write(id, at) {
      await db.write(id, new Date(at));
      return { writer: t.primary.dbIdentifier, replica: t.secondary.dbIdentifier };
    },
    present: (id) => db.presentOnReplica(id),
  };
}

/** Without a database client the RDS figure is the replica's ReplicaLag when the fault was injected. */
export async function rdsLagFigure(
  t: Topology,
  clients: ClientFactory,
  at: number,
): Promise<{ seconds: number | null; basis: string }> {
  const lag = await latestReplicaLag(clients(t.secondary.region).cloudwatch, t.secondary.dbIdentifier, at);
  return {
    seconds: lag ? lag.seconds : null,
    basis: `RDS ReplicaLag of ${t.secondary.dbIdentifier} (CloudWatch, ${t.secondary.region}) at fault injection${lag ? `, datapoint of ${new Date(lag.at).toISOString()}` : ': no datapoint'}; no canary row (no database client configured)`,
  };
}
