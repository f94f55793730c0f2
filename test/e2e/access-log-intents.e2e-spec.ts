import pg from 'pg';
import { createAccessLogWriter } from '../../src/modules/access-log/access-log.providers.js';
import { verifyAccessLog } from '../../src/modules/access-log/application/log-verifier.js';
import { prepareEntry } from '../../src/modules/access-log/domain/prepared-entry.js';
import type { AccessLogEntryInput } from '../../src/modules/access-log/index.js';
import { caseBody } from '../factories/case.factory.js';
import { eventually } from '../setup/polling.js';
import { createTestDatabase } from '../setup/test-database.js';
import { TestGateway } from '../setup/test-app.js';

const change = (n: number, crn = 'X700000'): AccessLogEntryInput => ({
  actor: { org: 'nps-north-east', sub: 'system:ndelius', roles: ['system'] },
  action: 'case.update',
  resource: { type: 'case', id: crn },
  crn,
  decision: 'ALLOW',
  reasons: ['managing organisation'],
  ownerOrg: 'nps-north-east',
  requestId: `intent-test-${n}`,
  // Fixed, so that preparing change n again gives the bytes its transaction queued (a change's
  // handler integrates the very PreparedEntry it queued; the test prepares it twice).
  salt: saltOf(n),
});

function saltOf(n: number): string {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(n);
  return b.toString('base64');
}

/** What the change's transaction writes: the prepared entry, as the writer queues it. */
const queued = (e: AccessLogEntryInput): string => {
  const p = prepareEntry(e);
  return JSON.stringify({ head: p.head, tail: p.tail, columns: p.columns });
};

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const sys = (gw: TestGateway, org = 'nps-north-east') => ({
  org: gw.orgs[org],
  sub: 'system:ndelius',
  roles: ['system'],
});

describe('Changes and their access-log entries (log intents)', () => {
  describe('one gateway', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      // A change committed (case row and intent) by a gateway that died before integrating it.
      gw = await TestGateway.start({
        env: { LOG_INTENT_SWEEP_MS: '200' },
        prepare: (ownerUrl) =>
          withClient(ownerUrl, async (c) => {
            await c.query(
              `INSERT INTO access_log_queue (entry, enqueued_at) VALUES ($1::json, now() - interval '1 hour')`,
              [queued(change(0, 'X700001'))],
            );
          }),
      });
    });
    afterAll(() => gw.close());

    it('integrates at start-up an intent whose change committed before a crash', async () => {
      await eventually(
        'the queued intent is integrated',
        async () => (await gw.sql(`SELECT 1 FROM access_log_queue`)).length === 0,
        10_000,
      );
      const rows = await gw.sql<{ idx: string; intent_id: string; e: { requestId: string; index: number } }>(
        `SELECT idx, intent_id, convert_from(entry, 'UTF8')::jsonb AS e FROM access_log_entries WHERE intent_id IS NOT NULL`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].e).toMatchObject({ requestId: 'intent-test-0', index: Number(rows[0].idx) });
    });

    it('periodically integrates intents left queued while it runs', async () => {
      await gw.sql(`INSERT INTO access_log_queue (entry, enqueued_at) VALUES ($1::json, now() - interval '1 minute')`, [
        queued(change(1, 'X700002')),
      ]);
      await eventually(
        'the sweeper integrates it',
        async () => (await gw.sql(`SELECT 1 FROM access_log_entries WHERE crn = 'X700002'`)).length === 1,
        10_000,
      );
      expect(await gw.sql(`SELECT 1 FROM access_log_queue`)).toEqual([]);
    });

    it('a change whose commit fails after its intent was written leaves neither the change nor an entry', async () => {
      // The owner makes COMMIT itself fail for this one case, after the handler wrote the row and
      // its log entry (a deferred constraint trigger on the change's own table runs at commit).
      // An entry made durable on another connection before this commit would outlive it.
      await gw.sql(
        `CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'commit refused by the test'; END $$`,
      );
      await gw.sql(
        `CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT OR UPDATE ON cases DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
           WHEN (NEW.crn = 'X700003') EXECUTE FUNCTION refuse_commit()`,
      );
      try {
        const sizeBefore = Number((await gw.sql<{ size: string }>(`SELECT size FROM access_log_head`))[0].size);
        const res = await gw.call('PUT', '/cases/X700003', sys(gw), caseBody('nps-north-east'));
        expect(res.status).toBeGreaterThanOrEqual(500);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(await gw.sql(`SELECT 1 FROM cases WHERE crn = 'X700003'`)).toEqual([]);
        expect(await gw.sql(`SELECT 1 FROM access_log_queue`)).toEqual([]);
        expect(await gw.sql(`SELECT 1 FROM access_log_entries WHERE crn = 'X700003'`)).toEqual([]);
        expect(Number((await gw.sql<{ size: string }>(`SELECT size FROM access_log_head`))[0].size)).toBe(sizeBefore);
      } finally {
        await gw.sql(`DROP TRIGGER refuse_commit ON cases`);
        await gw.sql(`DROP FUNCTION refuse_commit()`);
      }
      // The same push, once the commit can succeed, is created and logged.
      const res = await gw.call('PUT', '/cases/X700003', sys(gw), caseBody('nps-north-east'));
      expect(res.status).toBe(201);
      const [entry] = await gw.sql<{ idx: string; action: string }>(
        `SELECT idx, action FROM access_log_entries WHERE crn = 'X700003'`,
      );
      expect(entry).toEqual({ idx: String(res.body.accessLogIndex), action: 'case.create' });
    });

    it('answers a committed change with its entry already in the tree, the queue left empty', async () => {
      const res = await gw.call('PUT', '/cases/X700004', sys(gw), caseBody('nps-north-east'));
      expect(res.status).toBe(201);
      const rows = await gw.sql<{ idx: string }>(
        `SELECT idx FROM access_log_entries WHERE crn = 'X700004' AND intent_id IS NOT NULL`,
      );
      expect(rows).toEqual([{ idx: String(res.body.accessLogIndex) }]);
      expect(await gw.sql(`SELECT 1 FROM access_log_queue`)).toEqual([]);
    });
  });

  describe('sequencers racing on one database', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(() => db.drop());

    it('integrate each intent exactly once, and every one of them gets the same receipt', async () => {
      const N = 300;
      // The changes committed their intents (as the application role, as the gateway does).
      const ids = await withClient(db.appUrl, async (c) => {
        const out: string[] = [];
        for (let i = 0; i < N; i += 50) {
          const batch = Array.from({ length: Math.min(50, N - i) }, (_, k) =>
            queued(change(i + k, `X71${String(i + k).padStart(4, '0')}`)),
          );
          const r = await c.query<{ id: string }>(
            `INSERT INTO access_log_queue (entry) SELECT unnest($1::json[]) RETURNING id::text AS id`,
            [batch],
          );
          out.push(...r.rows.map((x) => x.id));
        }
        return out;
      });
      const a = createAccessLogWriter({ connectionString: db.appUrl, maxBatch: 16, statementTimeoutMs: 5000 });
      const b = createAccessLogWriter({ connectionString: db.appUrl, maxBatch: 7, statementTimeoutMs: 5000 });
      try {
        const intent = (n: number) => ({
          ...prepareEntry(change(n, `X71${String(n).padStart(4, '0')}`)),
          intentId: ids[n],
        });
        // Both integrate every intent (in opposite orders), with reads appended between them.
        const fromA = Promise.all(ids.map((_, n) => a.sequencer.append(intent(n))));
        const fromB = Promise.all(ids.map((_, n) => b.sequencer.append(intent(N - 1 - n))).reverse());
        const reads = Promise.all(
          Array.from({ length: 100 }, (_, n) =>
            (n % 2 ? a : b).writer.append({ ...change(1000 + n), action: 'case.summary', requestId: `read-${n}` }),
          ),
        );
        const [ra, rb] = await Promise.all([fromA, fromB, reads]);
        expect(rb).toEqual(ra);
        expect(new Set(ra.map((r) => r.index)).size).toBe(N);
        // A second integration of an intent already in the tree answers its receipt and writes nothing.
        expect(await a.sequencer.append(intent(5))).toEqual(ra[5]);
        // An intent that was never committed is refused, and nothing is written for it.
        await expect(a.sequencer.append({ ...intent(5), intentId: '999999999' })).rejects.toMatchObject({
          reason: 'no_such_intent',
        });
      } finally {
        await a.close();
        await b.close();
      }
      await withClient(db.ownerUrl, async (c) => {
        const [counts] = (
          await c.query<{ entries: number; intents: number; distinct_intents: number; queued: number }>(
            // The changes' intents (with a shared integrator, a follower's reads are queued too, so
            // they also carry an intent id).
            `SELECT count(*)::int AS entries, count(intent_id) FILTER (WHERE action = 'case.update')::int AS intents,
                    count(DISTINCT intent_id) FILTER (WHERE action = 'case.update')::int AS distinct_intents,
                  (SELECT count(*)::int FROM access_log_queue) AS queued FROM access_log_entries`,
          )
        ).rows;
        expect(counts).toEqual({ entries: N + 100, intents: N, distinct_intents: N, queued: 0 });
        const report = await verifyAccessLog(c);
        expect(report).toMatchObject({ ok: true, treeSize: N + 100, warnings: [] });
      });
    });

    it('log:verify warns about intents queued far longer than a sweep takes', async () => {
      await withClient(db.ownerUrl, async (c) => {
        await c.query(
          `INSERT INTO access_log_queue (entry, enqueued_at) VALUES ($1::json, now() - interval '10 minutes')`,
          [queued(change(2000))],
        );
        await c.query(`INSERT INTO access_log_queue (entry) VALUES ($1::json)`, [queued(change(2001))]);
        const report = await verifyAccessLog(c, { stuckIntentMs: 60_000 });
        expect(report.ok).toBe(true);
        expect(report.warnings).toEqual([
          { kind: 'stuck_intents', detail: expect.stringMatching(/^1 log intent\(s\) queued for more than 60000 ms/) },
        ]);
        await c.query(`DELETE FROM access_log_queue`);
      });
    });
  });
});
