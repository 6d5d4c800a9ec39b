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
export function dynamoCanary(topology: Topology, clients: ClientFactory): Canary {
  let key: Item | undefined;
  return {
    store: 'dynamodb',
    basis: `DynamoDB global table ${topology.primary.ordersTable}: item written in ${topology.primary.region}, read from the ${topology.secondary.region} replica (asynchronous replication, typically under 1 s)`,
    async write(id, at) {
      const { keySchema } = await describeTable(clients(topology.primary.region), topology.primary.ordersTable);
      key = Object.fromEntries(
        keySchema.map((k) => [k.name, k.type === 'N' ? { N: String(at) } : { S: `drill#${id}` }]),
      ) as Item;
      await putItem(clients(topology.primary.region), topology.primary.ordersTable, {
        ...key,
        kind: { S: 'drill-canary' },
        drillId: { S: id },
        writtenAt: { S: new Date(at).toISOString() },
        expiresAt: { N: String(Math.floor(at / 1000) + 7 * 86400) },
      });
      return {
        table: topology.primary.ordersTable,
        region: topology.primary.region,
        key: Object.fromEntries(Object.entries(key).map(([k, v]) => [k, v.S ?? v.N])),
      };
    },
    async present() {
      if (!key) return false;
      return Boolean(await getItem(clients(topology.secondary.region), topology.secondary.ordersTable, key));
    },
  };
}

/** An object in the primary assets bucket, looked for in the replica bucket with HeadObject. */
export function s3Canary(topology: Topology, clients: ClientFactory): Canary {
  const keyFor = (id: string) => `drills/${id}/canary.json`;
  return {
    store: 's3',
    basis: `S3 cross-region replication ${topology.primary.assetsBucket} → ${topology.secondary.assetsBucket} (seconds typical; 15 min guaranteed only with Replication Time Control)`,
    async write(id, at) {
      await putObject(clients(topology.primary.region), {
        bucket: topology.primary.assetsBucket,
        key: keyFor(id),
        body: JSON.stringify({ drillId: id, writtenAt: new Date(at).toISOString() }),
        contentType: 'application/json',
      });
      return { bucket: topology.primary.assetsBucket, key: keyFor(id) };
    },
    present: (id) => objectExists(clients(topology.secondary.region), topology.secondary.assetsBucket, keyFor(id)),
  };
}

/** The RDS canary row, through the injected database writer. */
export function rdsCanary(topology: Topology, db: DbCanary): Canary {
  return {
    store: 'rds',
    basis: `RDS ${topology.primary.dbIdentifier} → ${topology.secondary.dbIdentifier}: ${db.basis}`,
    async write(id, at) {
      await db.write(id, new Date(at));
      return { writer: topology.primary.dbIdentifier, replica: topology.secondary.dbIdentifier };
    },
    present: (id) => db.presentOnReplica(id),
  };
}

/** Without a database client the RDS figure is the replica's ReplicaLag when the fault was injected. */
export async function rdsLagFigure(
  topology: Topology,
  clients: ClientFactory,
  at: number,
): Promise<{ seconds: number | null; basis: string }> {
  const lag = await latestReplicaLag(clients(topology.secondary.region), topology.secondary.dbIdentifier, at);
  return {
    seconds: lag ? lag.seconds : null,
    basis: `RDS ReplicaLag of ${topology.secondary.dbIdentifier} (CloudWatch, ${topology.secondary.region}) at fault injection${lag ? `, datapoint of ${new Date(lag.at).toISOString()}` : ': no datapoint'}; no canary row (no database client configured)`,
  };
}
