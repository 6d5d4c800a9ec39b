// The RDS canary against the RDS double: a row written on the writer appears on the replica `lagMs` later, as
// long as the secondary instance is (or was, when the row arrived) replicating from the primary.
import type { DbCanary } from '../../src/drill/db-canary.js';
import { PRIMARY, SECONDARY, type World } from '../failover-ops/world.js';

export class FakeDbCanary implements DbCanary {
  readonly basis = 'canary row on the writer, read on the replica (test double)';
  readonly rows = new Map<string, number>();
  lagMs = 3_000;
  writable = true;
  constructor(private readonly w: World) {}

  async write(id: string, at: Date): Promise<void> {
    if (!this.writable) throw new Error('connect ETIMEDOUT 10.0.3.12:5432');
    const db = this.w.aws.rds.instance(PRIMARY, this.w.names.primary.dbIdentifier);
    if (!db || db.sourceArn) throw new Error('cannot execute INSERT in a read-only transaction');
    this.rows.set(id, at.getTime());
  }

  async presentOnReplica(id: string): Promise<boolean> {
    const written = this.rows.get(id);
    const replica = this.w.aws.rds.instance(SECONDARY, this.w.names.secondary.dbIdentifier);
    return written !== undefined && replica !== undefined && this.w.clock.now() >= written + this.lagMs;
  }
}
