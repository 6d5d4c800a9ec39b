import net from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryReporter } from '../../src/io/reporters.js';
import { HEARTBEAT_TABLE, Heartbeat } from '../../src/service/gateway/heartbeat.js';
import { postgresAvailable, startPrimaryAndStandby, type LocalPostgres } from '../helpers/local-postgres.js';

// Against a real primary and streaming standby: the heartbeat's SQL, its read-only detection and its reconnects are
// PostgreSQL behaviour a double would only restate.
if (process.env.CI && !postgresAvailable())
  throw new Error("CI must have the PostgreSQL server binaries: .ci/run installs Debian's postgresql package.");

const credentials = async () => ({ username: 'test', password: 'unused-with-trust' });

/** A TCP forwarder on a fixed port that can be cut (the database unreachable) and restored on the same port. */
class CuttableLink {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: number) {}
  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', r));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = undefined;
  }
}

describe.skipIf(!postgresAvailable())('gateway heartbeat against a real primary and streaming standby', () => {
  let db: LocalPostgres;
  beforeAll(async () => {
    db = await startPrimaryAndStandby();
  }, 90_000);
  afterAll(() => db?.stop());

  const query = async <T extends pg.QueryResultRow>(at: { port: number }, sql: string): Promise<T[]> => {
    const c = new pg.Client({ host: '127.0.0.1', port: at.port, user: 'test', database: 'postgres' });
    await c.connect();
    try {
      return (await c.query<T>(sql)).rows;
    } finally {
      await c.end();
    }
  };
  const rows = (at: { port: number }) =>
    query<{ region: string; beat_at: Date }>(at, `select region, beat_at from ${HEARTBEAT_TABLE} order by region`);

  const heartbeat = (
    at: { host: string; port: number },
    opts: { region?: string; fenced?: () => boolean; sleep?: (ms: number, s: AbortSignal) => Promise<void> } = {},
  ) => {
    const reporter = new MemoryReporter();
    const hb = new Heartbeat({
      region: opts.region ?? 'us-east-1',
      intervalMs: 5000,
      database: { ...at, credentials, tls: false, timeoutMs: 2000 },
      maintenance: { isOn: async () => opts.fenced?.() ?? false },
      reporter,
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
    });
    return { hb, reporter };
  };

  it('creates the table and keeps one row per region up to date on the writer', async () => {
    const { hb } = heartbeat(db.primary);
    expect(await hb.beat()).toBe('written');
    const first = await rows(db.primary);
    expect(first.map((r) => r.region)).toEqual(['us-east-1']);
    await new Promise((r) => setTimeout(r, 20));
    expect(await hb.beat()).toBe('written');
    const second = await rows(db.primary);
    expect(second).toHaveLength(1);
    expect(second[0]!.beat_at.getTime()).toBeGreaterThan(first[0]!.beat_at.getTime());
    expect(hb.snapshot()).toMatchObject({ state: 'written', written: 2, failures: 0 });
  });

  it('writes nothing on a read-only reader, and does not fail or crash', async () => {
    const before = await rows(db.primary);
    const { hb, reporter } = heartbeat(db.standby, { region: 'us-west-2' });
    expect(await hb.beat()).toBe('reader');
    expect(await hb.beat()).toBe('reader');
    expect(hb.snapshot()).toMatchObject({ state: 'reader', written: 0, skippedReader: 2, failures: 0 });
    expect(reporter.messages.filter((m) => m.level === 'warn' || m.level === 'error')).toEqual([]);
    expect((await rows(db.primary)).map((r) => r.region)).toEqual(before.map((r) => r.region));
  });

  it('stops writing while the region is fenced by its maintenance flag, and resumes after', async () => {
    let fenced = true;
    const { hb } = heartbeat(db.primary, { region: 'fenced-region', fenced: () => fenced });
    expect(await hb.beat()).toBe('fenced');
    expect((await rows(db.primary)).some((r) => r.region === 'fenced-region')).toBe(false);
    fenced = false;
    expect(await hb.beat()).toBe('written');
    expect((await rows(db.primary)).some((r) => r.region === 'fenced-region')).toBe(true);
    expect(hb.snapshot()).toMatchObject({ skippedFenced: 1, written: 1 });
  });

  it('counts and logs a lost database without throwing, and reconnects when it is back', async () => {
    const link = new CuttableLink(db.primary.port);
    await link.open();
    const { hb, reporter } = heartbeat({ host: '127.0.0.1', port: link.port }, { region: 'reconnect-region' });
    expect(await hb.beat()).toBe('written');
    await link.cut();
    for (let k = 0; k < 3; k++) expect(await hb.beat()).toBe('failed');
    expect(hb.snapshot()).toMatchObject({ state: 'failed', failures: 3, consecutiveFailures: 3 });
    expect(hb.snapshot().lastError).toMatch(/ECONNREFUSED/);
    // One warning for the outage, not one per beat.
    expect(reporter.messages.filter((m) => m.code === 'GATEWAY_HEARTBEAT_FAILED')).toHaveLength(1);
    await link.open();
    expect(await hb.beat()).toBe('written');
    expect(hb.snapshot()).toMatchObject({ state: 'written', written: 2, consecutiveFailures: 0, failures: 3 });
    expect(reporter.messages.some((m) => m.code === 'GATEWAY_HEARTBEAT_RECOVERED')).toBe(true);
    await link.cut();
  });

  it('re-creates the table when it disappears under a running heartbeat', async () => {
    const { hb } = heartbeat(db.primary, { region: 'recreate-region' });
    expect(await hb.beat()).toBe('written');
    await query(db.primary, `drop table ${HEARTBEAT_TABLE}`);
    expect(await hb.beat()).toBe('written');
    expect((await rows(db.primary)).map((r) => r.region)).toEqual(['recreate-region']);
  });

  it('beats once per interval until stopped', async () => {
    const waits: number[] = [];
    const ref: { hb?: Heartbeat } = {};
    const sleep = async (ms: number) => {
      waits.push(ms);
      if (waits.length === 4) void ref.hb?.stop();
      await new Promise((r) => setImmediate(r));
    };
    const { hb } = heartbeat(db.primary, { region: 'loop-region', sleep });
    ref.hb = hb;
    hb.start();
    hb.start(); // a second start is no second loop
    await new Promise<void>((resolve) => {
      const poll = () => (hb.snapshot().state === 'stopped' ? resolve() : setTimeout(poll, 10));
      poll();
    });
    expect(waits).toEqual([5000, 5000, 5000, 5000]);
    expect(hb.snapshot().written).toBe(4);
  });
});
