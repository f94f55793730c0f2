import pg from 'pg';
import { createLogSequencer } from '../../src/modules/access-log/access-log.providers.js';
import type { LogSequencer } from '../../src/modules/access-log/application/log-sequencer.js';
import { verifyAccessLog } from '../../src/modules/access-log/application/log-verifier.js';
import { prepareEntry } from '../../src/modules/access-log/domain/prepared-entry.js';
import {
  idleSessionTimeoutMs,
  INTEGRATOR_LOCK_KEY,
  type PgLogBatchStore,
} from '../../src/modules/access-log/infrastructure/pg-log-batch-store.js';
import type { AccessLogEntryInput, AccessLogReceipt } from '../../src/modules/access-log/index.js';
import { eventually } from '../setup/polling.js';
import { createTestDatabase } from '../setup/test-database.js';

const read = (n: number): AccessLogEntryInput => ({
  actor: { org: 'police-cleveland', sub: 'user:pc-1', roles: ['iom-officer'] },
  action: 'case.summary',
  resource: { type: 'case', id: `X8${String(n).padStart(5, '0')}` },
  crn: `X8${String(n).padStart(5, '0')}`,
  decision: 'ALLOW',
  reasons: [],
  requestId: `integrator-${n}`,
});

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** pg_locks' row of the integrator lock (a bigint key: high half in classid, low half in objid). */
const LEADER_LOCK = `locktype = 'advisory' AND granted AND objsubid = 1
  AND (classid::bigint << 32 | objid::bigint) = ${INTEGRATOR_LOCK_KEY}`;

interface Instance {
  sequencer: LogSequencer;
  store: PgLogBatchStore;
  roles: boolean[];
}

/**
 * The shared integrator (LOG_INTEGRATOR=shared): several sequencers on one database, as several
 * gateway instances are, one of which integrates for all.
 */
describe('Shared access-log integrator (one leader for every instance)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const open: Instance[] = [];
  let next = 0;

  const start = (o: { integrator?: 'shared' | 'each'; retryMs?: number; waitMs?: number } = {}): Instance => {
    let store: PgLogBatchStore | undefined;
    const roles: boolean[] = [];
    const sequencer = createLogSequencer({
      connectionString: db.appUrl,
      maxBatch: 64,
      statementTimeoutMs: 5000,
      queueTimeoutMs: o.waitMs ?? 5000,
      integrator: o.integrator ?? 'shared',
      integratorRetryMs: o.retryMs ?? 100,
      onRole: (leading) => roles.push(leading),
      onStore: (s) => (store = s),
    });
    const i = { sequencer, store: store!, roles };
    open.push(i);
    return i;
  };
  const append = (i: Instance, count: number) =>
    Promise.all(Array.from({ length: count }, () => i.sequencer.append(prepareEntry(read(next++)))));

  const owner = <T>(fn: (c: pg.Client) => Promise<T>) => withClient(db.ownerUrl, fn);
  const state = () =>
    owner(async (c) => {
      const [row] = (
        await c.query<{ entries: number; queued: number; distinct_idx: number }>(
          `SELECT count(*)::int AS entries, count(DISTINCT idx)::int AS distinct_idx, (SELECT count(*)::int FROM access_log_queue) AS queued FROM access_log_entries`,
        )
      ).rows;
      return { ...row, report: await verifyAccessLog(c) };
    });

  const expectReceiptsStored = async (receipts: AccessLogReceipt[]) => {
    const stored = await owner(
      async (c) =>
        (
          await c.query<{ idx: string; leaf_hash: Buffer; ts: Date }>(
            `SELECT idx, leaf_hash, ts FROM access_log_entries WHERE idx = ANY($1::bigint[])`,
            [receipts.map((r) => r.index)],
          )
        ).rows,
    );
    const byIndex = new Map(stored.map((r) => [Number(r.idx), r]));
    for (const r of receipts) {
      const row = byIndex.get(r.index);
      expect({ leafHash: row?.leaf_hash.toString('base64'), timestamp: row?.ts.toISOString() }).toEqual({
        leafHash: r.leafHash,
        timestamp: r.timestamp,
      });
    }
  };

  beforeEach(async () => {
    db = await createTestDatabase();
    next = 0;
  });
  afterEach(async () => {
    for (const i of open.splice(0)) await i.sequencer.close().catch(() => undefined);
    await db.drop();
  });

  it('keeps the one-round-trip path for a single instance: only its first batch reads the head under its lock', async () => {
    const a = start();
    for (let k = 0; k < 10; k++) await append(a, 5);
    expect(a.store.stats).toMatchObject({ leading: true, fastBatches: 9, rebuiltBatches: 1, queuedForLeader: 0 });
    expect(a.roles).toEqual([true]);
  });

  it("integrates a follower's entries on the leader: the follower queues them and never touches the head", async () => {
    const a = start();
    await append(a, 1);
    const b = start();
    const c = start();
    const [ra, rb, rc] = await Promise.all([append(a, 200), append(b, 200), append(c, 200)]);
    expect(b.store.stats).toMatchObject({ leading: false, fastBatches: 0, rebuiltBatches: 0, queuedForLeader: 200 });
    expect(c.store.stats).toMatchObject({ leading: false, fastBatches: 0, rebuiltBatches: 0, queuedForLeader: 200 });
    // The leader built every batch on its own head: one read under the lock, at its start.
    expect(a.store.stats).toMatchObject({ leading: true, rebuiltBatches: 1, integratedFromQueue: 400 });
    const indices = [...ra, ...rb, ...rc].map((r) => r.index);
    expect(new Set(indices).size).toBe(600);
    const s = await state();
    expect(s).toMatchObject({ entries: 601, distinct_idx: 601, queued: 0 });
    expect(s.report).toMatchObject({ ok: true, treeSize: 601, warnings: [] });
    // Every receipt is its entry's: the stored leaf hash and timestamp at that index (a follower
    // makes its receipts from the leader's announcement).
    await expectReceiptsStored([...ra, ...rb, ...rc]);
  });

  it('hands the lead on when the leader dies, and the new leader integrates what was queued meanwhile', async () => {
    // A never retries within the test: once its session is gone it behaves like a crashed instance.
    const a = start({ retryMs: 60_000 });
    await append(a, 3);
    const b = start({ retryMs: 100 });
    await append(b, 5);
    expect(b.store.stats.leading).toBe(false);
    // A change committed an intent while nobody led (A's session is about to die).
    await owner((c) =>
      c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE ${LEADER_LOCK} AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      ),
    );
    const p = prepareEntry(read(9000));
    const [{ id }] = await withClient(
      db.appUrl,
      async (c) =>
        (
          await c.query<{ id: string }>(
            `INSERT INTO access_log_queue (entry) VALUES ($1::json) RETURNING id::text AS id`,
            [JSON.stringify({ head: p.head, tail: p.tail, columns: p.columns })],
          )
        ).rows,
    );
    const fromB = await append(b, 20);
    expect(fromB).toHaveLength(20);
    await eventually('the queue is empty', async () => (await state()).queued === 0, 10_000);
    expect(b.store.stats.leading).toBe(true);
    expect(b.roles).toEqual([true]);
    const s = await state();
    expect(s).toMatchObject({ entries: 29, distinct_idx: 29 });
    expect(s.report).toMatchObject({ ok: true, treeSize: 29 });
    // The intent was integrated once, by the new leader.
    const integrated = await owner(
      async (c) => (await c.query(`SELECT idx FROM access_log_entries WHERE intent_id = $1`, [id])).rowCount,
    );
    expect(integrated).toBe(1);
    // The old leader, back, finds the lead taken: it queues for B.
    await append(a, 4);
    expect(a.store.stats.leading).toBe(false);
    expect(a.store.stats.queuedForLeader).toBe(4);
  });

  it('replaces a leader that stopped running while its connection lives (the server ends its idle session)', async () => {
    const a = start({ retryMs: 100 });
    await append(a, 2);
    const b = start({ retryMs: 100 });
    await append(b, 2);
    expect(a.store.stats.leading).toBe(true);
    // A freezes: no tick, no batch, its session open and idle (as with a stopped process).
    clearInterval((a.store as unknown as { timer: NodeJS.Timeout }).timer);
    const frozenAt = performance.now();
    await eventually('B leads', () => b.store.stats.leading, 10_000, 20);
    const tookMs = performance.now() - frozenAt;
    expect(tookMs).toBeGreaterThanOrEqual(idleSessionTimeoutMs({ retryMs: 100 }) - 100);
    expect(tookMs).toBeLessThan(idleSessionTimeoutMs({ retryMs: 100 }) + 2000);
    expect(await append(b, 3)).toHaveLength(3);
    const s = await state();
    expect(s).toMatchObject({ entries: 7, queued: 0 });
    expect(s.report).toMatchObject({ ok: true, treeSize: 7 });
  });

  it('a follower whose wait times out leaves its entries queued, and they are integrated later', async () => {
    const a = start({ retryMs: 60_000 });
    await append(a, 1);
    // B waits only 300 ms, and nobody leads once A's session is killed and A stays away.
    const b = start({ retryMs: 60_000, waitMs: 300 });
    await append(b, 1);
    await owner((c) =>
      c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE ${LEADER_LOCK} AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      ),
    );
    await new Promise((r) => setTimeout(r, 200));
    // A's session is gone, but B tried to lead only at its start: B's entries wait in the queue.
    (b.store as unknown as { lastTry: number }).lastTry = performance.now();
    const started = performance.now();
    await expect(append(b, 3)).rejects.toMatchObject({ reason: 'timeout' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(b.store.stats).toMatchObject({ queuedForLeader: 4 });
    // The wait's timeout made B try at once (not at its next tick, a minute away): it leads now
    // and integrates the three it queued, once.
    await eventually('the queue is empty', async () => (await state()).queued === 0, 10_000);
    expect(b.store.stats.leading).toBe(true);
    const s = await state();
    expect(s).toMatchObject({ entries: 5, distinct_idx: 5 });
    expect(s.report).toMatchObject({ ok: true, treeSize: 5 });
  });

  it('never forks the tree when two stores both integrate (a stale leader, or LOG_INTEGRATOR=each beside a leader)', async () => {
    const a = start();
    await append(a, 1);
    const b = start();
    const rogue = start({ integrator: 'each' });
    const results = await Promise.all([append(a, 150), append(b, 150), append(rogue, 150), append(a, 50)]);
    const indices = results.flat().map((r) => r.index);
    expect(new Set(indices).size).toBe(500);
    await expectReceiptsStored(results.flat());
    const s = await state();
    expect(s).toMatchObject({ entries: 501, distinct_idx: 501, queued: 0 });
    expect(s.report).toMatchObject({ ok: true, treeSize: 501, warnings: [] });
    // Batches were rebuilt under the head's lock on a head the store did not know or another had
    // moved (the rogue's first at least, and the leader's once the rogue had written): the
    // compare-and-set caught the stale ones, and the checks above show nothing forked. How many
    // more depends on how the two interleave, so the count is only bounded below (a CI run saw 2).
    expect(a.store.stats.rebuiltBatches + rogue.store.stats.rebuiltBatches).toBeGreaterThanOrEqual(2);
  });
});
