import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgDbCanary } from '../../src/drill/db-canary.js';
import { postgresAvailable, startPrimaryAndStandby, type LocalPostgres } from '../helpers/local-postgres.js';

// Runs where the PostgreSQL server binaries are installed (CI installs them, and there a missing server is a
// failure, not a skip); elsewhere the drill's RDS canary is covered by the test double in drill.test.ts.
if (process.env.CI && !postgresAvailable())
  throw new Error("CI must have the PostgreSQL server binaries: .ci/run installs Debian's postgresql package.");
describe.skipIf(!postgresAvailable())('pgDbCanary against a real primary and streaming standby', () => {
  let pg: LocalPostgres;
  beforeAll(async () => {
    pg = await startPrimaryAndStandby();
  }, 90_000);
  afterAll(() => pg?.stop());

  const credentials = async () => ({ username: 'test', password: 'unused-with-trust' });

  it('writes the row on the writer and finds it on the replica once replicated', async () => {
    const canary = pgDbCanary({ writer: pg.primary, replica: pg.standby, credentials, tls: false, timeoutMs: 3_000 });
    expect(await canary.presentOnReplica('drill-1')).toBe(false); // the table itself has not reached the replica
    await canary.write('drill-1', new Date('2026-01-05T12:00:00Z'));
    let seen = false;
    for (let k = 0; k < 50 && !seen; k++) {
      seen = await canary.presentOnReplica('drill-1');
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe(true);
    expect(await canary.presentOnReplica('drill-2')).toBe(false);
    await canary.write('drill-1', new Date()); // idempotent
  });

  it('cannot write the canary on a replica', async () => {
    const wrong = pgDbCanary({ writer: pg.standby, replica: pg.standby, credentials, tls: false, timeoutMs: 3_000 });
    await expect(wrong.write('drill-3', new Date())).rejects.toThrow(/read-only transaction/);
  });
});
