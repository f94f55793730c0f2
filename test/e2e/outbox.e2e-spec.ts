import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source.js';
import { recordEvents, type OutboxEvent } from '../../src/shared/events/outbox.js';
import { createTestDatabase } from '../setup/test-database.js';

/**
 * recordEvents on a real PostgreSQL: a change's events in one statement, in order, with the
 * change; published into event_outbox as the change commits, in commit order, without making
 * other changes wait.
 */
describe('the event outbox (recordEvents)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase('outbox');
    ds = createDataSource(db.appUrl, { poolSize: 2, name: 'outbox-test' });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db.drop();
  });

  const events: OutboxEvent[] = [
    {
      type: 'exchange-request.received',
      subject: 'r-1',
      parties: ['nps-a', 'police-b'],
      link: '/exchange-requests/r-1',
    },
    { type: 'case.updated', subject: 'X1', crn: 'X1', link: '/cases/X1/summary' },
    {
      type: 'exchange-request.fulfilled',
      subject: 'r-1',
      parties: ['nps-a', 'o\'brien, "quoted" {braces}'],
      people: ['police-b/pc-1'],
      link: '/exchange-requests/r-1',
    },
  ];

  it('writes every event of the change, in the order given, with its arrays and nulls as they were', async () => {
    await ds.transaction((tx) => recordEvents(tx, events));
    const rows = await ds.query<
      { type: string; subject: string; crn: string | null; parties: string[]; people: string[] }[]
    >(`SELECT type, subject, crn, parties, people FROM event_outbox ORDER BY seq`);
    expect(rows).toEqual([
      { type: 'exchange-request.received', subject: 'r-1', crn: null, parties: ['nps-a', 'police-b'], people: [] },
      { type: 'case.updated', subject: 'X1', crn: 'X1', parties: [], people: [] },
      {
        type: 'exchange-request.fulfilled',
        subject: 'r-1',
        crn: null,
        parties: ['nps-a', 'o\'brien, "quoted" {braces}'],
        people: ['police-b/pc-1'],
      },
    ]);
  });

  it('writes nothing when the change rolls back', async () => {
    const before = await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM event_outbox`);
    await expect(
      ds.transaction(async (tx) => {
        await recordEvents(tx, events);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await ds.query(`SELECT count(*)::int AS n FROM event_outbox`)).toEqual(before);
  });
  describe('changes running at once', () => {
    const clients: pg.Client[] = [];
    async function client(url = db.appUrl): Promise<pg.Client> {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      clients.push(c);
      return c;
    }
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.end()));
    });
    const event = (subject: string): OutboxEvent => ({
      type: 'agreement.amended',
      subject,
      parties: ['nps-a'],
      link: `/agreements/${subject}`,
    });
    // Ordered by the column, not by the output's text `seq` (as text, "10" sorts before "9").
    const seen = async (c: pg.Client) =>
      (
        await c.query<{ seq: string; subject: string }>(
          `SELECT seq::text, subject FROM event_outbox ORDER BY event_outbox.seq`,
        )
      ).rows;

    it('does not make a change wait for another change that wrote events and is still open', async () => {
      const [first, second] = [await client(), await client()];
      await first.query('BEGIN');
      await recordEvents(first, [event('open-first')]);
      await second.query(`SET lock_timeout = '2s'`);
      await second.query('BEGIN');
      await recordEvents(second, [event('committed-second')]);
      await second.query('COMMIT'); // would wait for `first` (and time out) if writing events held a lock
      await first.query('COMMIT');
      const subjects = (await seen(await client())).map((r) => r.subject);
      expect(subjects.slice(-2)).toEqual(['committed-second', 'open-first']);
    });

    it('stamps an event as its change commits, not as its transaction began', async () => {
      const c = await client();
      await c.query('BEGIN');
      const began = (await c.query<{ t: Date }>('SELECT now() AS t')).rows[0].t;
      await recordEvents(c, [event('stamped-at-commit')]);
      await new Promise((r) => setTimeout(r, 300));
      const beforeCommit = (await c.query<{ t: Date }>('SELECT clock_timestamp() AS t')).rows[0].t;
      await c.query('COMMIT');
      const [row] = (
        await c.query<{ at: Date }>(`SELECT occurred_at AS at FROM event_outbox WHERE subject = 'stamped-at-commit'`)
      ).rows;
      // A change that began before a case's creation committed must not be stamped before it.
      expect(row.at.getTime()).toBeGreaterThanOrEqual(beforeCommit.getTime());
      expect(row.at.getTime() - began.getTime()).toBeGreaterThanOrEqual(300);
    });

    it('makes rows visible in seq order: a reader that has seen seq n never later finds a new row below n', async () => {
      const [early, late, reader] = [await client(), await client(), await client()];
      await early.query('BEGIN');
      await recordEvents(early, [event('written-first-a'), event('written-first-b')]);
      await late.query('BEGIN');
      await recordEvents(late, [event('written-second')]);
      await late.query('COMMIT');
      const before = await seen(reader);
      const top = BigInt(before.at(-1)!.seq);
      await early.query('COMMIT');
      const after = await seen(reader);
      const added = after.filter((r) => !before.some((b) => b.seq === r.seq));
      expect(added.map((r) => r.subject)).toEqual(['written-first-a', 'written-first-b']);
      for (const r of added) expect(BigInt(r.seq)).toBeGreaterThan(top);
      // Nothing waits in the pending table once its change has committed or rolled back.
      expect(
        (await (await client(db.ownerUrl)).query(`SELECT count(*)::int AS n FROM event_outbox_pending`)).rows,
      ).toEqual([{ n: 0 }]);
    });

    it('publishes from every session, and lets the application write only the events themselves', async () => {
      const owner = await client(db.ownerUrl);
      await owner.query('BEGIN');
      await owner.query(`SET LOCAL session_replication_role = replica`); // as pg_restore --disable-triggers, or logical apply
      await recordEvents(owner, [event('from-a-replica-session')]);
      await owner.query('COMMIT');
      expect((await seen(owner)).at(-1)?.subject).toBe('from-a-replica-session');
      const app = await client();
      await expect(
        app.query(
          `INSERT INTO event_outbox_pending (n, id, type, subject, link) VALUES (1, gen_random_uuid(), 'case.updated', 'X', '/x')`,
        ),
      ).rejects.toMatchObject({ code: '42501' });
      await expect(app.query(`DELETE FROM event_outbox_pending`)).rejects.toMatchObject({ code: '42501' });
    });
  });
});
