import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source.js';
import { recordEvents, type OutboxEvent } from '../../src/shared/events/outbox.js';
import { createTestDatabase } from '../setup/test-database.js';

/** recordEvents on a real PostgreSQL: a change's events in one statement, in order, with the change. */
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
});
