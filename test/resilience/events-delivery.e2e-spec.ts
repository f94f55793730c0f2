import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { recordEvents } from '../../src/shared/events/index.js';
import { createTestDatabase } from '../setup/test-database.js';
import { GatewayProcess } from './support/gateway-process.js';
import { eventually, report } from './support/mode.js';

/**
 * Webhook delivery under failure, with real gateway processes (node dist/src/main.js) on one
 * database and a real HTTP receiver on loopback: a gateway killed with SIGKILL mid-delivery and
 * started again, a receiver that is down for a while, and three instances at once. Events are
 * written with the changes' own outbox writer (recordEvents), so what is checked is delivery
 * alone: every event reaches every subscription, duplicates carry the same webhook-id, and each
 * subscription sees the events in outbox order.
 */
describe('Webhook delivery: SIGKILL, a receiver down, three instances', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: pg.Client;
  let dataDir: string;
  let receiver: http.Server;
  let port = 0;
  const gateways: GatewayProcess[] = [];
  /** Per subscription (the path), the webhook-ids in the order they were answered 2xx. */
  const received = new Map<string, string[]>();

  async function listen(): Promise<void> {
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        // A little latency, so a kill lands while deliveries are in flight.
        setTimeout(() => {
          const list = received.get(req.url ?? '') ?? [];
          list.push(String(req.headers['webhook-id']));
          received.set(req.url ?? '', list);
          res.writeHead(200).end('ok');
        }, 5);
      });
    });
    await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
  }
  async function receiverDown(): Promise<void> {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
  async function subscribe(n: number): Promise<string[]> {
    const paths: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      await sql.query(
        `INSERT INTO event_subscriptions (id, org, url, types, scheme, secret, cursor, created_by)
         VALUES ($1, 'org-a', $2, '{*}', 'v1', $3, (SELECT coalesce(max(seq), 0) FROM event_outbox), 'test')`,
        [id, `http://127.0.0.1:${port}/${id}`, `whsec_${randomBytes(24).toString('base64')}`],
      );
      paths.push(`/${id}`);
    }
    return paths;
  }
  /** Writes `n` events in transactions of ten, as changes do, and publishes them; answers their ids in outbox order. */
  async function write(n: number): Promise<string[]> {
    for (let i = 0; i < n; i += 10) {
      await sql.query('BEGIN');
      await recordEvents(
        sql,
        Array.from({ length: Math.min(10, n - i) }, () => {
          const subject = randomUUID();
          return { type: 'agreement.amended' as const, subject, parties: ['org-a'], link: `/agreements/${subject}` };
        }),
      );
      await sql.query('COMMIT');
    }
    // Published here as the gateway's publisher would (this client is no gateway), so their order is known now.
    await sql.query(`SELECT event_outbox_publish_pending(2147483647)`);
    const rows = await sql.query<{ id: string }>(`SELECT id::text FROM event_outbox ORDER BY seq DESC LIMIT $1`, [n]);
    return rows.rows.map((r) => r.id).reverse();
  }
  /** Every subscription got every event; first receipts in outbox order; repeats only of ids already received. */
  async function allDelivered(paths: string[], ids: string[], timeoutMs: number): Promise<number> {
    await eventually(
      `${paths.length} subscriptions received ${ids.length} events each`,
      () => paths.every((p) => new Set(received.get(p)).size === ids.length),
      timeoutMs,
    );
    let duplicates = 0;
    for (const p of paths) {
      const got = received.get(p)!;
      expect([...new Set(got)]).toEqual(ids);
      duplicates += got.length - ids.length;
    }
    return duplicates;
  }
  const start = () =>
    GatewayProcess.start(db, {
      dataDir,
      name: `gateway-${gateways.length + 1}`,
      env: {
        DEMO: 'false',
        WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
        WEBHOOK_POLL_MS: '20',
        WEBHOOK_TIMEOUT_MS: '1000',
        WEBHOOK_BACKOFF_BASE_MS: '100',
        WEBHOOK_MAX_BACKOFF_MS: '500',
        WEBHOOK_MAX_ATTEMPTS: '100',
        CHECKPOINT_INTERVAL_MS: '3600000',
      },
    });

  beforeAll(async () => {
    db = await createTestDatabase('events');
    sql = new pg.Client({ connectionString: db.ownerUrl });
    await sql.connect();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-events-resilience-'));
    await listen();
    gateways.push(await start());
  }, 120_000);

  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await receiverDown().catch(() => undefined);
    await sql?.end();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('loses no event when the gateway is killed with SIGKILL mid-delivery and started again', async () => {
    const paths = await subscribe(3);
    const ids = await write(150);
    await eventually('deliveries are under way', () => paths.some((p) => (received.get(p)?.length ?? 0) >= 20));
    const before = paths.map((p) => received.get(p)?.length ?? 0);
    await gateways[0].kill();
    // Changes go on while no gateway runs: their events wait in the outbox.
    ids.push(...(await write(30)));
    await gateways[0].restart();
    const duplicates = await allDelivered(paths, ids, 50_000);
    expect(before.some((n) => n < ids.length)).toBe(true);
    report('events-sigkill', {
      subscriptions: paths.length,
      events: ids.length,
      deliveredBeforeKill: before,
      duplicates,
    });
  }, 60_000);

  it('loses no event while the receiver is down (connections refused) for several attempts, and keeps the order', async () => {
    const paths = await subscribe(2);
    const first = await write(20);
    await allDelivered(paths, first, 20_000);
    await receiverDown();
    const ids = [...first, ...(await write(40))];
    await eventually(
      'each subscription failed three attempts while the receiver was down',
      async () =>
        (
          await sql.query(
            `SELECT subscription_id FROM event_delivery_attempts WHERE NOT ok AND subscription_id = ANY ($1::uuid[])
              GROUP BY 1 HAVING count(*) >= 3`,
            [paths.map((p) => p.slice(1))],
          )
        ).rows.length === paths.length,
      20_000,
    );
    await listen();
    const duplicates = await allDelivered(paths, ids, 30_000);
    report('events-receiver-down', { subscriptions: paths.length, events: ids.length, duplicates });
  }, 60_000);

  it('with three instances on one database, delivers each event to each subscription in order, none lost', async () => {
    gateways.push(await start(), await start());
    const paths = await subscribe(6);
    const ids = await write(200);
    const duplicates = await allDelivered(paths, ids, 40_000);
    // Every instance answered 2xx and none crashed: a lease is held by one at a time, so nothing is sent twice.
    expect(duplicates).toBe(0);
    const instances = await sql.query<{ n: number }>(
      `SELECT count(DISTINCT split_part(instance, '/', 1))::int AS n FROM event_delivery_attempts WHERE subscription_id = ANY ($1::uuid[])`,
      [paths.map((p) => p.slice(1))],
    );
    report('events-three-instances', {
      subscriptions: paths.length,
      events: ids.length,
      instances: instances.rows[0].n,
    });
  }, 60_000);
});
