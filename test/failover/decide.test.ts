import { describe, expect, it } from 'vitest';
import { decide, decideRequested, lagAtOutage } from '../../src/failover/controller/decide.js';
import {
  initialState,
  type ControllerConfig,
  type ControllerState,
  type Observation,
} from '../../src/failover/controller/model.js';

const T0 = Date.parse('2026-01-05T12:00:00Z');
const MIN = 60_000;
const cfg: ControllerConfig = {
  role: 'secondary',
  enabled: true,
  windowSeconds: 180,
  rpoGuardSeconds: 30,
  lagMaxAgeSeconds: 180,
  repageSeconds: 900,
};

const healthy: Omit<Observation, 'at'> = {
  peerHealth: 'healthy',
  peerAlb: 'healthy',
  dns: 'peer',
  selfHealth: 'healthy',
  replicaLag: [],
  database: { isReplica: true, status: 'available' },
};
const down: Omit<Observation, 'at'> = { ...healthy, peerHealth: 'unhealthy', peerAlb: 'unhealthy', dns: 'self' };
/** Lag datapoints every minute before T0, the value given. */
const lag = (seconds: number, upTo = T0) => [0, 1, 2].map((k) => ({ at: upTo - k * MIN, seconds }));

type Step = Partial<Omit<Observation, 'at'>> & { base?: Omit<Observation, 'at'> };

/** Feeds one observation per minute starting at T0 and returns every decision. */
function run(steps: Step[], config: ControllerConfig = cfg, start: ControllerState = initialState()) {
  let state = start;
  return steps.map((s, i) => {
    const { base = down, ...over } = s;
    const d = decide({ ...base, ...over, at: T0 + i * MIN }, state, config);
    state = d.state;
    return d;
  });
}

const goodLag = { replicaLag: lag(4) };
const PRIMARY_DB = 'db-dev.abcdefgh.us-east-1.rds.amazonaws.com';
/** The primary region back after a failover it did not see: its database a standalone writer, its flag off. */
const primaryBack: Step = {
  base: healthy,
  dns: 'peer',
  maintenanceOn: false,
  database: { isReplica: false, status: 'available', endpoint: PRIMARY_DB },
  peerWriter: { databaseRole: 'writer', writerEndpoint: 'db-dev.abcdefgh.us-west-2.rds.amazonaws.com' },
};

describe('decide (table)', () => {
  const underWay: ControllerState = {
    ...initialState(),
    version: 7,
    promotion: { status: 'started', startedAt: T0 - 2 * MIN, completedSteps: ['promote-database'] },
  };
  const cases: {
    name: string;
    steps: Step[];
    config?: Partial<ControllerConfig>;
    start?: ControllerState;
    expect: { kind: string; code: string; notify?: boolean };
  }[] = [
    {
      name: 'healthy peer: nothing to do',
      steps: [{ base: healthy }, { base: healthy }],
      expect: { kind: 'none', code: 'PEER_HEALTHY' },
    },
    {
      name: 'sustained outage, healthy self, fresh low lag: promote',
      steps: [goodLag, {}, {}, {}],
      expect: { kind: 'promote', code: 'PROMOTE' },
    },
    { name: 'window not yet elapsed', steps: [goodLag, {}, {}], expect: { kind: 'none', code: 'WINDOW_NOT_ELAPSED' } },
    {
      name: 'flapping: one healthy probe in the window resets the streak',
      steps: [goodLag, {}, { peerHealth: 'healthy' }, {}, {}, {}],
      expect: { kind: 'none', code: 'WINDOW_NOT_ELAPSED' },
    },
    {
      name: 'flapping keeps resetting: never promotes',
      steps: [goodLag, {}, { base: healthy }, {}, {}, { base: healthy }, {}, {}],
      expect: { kind: 'none', code: 'WINDOW_NOT_ELAPSED' },
    },
    {
      name: 'partial loss of signals (health probe cannot run): page after window',
      steps: [
        { ...goodLag, peerHealth: 'unknown' },
        { peerHealth: 'unknown' },
        { peerHealth: 'unknown' },
        { peerHealth: 'unknown' },
      ],
      expect: { kind: 'page', code: 'SIGNALS_MISSING', notify: true },
    },
    {
      name: 'partial loss of signals within window: watch only',
      steps: [{ ...goodLag, dns: 'unknown' }, { dns: 'unknown' }],
      expect: { kind: 'none', code: 'SUSPECT' },
    },
    {
      name: 'primary fails probes but DNS not failed over',
      steps: [{ ...goodLag, dns: 'peer' }, { dns: 'peer' }, { dns: 'peer' }, { dns: 'peer' }],
      expect: { kind: 'page', code: 'DNS_NOT_FAILED_OVER' },
    },
    {
      name: 'primary alive but DNS failed over',
      steps: [
        { base: healthy, dns: 'self' },
        { base: healthy, dns: 'self' },
        { base: healthy, dns: 'self' },
        { base: healthy, dns: 'self' },
      ],
      expect: { kind: 'page', code: 'PEER_ALIVE_DNS_FAILED_OVER' },
    },
    {
      name: 'application outage in the primary (its ALB still accepts connections): page, never promote',
      steps: [
        { ...goodLag, peerAlb: 'healthy' },
        { peerAlb: 'healthy' },
        { peerAlb: 'healthy' },
        { peerAlb: 'healthy' },
        { peerAlb: 'healthy' },
      ],
      expect: { kind: 'page', code: 'SIGNALS_DISAGREE' },
    },
    {
      name: 'flapping DNS (Route 53 flips back and forth): never promotes',
      steps: [goodLag, { dns: 'peer' }, {}, { dns: 'peer' }, {}, { dns: 'peer' }, {}],
      expect: { kind: 'none', code: 'WINDOW_NOT_ELAPSED' },
    },
    {
      name: 'promotion already under way: resume the remaining steps, even with the peer back',
      steps: [{ base: healthy }],
      start: underWay,
      expect: { kind: 'resume-promotion', code: 'PROMOTION_IN_PROGRESS' },
    },
    {
      name: 'promotion already under way and signals still down: no second promotion',
      steps: [goodLag, {}, {}, {}, {}],
      start: underWay,
      expect: { kind: 'resume-promotion', code: 'PROMOTION_IN_PROGRESS' },
    },
    {
      name: 'lag too high at the outage',
      steps: [{ replicaLag: lag(45) }, {}, {}, {}],
      expect: { kind: 'page', code: 'LAG_TOO_HIGH' },
    },
    {
      name: 'negative lag (replication broken) counts as too high',
      steps: [{ replicaLag: lag(-1) }, {}, {}, {}],
      expect: { kind: 'page', code: 'LAG_TOO_HIGH' },
    },
    { name: 'lag metric missing', steps: [{}, {}, {}, {}], expect: { kind: 'page', code: 'LAG_MISSING' } },
    {
      name: 'lag metric stale',
      steps: [{ replicaLag: lag(4, T0 - 10 * MIN) }, {}, {}, {}],
      expect: { kind: 'page', code: 'LAG_STALE' },
    },
    {
      name: 'lag that grows after the outage does not block (RDS reports growing lag with the source gone)',
      steps: [
        { replicaLag: [...lag(4), { at: T0 + MIN, seconds: 70 }] },
        { replicaLag: [{ at: T0 + 2 * MIN, seconds: 130 }] },
        {},
        {},
      ],
      expect: { kind: 'promote', code: 'PROMOTE' },
    },
    {
      name: 'lag is read when the probes first failed, not when Route 53 later failed over (lag grows meanwhile)',
      steps: [
        { ...goodLag, dns: 'peer' },
        { dns: 'peer', replicaLag: [{ at: T0 + MIN, seconds: 60 }] },
        { dns: 'peer', replicaLag: [{ at: T0 + 2 * MIN, seconds: 120 }] },
        { replicaLag: [{ at: T0 + 3 * MIN, seconds: 180 }] },
        {},
        {},
        {},
      ],
      expect: { kind: 'promote', code: 'PROMOTE' },
    },
    {
      name: 'a recovery between blips starts a new episode: lag from the second episode counts',
      steps: [
        { ...goodLag, dns: 'peer' },
        { base: healthy, replicaLag: [{ at: T0 + MIN, seconds: 45 }] },
        { dns: 'peer' },
        {},
        {},
        {},
        {},
      ],
      expect: { kind: 'page', code: 'LAG_TOO_HIGH' },
    },
    {
      name: 'secondary (self) unhealthy',
      steps: [goodLag, {}, {}, { selfHealth: 'unhealthy' }],
      expect: { kind: 'page', code: 'SELF_UNHEALTHY' },
    },
    {
      name: 'self health unknown is not healthy',
      steps: [goodLag, {}, {}, { selfHealth: 'unknown' }],
      expect: { kind: 'page', code: 'SELF_UNHEALTHY' },
    },
    {
      name: 'replica not available (backing up)',
      steps: [goodLag, {}, {}, { database: { isReplica: true, status: 'backing-up' } }],
      expect: { kind: 'page', code: 'REPLICA_NOT_AVAILABLE' },
    },
    {
      name: 'replica cannot be described',
      steps: [goodLag, {}, {}, { database: undefined }],
      expect: { kind: 'page', code: 'DATABASE_UNKNOWN' },
    },
    {
      name: 'disabled: page instead of promoting',
      steps: [goodLag, {}, {}, {}],
      config: { enabled: false },
      expect: { kind: 'page', code: 'PROMOTION_DISABLED' },
    },
    {
      name: 'already a writer in the secondary (operator promoted)',
      steps: [{ ...goodLag, database: { isReplica: false, status: 'available' } }],
      expect: { kind: 'already-promoted', code: 'ALREADY_WRITER' },
    },
    {
      name: 'primary role, its standby down for the window: page, never promote',
      steps: [{}, {}, {}, {}].map((s) => ({
        ...s,
        dns: 'self' as const,
        database: { isReplica: false, status: 'available' },
      })),
      config: { role: 'primary', enabled: false },
      expect: { kind: 'page', code: 'PEER_DOWN' },
    },
    {
      name: 'primary role in normal operation (DNS answers with itself): nothing',
      steps: [
        { base: healthy, dns: 'self', database: { isReplica: false, status: 'available' } },
        { base: healthy, dns: 'self', database: { isReplica: false, status: 'available' } },
        { base: healthy, dns: 'self', database: { isReplica: false, status: 'available' } },
        { base: healthy, dns: 'self', database: { isReplica: false, status: 'available' } },
      ],
      config: { role: 'primary', enabled: false },
      expect: { kind: 'none', code: 'LOCAL_WRITER' },
    },
    {
      name: 'primary back after a failover (stale writer, flag off, the peer reports the writer): fence itself',
      steps: [{ ...primaryBack }],
      config: { role: 'primary', enabled: false },
      expect: { kind: 'fence-self', code: 'PEER_IS_WRITER' },
    },
    {
      name: 'primary back after a failover with its flag unreadable: fence itself all the same',
      steps: [{ ...primaryBack, maintenanceOn: undefined }],
      config: { role: 'primary', enabled: false },
      expect: { kind: 'fence-self', code: 'PEER_IS_WRITER' },
    },
    {
      name: 'primary already fenced while the peer holds the writer: nothing more',
      steps: [{ ...primaryBack, maintenanceOn: true }],
      config: { role: 'primary', enabled: false },
      expect: { kind: 'none', code: 'FENCED' },
    },
    {
      name: 'primary during failback (its database is a replica of the peer again): not fenced by the controller',
      steps: [{ ...primaryBack, database: { isReplica: true, status: 'available', endpoint: PRIMARY_DB } }],
      config: { role: 'primary', enabled: false },
      expect: { kind: 'none', code: 'LOCAL_WRITER' },
    },
    {
      name: 'primary whose peer names this region as the writer (failback switched): not fenced',
      steps: [{ ...primaryBack, peerWriter: { databaseRole: 'writer', writerEndpoint: PRIMARY_DB } }],
      config: { role: 'primary', enabled: false },
      expect: { kind: 'none', code: 'LOCAL_WRITER' },
    },
    {
      name: 'primary whose peer does not say (unreachable): not fenced on a guess',
      steps: [{ ...primaryBack, peerWriter: { databaseRole: undefined, writerEndpoint: undefined } }],
      config: { role: 'primary', enabled: false },
      expect: { kind: 'none', code: 'LOCAL_WRITER' },
    },
    {
      name: 'the secondary never fences itself, whatever the peer says',
      steps: [
        { ...primaryBack, base: healthy, database: { isReplica: true, status: 'available', endpoint: 'db.us-west-2' } },
      ],
      expect: { kind: 'none', code: 'PEER_HEALTHY' },
    },
    {
      name: 'primary role with its database unreadable never reaches a promotion path',
      steps: [
        { base: healthy, dns: 'self', database: undefined },
        { base: healthy, dns: 'self', database: undefined },
        { base: healthy, dns: 'self', database: undefined },
        { base: healthy, dns: 'self', database: undefined },
      ],
      config: { role: 'primary', enabled: true },
      expect: { kind: 'none', code: 'LOCAL_WRITER' },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const decisions = run(c.steps, { ...cfg, ...c.config }, c.start);
      const last = decisions.at(-1)!;
      expect({ kind: last.action.kind, code: last.code }).toEqual({ kind: c.expect.kind, code: c.expect.code });
      if (c.expect.notify !== undefined) expect(last.action).toMatchObject({ notify: c.expect.notify });
      // Promotion is decided at most once in any sequence, and only in the sequences that expect it.
      expect(decisions.filter((d) => d.action.kind === 'promote').length).toBe(c.expect.kind === 'promote' ? 1 : 0);
      expect(last.reason.length).toBeGreaterThan(10);
    });
  }
});

describe('decide (state)', () => {
  it('resumes an unfinished promotion whatever the signals say, with only the remaining steps', () => {
    const [, , , promoted] = run([goodLag, {}, {}, {}]);
    expect(promoted!.action.kind).toBe('promote');
    const st = {
      ...promoted!.state,
      promotion: { ...promoted!.state.promotion, completedSteps: ['raise-capacity' as const] },
    };
    const d = decide({ ...healthy, at: T0 + 5 * MIN }, st, cfg);
    expect(d.action).toEqual({
      kind: 'resume-promotion',
      steps: ['promote-database', 'update-writer-endpoint', 'notify'],
    });
    expect(d.code).toBe('PROMOTION_IN_PROGRESS');
  });

  it('reports already-promoted once the promotion completed, and re-arms when failback made the database a replica again', () => {
    const st: ControllerState = {
      ...initialState(),
      promotion: { status: 'completed', completedSteps: ['promote-database'], completedAt: T0 },
    };
    expect(decide({ ...down, database: { isReplica: false, status: 'available' }, at: T0 }, st, cfg).action.kind).toBe(
      'already-promoted',
    );
    expect(decide({ ...healthy, database: { isReplica: true, status: 'creating' }, at: T0 }, st, cfg).action.kind).toBe(
      'already-promoted',
    );
    const rearmed = decide({ ...healthy, at: T0 + MIN }, st, cfg);
    expect(rearmed).toMatchObject({ code: 'REARMED', action: { kind: 'none' } });
    expect(rearmed.state.promotion).toEqual({ status: 'none', completedSteps: [] });
  });

  it('pages once per reason within the re-page interval', () => {
    const ds = run([{ replicaLag: lag(45) }, {}, {}, {}, {}, {}]);
    expect(ds.slice(3).map((d) => d.action)).toEqual([
      { kind: 'page', notify: true },
      { kind: 'page', notify: false },
      { kind: 'page', notify: false },
    ]);
    // A different reason pages again at once.
    const next = decide({ ...down, selfHealth: 'unhealthy', at: T0 + 6 * MIN }, ds.at(-1)!.state, cfg);
    expect(next).toMatchObject({ code: 'SELF_UNHEALTHY', action: { notify: true } });
  });

  it('records the lag it promoted on and bounds history', () => {
    const ds = run([goodLag, ...Array.from({ length: 40 }, () => ({ peerHealth: 'healthy' as const }))]);
    expect(ds.at(-1)!.state.history).toHaveLength(30);
    const [, , , p] = run([goodLag, {}, {}, {}]);
    expect(p!.state.promotion).toMatchObject({ status: 'started', lagAtDecision: { at: T0, seconds: 4 } });
  });

  it('restarts the streak after a gap in observations longer than the window', () => {
    let st = initialState();
    for (const minute of [0, 1, 10, 11])
      st = decide({ ...down, replicaLag: lag(4, T0 + 9 * MIN), at: T0 + minute * MIN }, st, cfg).state;
    expect(st.firstUnhealthyAt).toBe(T0 + 10 * MIN);
    expect(decide({ ...down, at: T0 + 12 * MIN }, st, cfg).code).toBe('WINDOW_NOT_ELAPSED');
    expect(
      decide({ ...down, at: T0 + 13 * MIN }, decide({ ...down, at: T0 + 12 * MIN }, st, cfg).state, cfg).code,
    ).toBe('PROMOTE');
  });

  it('keeps the streak across a long schedule interval (10 min) and promotes on the second observation', () => {
    const slow = { ...cfg, windowSeconds: 120, scheduleSeconds: 600 };
    const first = decide({ ...down, replicaLag: lag(4), at: T0 }, initialState(), slow);
    expect(first.code).toBe('WINDOW_NOT_ELAPSED');
    expect(decide({ ...down, at: T0 + 10 * MIN }, first.state, slow).code).toBe('PROMOTE');
  });

  it('honours an operator request once, then resumes or reports it', () => {
    const req = decideRequested(T0, initialState());
    expect(req).toMatchObject({ code: 'PROMOTION_REQUESTED', action: { kind: 'promote' } });
    expect(decideRequested(T0 + MIN, req.state).action).toEqual({
      kind: 'resume-promotion',
      steps: ['promote-database', 'raise-capacity', 'update-writer-endpoint', 'notify'],
    });
    const done: ControllerState = { ...req.state, promotion: { ...req.state.promotion, status: 'completed' } };
    expect(decideRequested(T0 + 2 * MIN, done).action.kind).toBe('already-promoted');
  });

  it('picks the last lag datapoint taken before the outage', () => {
    expect(
      lagAtOutage(
        [
          { at: 1, seconds: 2 },
          { at: 5, seconds: 3 },
          { at: 9, seconds: 50 },
        ],
        6,
      ),
    ).toEqual({ at: 5, seconds: 3 });
    expect(lagAtOutage([{ at: 9, seconds: 50 }], 6)).toBeUndefined();
  });
});
