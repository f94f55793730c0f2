import { recordEvents } from '../../src/shared/events/index.js';
import { checkConsistency } from './support/consistency.js';
import { GatewayProcess } from './support/gateway-process.js';
import { eventually, report, scale, sleep } from './support/mode.js';
import { DedicatedPostgres } from './support/postgres.js';
import { DemoSigner } from './support/signer.js';
import { loadDemoData, MixedLoad, statusCounts } from './support/workload.js';

const CYCLES = scale(6, 100);
/** Every second cycle restarts PostgreSQL (immediate shutdown) instead of killing the gateway. */
const PG_EVERY = 2;

/**
 * Crash cycles: under concurrent signed summary reads, exchange requests, data owners'
 * decisions, case pushes and assessments, the gateway is killed with SIGKILL at a random moment and started again, or
 * PostgreSQL is stopped with an immediate shutdown and started again. After every cycle the log
 * must hold an entry for every 2xx the clients received, have no gaps, and verify; and writes
 * must be logged truthfully both ways: no stored change without its entry (in the tree, or
 * queued as an intent for the sweeper), no entry for a change that is not stored. At the end,
 * with the load stopped, every queued intent must have been integrated.
 */
describe('Crash cycles (real gateway process, PostgreSQL with fsync on)', () => {
  let pg: DedicatedPostgres;
  let gw: GatewayProcess;
  let signer: DemoSigner;

  beforeAll(async () => {
    pg = await DedicatedPostgres.start();
    const dataDir = pg.dataDir('data');
    gw = await GatewayProcess.start(pg, { dataDir, env: { DB_POOL_SIZE: '8', LOG_INTENT_SWEEP_MS: '500' } });
    signer = new DemoSigner(dataDir);
  }, 180_000);

  afterAll(async () => {
    await gw?.stop();
    await pg?.destroy();
  }, 60_000);

  it(
    `survives ${CYCLES} cycles of SIGKILL and PostgreSQL immediate restarts without losing an entry, releasing data unlogged, or logging a change that did not happen`,
    async () => {
      const data = await loadDemoData(pg);
      const load = new MixedLoad(signer, () => [gw.baseUrl], data, 8, 0.15, 0.2);
      const figures = {
        gatewayKills: 0,
        postgresRestarts: 0,
        entriesChecked: 0,
        summaries2xx: 0,
        exchanges2xx: 0,
        changesChecked: 0,
        queuedIntentsSeen: 0,
        pendingEventsSeen: 0,
      };
      try {
        for (let cycle = 1; cycle <= CYCLES; cycle++) {
          const before = load.count((o) => o.status >= 200 && o.status < 300);
          // Some traffic gets through first, then the crash lands at a random moment of it.
          await eventually(
            `cycle ${cycle}: the load is served`,
            () => load.count((o) => o.status >= 200 && o.status < 300) >= before + 20,
            60_000,
            10,
          );
          await sleep(Math.random() * 400);
          if (cycle % PG_EVERY === 0) {
            await pg.stopImmediate();
            await sleep(Math.random() * 300);
            await pg.start();
            figures.postgresRestarts++;
            // The gateway was not restarted: it must reconnect by itself.
            expect(gw.alive).toBe(true);
          } else {
            await gw.restart();
            figures.gatewayKills++;
          }
          const served = load.count((o) => o.status >= 200 && o.status < 300);
          await eventually(
            `cycle ${cycle}: served again after the crash`,
            () => load.count((o) => o.status >= 200 && o.status < 300) >= served + 5,
            60_000,
            10,
          );
          const c = await checkConsistency(pg, load.outcomes).catch((e: Error) => {
            throw new Error(
              `after cycle ${cycle} (${cycle % PG_EVERY === 0 ? 'PostgreSQL immediate restart' : 'gateway SIGKILL'}): ${e.message}`,
            );
          });
          figures.entriesChecked = c.verifiedEntries;
          figures.summaries2xx = c.summariesChecked;
          figures.exchanges2xx = c.exchangesChecked;
          figures.changesChecked = c.changesChecked;
          figures.queuedIntentsSeen += c.queuedIntents;
          figures.pendingEventsSeen += c.pendingEvents;
        }
      } finally {
        await load.stop();
      }
      await eventually(
        'every queued log intent is integrated',
        async () => (await pg.sql(`SELECT 1 FROM access_log_queue`)).length === 0,
        30_000,
        50,
      );
      // Events left pending by a crash are published by the running gateway (its each-second sweep).
      await eventually(
        'every pending event is published',
        async () => (await pg.sql(`SELECT 1 FROM event_outbox_pending`)).length === 0,
        30_000,
        50,
      );
      const final = await checkConsistency(pg, load.outcomes);
      expect(final.queuedIntents).toBe(0);
      expect(final.pendingEvents).toBe(0);
      const counts = statusCounts(load.outcomes);
      // Only successes, 503 (fail closed) or no answer at all (the process was killed mid-request).
      const unexpected = Object.keys(counts).filter((k) => !/^(200|201|503|0:.*)$/.test(k));
      const writes = Object.fromEntries(
        (['case', 'assessment', 'decision'] as const).map((k) => [
          k,
          load.count((o) => o.kind === k && o.status >= 200 && o.status < 300),
        ]),
      );
      report('crash-cycles', {
        cycles: CYCLES,
        ...figures,
        writes2xx: writes,
        entriesChecked: final.verifiedEntries,
        changesChecked: final.changesChecked,
        treeSize: final.treeSize,
        statuses: counts,
      });
      expect(unexpected).toEqual([]);
      expect(figures.gatewayKills + figures.postgresRestarts).toBe(CYCLES);
      // The write load ran: each kind of change was acknowledged at least once.
      expect(Object.values(writes).every((n) => n > 0)).toBe(true);
    },
    scale(300_000, 3_600_000),
  );

  it('keeps committed events that wait for publication through a PostgreSQL crash (the pending table is logged)', async () => {
    await gw.stop(); // no gateway to publish them first: as when it stops between a commit and its publication
    const app = await pg.connect(pg.appUrl);
    try {
      await app.query('BEGIN');
      await recordEvents(app, [
        { type: 'agreement.amended', subject: 'survives-a-crash', parties: ['nps-a'], link: '/agreements/x' },
      ]);
      await app.query('COMMIT');
    } finally {
      await app.end();
    }
    await pg.stopImmediate(); // crash recovery empties an UNLOGGED table
    await pg.start();
    expect(await pg.sql(`SELECT subject FROM event_outbox_pending`)).toEqual([{ subject: 'survives-a-crash' }]);
    expect(await pg.sql(`SELECT event_outbox_publish_pending(1000) AS moved`)).toEqual([{ moved: 1 }]);
    expect(await pg.sql(`SELECT 1 FROM event_outbox WHERE subject = 'survives-a-crash'`)).toHaveLength(1);
  });
});
