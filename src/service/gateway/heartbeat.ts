// The heartbeat: while this instance's database is the writer, one row per region in drctl_heartbeat is rewritten every
// few seconds. An idle PostgreSQL source reports replica lag of minutes (lag is measured from the last commit, and WAL
// switches only every few minutes), so without steady writes the engine's lag metric measures idleness, not lag, and
// the RPO guard would refuse a promotion it should allow. The loop runs beside the request path: it never blocks a
// request, never throws out of the process, and stays quiet while the region is fenced or its database is a reader.
import { setTimeout as delay } from 'node:timers/promises';
import type { Reporter } from '../../io/messages.js';
import { withPgSession, type PgSessionOptions } from '../../postgres/session.js';

/** The table the heartbeat writes; the data engine's lag metric moves with it. */
export const HEARTBEAT_TABLE = 'drctl_heartbeat';

/** The range the compute template's HeartbeatIntervalSeconds allows: above 10 s the lag metric stops being real lag. */
export const HEARTBEAT_INTERVAL_RANGE = { min: 1, max: 10, default: 5 } as const;

const CREATE_TABLE = `create table if not exists ${HEARTBEAT_TABLE} (region text primary key, beat_at timestamptz not null)`;
const UPSERT = `insert into ${HEARTBEAT_TABLE} (region, beat_at) values ($1, now()) on conflict (region) do update set beat_at = excluded.beat_at`;

/** SQLSTATE undefined_table: the table was dropped (or the writer changed to a database without it). */
const UNDEFINED_TABLE = '42P01';
/** Failures are logged on the first one and then once per this many, so a long outage is a line a minute, not a flood. */
const LOG_EVERY_FAILURES = 12;

export type BeatOutcome = 'written' | 'fenced' | 'reader' | 'failed';

export interface HeartbeatStats {
  state: BeatOutcome | 'starting' | 'stopped';
  written: number;
  skippedFenced: number;
  skippedReader: number;
  failures: number;
  consecutiveFailures: number;
  lastWrittenAt: string | null;
  lastError: string | null;
  intervalMs: number;
}

export interface HeartbeatDeps {
  region: string;
  intervalMs: number;
  /** The database this instance talks to (its credentials, TLS and timeouts), as the health probe uses it. */
  database: PgSessionOptions;
  /** The region's maintenance flag: while it is on the region is fenced and the heartbeat writes nothing. */
  maintenance: { isOn(signal?: AbortSignal): Promise<boolean> };
  reporter: Reporter;
  now?: () => number;
  /** Waits between beats; tests pass their own to count the waits without real time passing. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export class Heartbeat {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly stats: HeartbeatStats;
  private tableReady = false;
  private stopper: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: HeartbeatDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.stats = {
      state: 'starting',
      written: 0,
      skippedFenced: 0,
      skippedReader: 0,
      failures: 0,
      consecutiveFailures: 0,
      lastWrittenAt: null,
      lastError: null,
      intervalMs: deps.intervalMs,
    };
  }

  /** A copy of the counters (served by GET /live, which must not touch any dependency). */
  snapshot(): HeartbeatStats {
    return { ...this.stats };
  }

  /** One beat: never throws; the outcome says what happened. */
  async beat(): Promise<BeatOutcome> {
    const outcome = await this.attempt().catch((err: unknown) => this.failed(err));
    if (outcome !== 'failed') this.recovered(outcome);
    return outcome;
  }

  /** Beats now and then every interval until stop(); a second start() is a no-op. */
  start(): void {
    if (this.loop) return;
    const stopper = (this.stopper = new AbortController());
    this.loop = (async () => {
      while (!stopper.signal.aborted) {
        await this.beat();
        await this.sleep(this.deps.intervalMs, stopper.signal).catch(() => undefined);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopper?.abort();
    await this.loop;
    this.loop = undefined;
    this.stats.state = 'stopped';
  }

  private async attempt(): Promise<BeatOutcome> {
    // A fenced region takes no writes, and the heartbeat is a write: stopping it is part of the fence.
    if (await this.deps.maintenance.isOn(AbortSignal.timeout(this.deps.database.timeoutMs))) return 'fenced';
    return withPgSession(this.deps.database, async (client) => {
      const r = await client.query<{ in_recovery: boolean }>('select pg_is_in_recovery() as in_recovery');
      if (r.rows[0]?.in_recovery) return 'reader';
      if (!this.tableReady) {
        await client.query(CREATE_TABLE);
        this.tableReady = true;
      }
      try {
        await client.query(UPSERT, [this.deps.region]);
      } catch (err) {
        if ((err as { code?: string }).code !== UNDEFINED_TABLE) throw err;
        await client.query(CREATE_TABLE);
        await client.query(UPSERT, [this.deps.region]);
      }
      return 'written';
    });
  }

  private recovered(outcome: Exclude<BeatOutcome, 'failed'>): void {
    const s = this.stats;
    if (s.consecutiveFailures > 0)
      this.deps.reporter.emit({
        code: 'GATEWAY_HEARTBEAT_RECOVERED',
        level: 'info',
        text: `heartbeat ${outcome} again after ${s.consecutiveFailures} failed beat(s)`,
        data: { region: this.deps.region, outcome, failedBeats: s.consecutiveFailures },
      });
    else if (outcome !== s.state && s.state !== 'starting')
      this.deps.reporter.emit({
        code: 'GATEWAY_HEARTBEAT_STATE',
        level: 'info',
        text: `heartbeat ${s.state} -> ${outcome}`,
        data: { region: this.deps.region, from: s.state, to: outcome },
      });
    s.consecutiveFailures = 0;
    s.state = outcome;
    if (outcome === 'written') {
      s.written++;
      s.lastWrittenAt = new Date(this.now()).toISOString();
    } else if (outcome === 'fenced') s.skippedFenced++;
    else s.skippedReader++;
  }

  private failed(err: unknown): 'failed' {
    const s = this.stats;
    s.failures++;
    s.consecutiveFailures++;
    s.state = 'failed';
    s.lastError = `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`;
    // The table may have gone with the connection (a new writer): check it again on the next beat.
    this.tableReady = false;
    if (s.consecutiveFailures === 1 || s.consecutiveFailures % LOG_EVERY_FAILURES === 0)
      this.deps.reporter.emit({
        code: 'GATEWAY_HEARTBEAT_FAILED',
        level: 'warn',
        text: `heartbeat to ${this.deps.database.host}:${this.deps.database.port} failed (${s.consecutiveFailures} in a row, ${s.failures} in all): ${s.lastError}`,
        data: {
          region: this.deps.region,
          endpoint: `${this.deps.database.host}:${this.deps.database.port}`,
          consecutiveFailures: s.consecutiveFailures,
          failures: s.failures,
          error: s.lastError,
        },
      });
    return 'failed';
  }
}
