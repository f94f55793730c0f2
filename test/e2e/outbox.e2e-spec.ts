import { SchedulerRegistry } from '@nestjs/schedule';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source.js';
import { recordEvents, type OutboxEvent } from '../../src/shared/events/outbox.js';
import { OutboxPublisher } from '../../src/shared/events/outbox-publisher.js';
import { JsonLogger } from '../../src/shared/observability/json-logger.js';
import { eventually } from '../setup/polling.js';
import { createTestDatabase } from '../setup/test-database.js';

/**
 * recordEvents and the OutboxPublisher on a real PostgreSQL: a change's events in one statement,
 * in order, with the change; published into event_outbox after the change commits (before a
 * TypeORM transaction's commit returns), rows visible in `seq` order, without making other
 * changes wait.
 */
describe('the event outbox (recordEvents, OutboxPublisher)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let publisher: OutboxPublisher;
  const warnings: string[] = [];
  /** A started publisher, as an instance's; without `sweep` its each-second publication is stopped, so only the test's calls publish. */
  const publisherOn = (d: DataSource, sweep = false) => {
    const scheduler = new SchedulerRegistry();
    const p = new OutboxPublisher(
      d,
      { dbStatementTimeoutMs: 10_000 },
      new JsonLogger('warn', (line) => warnings.push(line)),
      scheduler,
    );
    p.onModuleInit();
    if (!sweep) for (const name of scheduler.getIntervals()) scheduler.deleteInterval(name);
    return p;
  };
  beforeAll(async () => {
    db = await createTestDatabase('outbox');
    ds = createDataSource(db.appUrl, { poolSize: 2, name: 'outbox-test' });
    await ds.initialize();
    publisher = publisherOn(ds);
  });
  afterAll(async () => {
    await publisher?.onApplicationShutdown();
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

  it('publishes every event of the change as it commits, in the order given, with its arrays and nulls as they were', async () => {
    await ds.transaction((tx) => recordEvents(tx, events));
    // No wait: the transaction's commit returned only once its events were published.
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
      await publisher.publish(); // also while `first` is open
      await first.query('COMMIT');
      await publisher.publish();
      const subjects = (await seen(await client())).map((r) => r.subject);
      expect(subjects.slice(-2)).toEqual(['committed-second', 'open-first']);
    });

    it('stamps an event as its change writes it (after what the change did before), not as its transaction began', async () => {
      const c = await client();
      await c.query('BEGIN');
      const began = (await c.query<{ t: Date }>('SELECT now() AS t')).rows[0].t;
      await new Promise((r) => setTimeout(r, 300));
      const beforeWrite = (await c.query<{ t: Date }>('SELECT clock_timestamp() AS t')).rows[0].t;
      await recordEvents(c, [event('stamped-as-written')]);
      await c.query('COMMIT');
      await publisher.publish();
      const [row] = (
        await c.query<{ at: Date }>(`SELECT occurred_at AS at FROM event_outbox WHERE subject = 'stamped-as-written'`)
      ).rows;
      // A change that began before a case's creation committed must not be stamped before it.
      expect(row.at.getTime()).toBeGreaterThanOrEqual(beforeWrite.getTime());
      expect(row.at.getTime() - began.getTime()).toBeGreaterThanOrEqual(300);
    });

    it('makes rows visible in seq order: a reader that has seen seq n never later finds a new row below n', async () => {
      const [early, late, reader] = [await client(), await client(), await client()];
      await early.query('BEGIN');
      await recordEvents(early, [event('written-first-a'), event('written-first-b')]);
      await late.query('BEGIN');
      await recordEvents(late, [event('written-second')]);
      await late.query('COMMIT');
      await publisher.publish();
      const before = await seen(reader);
      const top = BigInt(before.at(-1)!.seq);
      expect(before.at(-1)!.subject).toBe('written-second');
      await early.query('COMMIT');
      await publisher.publish();
      const after = await seen(reader);
      const added = after.filter((r) => !before.some((b) => b.seq === r.seq));
      expect(added.map((r) => r.subject)).toEqual(['written-first-a', 'written-first-b']);
      for (const r of added) expect(BigInt(r.seq)).toBeGreaterThan(top);
      // Nothing waits in the pending table once its change has committed and been published.
      expect(
        (await (await client(db.ownerUrl)).query(`SELECT count(*)::int AS n FROM event_outbox_pending`)).rows,
      ).toEqual([{ n: 0 }]);
    });

    it('lets no publication become visible before an earlier one has: a second publisher waits for the first to commit', async () => {
      const [early, late, held, other, reader] = [
        await client(),
        await client(),
        await client(),
        await client(),
        await client(),
      ];
      await early.query('BEGIN');
      await recordEvents(early, [event('written-first-committed-last')]);
      await late.query('BEGIN');
      await recordEvents(late, [event('written-second-committed-first')]);
      await late.query('COMMIT');
      const top = (await seen(reader)).at(-1)?.seq ?? '0';
      // A publication that has drawn its seq and not yet committed (as one waiting for its WAL flush).
      await held.query('BEGIN');
      expect((await held.query(`SELECT event_outbox_publish_pending(1) AS moved`)).rows).toEqual([{ moved: 1 }]);
      await early.query('COMMIT');
      // Another publication of at most one row takes the lowest pending one, which the first did
      // not see: no row is moved by both (as when more than a publication's most are pending).
      const second = other.query(`SELECT event_outbox_publish_pending(1) AS moved`);
      await new Promise((r) => setTimeout(r, 300));
      // Had it committed now, a reader would pass its seq while the first's lower one is still invisible.
      expect((await seen(reader)).filter((r) => BigInt(r.seq) > BigInt(top))).toEqual([]);
      await held.query('COMMIT');
      expect((await second).rows).toEqual([{ moved: 1 }]);
      expect((await seen(reader)).filter((r) => BigInt(r.seq) > BigInt(top)).map((r) => r.subject)).toEqual([
        'written-second-committed-first',
        'written-first-committed-last',
      ]);
    });

    it('gives a reader following seq every event exactly once, with changes and two instances publishing at once', async () => {
      const other = createDataSource(db.appUrl, { poolSize: 4, name: 'outbox-test-2' });
      await other.initialize();
      const second = publisherOn(other);
      try {
        const reader = await client();
        const start = (await reader.query<{ s: string }>(`SELECT coalesce(max(seq), 0)::text AS s FROM event_outbox`))
          .rows[0].s;
        const wanted = new Set<string>();
        let cursor = BigInt(start);
        const got: string[] = [];
        let writing = true;
        const reading = (async () => {
          for (;;) {
            const done = !writing;
            const rows = (
              await reader.query<{ seq: string; subject: string }>(
                `SELECT seq::text, subject FROM event_outbox WHERE seq > $1 ORDER BY event_outbox.seq`,
                [cursor.toString()],
              )
            ).rows;
            for (const r of rows) {
              got.push(r.subject);
              cursor = BigInt(r.seq);
            }
            if (done) return;
          }
        })();
        await Promise.all(
          Array.from({ length: 8 }, async (_, w) => {
            const d = w % 2 ? other : ds;
            for (let k = 0; k < 30; k++) {
              const subject = `race-${w}-${k}`;
              wanted.add(subject);
              // Commits of different lengths, so publications see them in other orders than written.
              await d.transaction(async (tx) => {
                await recordEvents(tx, [event(subject)]);
                if ((w + k) % 3 === 0) await tx.query(`SELECT pg_sleep(0.005)`);
              });
            }
          }),
        );
        await Promise.all([publisher.publish(), second.publish()]);
        writing = false;
        await reading;
        expect(got.filter((s) => s.startsWith('race-')).sort()).toEqual([...wanted].sort());
      } finally {
        await second.onApplicationShutdown();
        await other.destroy();
      }
    });

    it('publishes, within the sweep, a committed change whose own publication never ran', async () => {
      const c = await client(); // not TypeORM: nothing publishes at its commit, as when its process stops first
      await c.query('BEGIN');
      await recordEvents(c, [event('left-pending')]);
      await c.query('COMMIT');
      const sweeping = publisherOn(ds, true);
      try {
        await eventually(
          'the sweep published the pending event',
          async () => (await c.query(`SELECT 1 FROM event_outbox WHERE subject = 'left-pending'`)).rowCount === 1,
          10_000,
        );
      } finally {
        await sweeping.onApplicationShutdown();
      }
    });

    it('fails no committed change when publishing fails: its events wait and are published later', async () => {
      const owner = await client(db.ownerUrl);
      await owner.query(`REVOKE EXECUTE ON FUNCTION event_outbox_publish_pending(integer) FROM gateway_app`);
      try {
        await ds.transaction((tx) => recordEvents(tx, [event('published-late')]));
        expect(warnings.join('\n')).toMatch(/events stay pending until the next publication/);
        expect(
          (await owner.query(`SELECT 1 FROM event_outbox_pending WHERE subject = 'published-late'`)).rowCount,
        ).toBe(1);
      } finally {
        await owner.query(`GRANT EXECUTE ON FUNCTION event_outbox_publish_pending(integer) TO gateway_app`);
      }
      await publisher.publish();
      expect((await owner.query(`SELECT 1 FROM event_outbox WHERE subject = 'published-late'`)).rowCount).toBe(1);
    });

    it('lets the application write only the events themselves, and move them only by publishing', async () => {
      const app = await client();
      await expect(
        app.query(
          `INSERT INTO event_outbox_pending (n, id, type, subject, link) VALUES (1, gen_random_uuid(), 'case.updated', 'X', '/x')`,
        ),
      ).rejects.toMatchObject({ code: '42501' });
      await expect(app.query(`DELETE FROM event_outbox_pending`)).rejects.toMatchObject({ code: '42501' });
      await expect(app.query(`UPDATE event_outbox_pending SET subject = 'Y'`)).rejects.toMatchObject({ code: '42501' });
      // Nor into event_outbox itself: a row there outside the publication's lock could appear below a passed seq.
      await expect(
        app.query(
          `INSERT INTO event_outbox (id, type, subject, link) VALUES (gen_random_uuid(), 'case.updated', 'X', '/x')`,
        ),
      ).rejects.toMatchObject({ code: '42501' });
    });
  });
});
