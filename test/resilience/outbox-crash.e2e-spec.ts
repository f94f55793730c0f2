import { recordEvents } from '../../src/shared/events/index.js';
import { DedicatedPostgres } from './support/postgres.js';

/**
 * A committed change's events outlive a PostgreSQL crash while they wait to be published: the
 * pending table is logged, so crash recovery keeps them (an UNLOGGED table is emptied by it), and
 * a publication afterwards moves them into event_outbox.
 */
describe('the event outbox across a PostgreSQL crash', () => {
  let pg: DedicatedPostgres;
  beforeAll(async () => {
    pg = await DedicatedPostgres.start();
  });
  afterAll(async () => {
    await pg?.destroy();
  });

  it('keeps committed, not yet published events through an immediate shutdown, and publishes them after', async () => {
    const app = await pg.connect(pg.appUrl);
    await app.query('BEGIN');
    await recordEvents(app, [
      { type: 'agreement.amended', subject: 'survives-a-crash', parties: ['nps-a'], link: '/agreements/x' },
    ]);
    await app.query('COMMIT'); // not published: as when the gateway stops between its commit and its publication
    await app.end();
    await pg.stopImmediate();
    await pg.start();
    const again = await pg.connect(pg.appUrl);
    try {
      expect((await again.query(`SELECT event_outbox_publish_pending(1000) AS moved`)).rows).toEqual([{ moved: 1 }]);
      expect((await again.query(`SELECT subject FROM event_outbox WHERE subject = 'survives-a-crash'`)).rows).toEqual([
        { subject: 'survives-a-crash' },
      ]);
    } finally {
      await again.end();
    }
  });
});
