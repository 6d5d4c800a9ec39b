// Canaries: one write per store in the primary region, then looked for in the secondary. The delay between the
// write and its first sighting in the secondary is the replication lag a failure at that moment would lose: the
// drill's RPO figure for that store (DESIGN.md §4).
import type { ClientFactory } from '../aws/clients.js';
import { latestReplicaLag } from '../aws/services/cloudwatch.js';
import { describeTable, getItem, putItem, type Item } from '../aws/services/dynamodb.js';
import { objectExists, putObject } from '../aws/services/s3.js';
import type { Topology } from '../operator/topology.js';
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

/** An item in the orders global table, keyed by whatever the table's key schema is. */
export function dynamoCanary(t: Topology, clients: ClientFactory): Canary {
  let key: Item | undefined;
  return {
    store: 'dynamodb',
    basis: `DynamoDB global table ${t.primary.ordersTable}: item written in ${t.primary.region}, read from the ${t.secondary.region} replica (asynchronous replication, typically under 1 s)`,
    async write(id, at) {
      const { keySchema } = await describeTable(clients(t.primary.region), t.primary.ordersTable);
      key = Object.fromEntries(
        keySchema.map((k) => [k.name, k.type === 'N' ? { N: String(at) } : { S: `drill#${id}` }]),
      ) as Item;
      await putItem(clients(t.primary.region), t.primary.ordersTable, {
        ...key,
        kind: { S: 'drill-canary' },
        drillId: { S: id },
        writtenAt: { S: new Date(at).toISOString() },
        expiresAt: { N: String(Math.floor(at / 1000) + 7 * 86400) },
      });
      return {
        table: t.primary.ordersTable,
        region: t.primary.region,
        key: Object.fromEntries(Object.entries(key).map(([k, v]) => [k, v.S ?? v.N])),
      };
    },
    async present() {
      if (!key) return false;
      return Boolean(await getItem(clients(t.secondary.region), t.secondary.ordersTable, key));
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
      await putObject(clients(t.primary.region), {
        bucket: t.primary.assetsBucket,
        key: keyFor(id),
        body: JSON.stringify({ drillId: id, writtenAt: new Date(at).toISOString() }),
        contentType: 'application/json',
      });
      return { bucket: t.primary.assetsBucket, key: keyFor(id) };
    },
    present: (id) => objectExists(clients(t.secondary.region), t.secondary.assetsBucket, keyFor(id)),
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
  const lag = await latestReplicaLag(clients(t.secondary.region), t.secondary.dbIdentifier, at);
  return {
    seconds: lag ? lag.seconds : null,
    basis: `RDS ReplicaLag of ${t.secondary.dbIdentifier} (CloudWatch, ${t.secondary.region}) at fault injection${lag ? `, datapoint of ${new Date(lag.at).toISOString()}` : ': no datapoint'}; no canary row (no database client configured)`,
  };
}
