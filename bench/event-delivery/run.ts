// Webhook delivery benchmark (issue 16): one gateway process (node dist/src/main.js, default
// WEBHOOK_* settings but WEBHOOK_ALLOW_HOSTS=127.0.0.1) on a fresh embedded PostgreSQL with fsync
// on, `--subscriptions` webhooks of one organisation (Ed25519-signed, the default scheme) and a
// receiver on loopback in this process that answers 200 at once. Events are agreement events for
// that organisation, written with the changes' own outbox writer (recordEvents).
//
// - burst: `--burst` events committed at once (burst x subscriptions deliveries); deliveries per
//   second from the commit to the last receipt. Baseline, same run: plain POSTs of a signed-size
//   body from this process to the same receiver, `--concurrency` at a time (what loopback HTTP
//   and the receiver allow here, with no gateway in between).
// - steady: `--rate` events per second for `--duration` ms, one per transaction; change-to-delivery
//   delay (from just before each COMMIT to its receipt), p50 and p99 over every delivery.
//
//   node scripts/build.mjs && node dist/bench/event-delivery/run.js [--subscriptions 100] [--burst 50]
//     [--rate 10] [--duration 10000] [--concurrency 32] [--json file]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { LatencyHistogram } from '../lib/histogram.js';
import { getFreePort, startNodeScript, type StartedProcess } from '../lib/spawn.js';
import { cpuSnapshot, postgresPids, waitForQuiet } from '../lib/system.js';
import { printTable, type ResultRow } from '../lib/table.js';
import { createDataSource } from '../../src/data-source.js';
import { startEmbeddedPostgres } from '../../src/shared/database/embedded-postgres.js';
import { runMigrations } from '../../src/shared/database/migrate.js';
import { recordEvents } from '../../src/shared/events/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const log = (m: string) => process.stderr.write(`${m}\n`);
const ORG = 'bench-partner';

function parse(argv: string[]) {
  const s = {
    subscriptions: 100,
    burst: 50,
    rate: 10,
    durationMs: 10_000,
    concurrency: 32,
    json: false as boolean | string,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      return v;
    };
    if (a === '--subscriptions') s.subscriptions = num();
    else if (a === '--burst') s.burst = num();
    else if (a === '--rate') s.rate = num();
    else if (a === '--duration') s.durationMs = num();
    else if (a === '--concurrency') s.concurrency = num();
    else if (a === '--json') s.json = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
    else throw new Error(`unknown argument ${a} (see the header of bench/event-delivery/run.ts)`);
  }
  return s;
}

/** The receiver: counts deliveries and, for events it is told the commit time of, their delay. */
class Receiver {
  readonly committedAt = new Map<string, number>();
  readonly delays = new LatencyHistogram();
  received = 0;
  lastAt = 0;
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      this.received++;
      this.lastAt = now;
      if (req.url !== '/plain') {
        const { subject } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { subject: string };
        const t0 = this.committedAt.get(subject);
        if (t0 !== undefined) this.delays.recordMs(now - t0);
      }
      res.writeHead(200).end();
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async until(count: number, timeoutMs: number): Promise<boolean> {
    const end = performance.now() + timeoutMs;
    while (this.received < count) {
      if (performance.now() > end) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/**
 * Writes `n` events in one transaction, as one change does, and publishes them as the committing
 * instance's OutboxPublisher does after the commit; answers the time just before COMMIT.
 */
async function commitEvents(sql: pg.Client, n: number, receiver: Receiver | null): Promise<number> {
  const subjects = Array.from({ length: n }, () => randomUUID());
  await sql.query('BEGIN');
  await recordEvents(
    sql,
    subjects.map((subject) => ({
      type: 'agreement.amended' as const,
      subject,
      parties: [ORG],
      link: `/agreements/${subject}`,
    })),
  );
  const t0 = performance.now();
  if (receiver) for (const s of subjects) receiver.committedAt.set(s, t0);
  await sql.query('COMMIT');
  await sql.query(`SELECT event_outbox_publish_pending(1000)`);
  return t0;
}

/** Plain POSTs of a body the size of a signed event to the receiver, `concurrency` at a time. */
async function plainPosts(base: string, total: number, concurrency: number): Promise<number> {
  const body = JSON.stringify({
    specversion: '1.0',
    id: randomUUID(),
    type: 'agreement.amended',
    pad: 'x'.repeat(300),
  });
  let left = total;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        await new Promise<void>((resolve, reject) => {
          const req = http.request(`${base}/plain`, { method: 'POST', agent: false }, (res) => {
            res.resume();
            res.on('end', () => resolve());
          });
          req.on('error', reject);
          req.end(body);
        });
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const s = parse(process.argv.slice(2));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-bench-events-'));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-bench-events-data-'));
  const server = await startEmbeddedPostgres({ dir, port: await getFreePort() });
  const receiver = new Receiver();
  let gateway: StartedProcess | undefined;
  const sql = new pg.Client({ connectionString: server.ownerUrl });
  try {
    const owner = createDataSource(server.ownerUrl, { poolSize: 2 });
    await runMigrations(owner, {
      ownerUrl: server.ownerUrl,
      appUser: server.appUser,
      appPassword: server.appPassword,
      log: () => undefined,
    });
    await owner.destroy();
    await sql.connect();
    const base = await receiver.listen();
    for (let i = 0; i < s.subscriptions; i++)
      await sql.query(
        `INSERT INTO event_subscriptions (id, org, url, types, scheme, secret, cursor, created_by) VALUES ($1, $2, $3, '{*}', 'v1a', NULL, 0, 'bench')`,
        [randomUUID(), ORG, `${base}/hook/${i}`],
      );
    const port = await getFreePort();
    log('starting the gateway');
    gateway = await startNodeScript({
      script: path.join(root, 'dist/src/main.js'),
      cwd: root,
      env: {
        DATABASE_URL: server.appUrl,
        MIGRATION_DATABASE_URL: server.ownerUrl,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        DEMO: 'false',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      },
      readyUrl: `http://127.0.0.1:${port}/health`,
      readyTimeoutMs: 120_000,
      name: 'gateway',
    });

    // The machine may be shared: wait (a while) until others leave it, and say when they did not.
    const machine = await waitForQuiet({ pids: [gateway.pid], maxForeignPercent: 20, timeoutMs: 60_000 });
    const busy = machine.quiet ? '' : `; machine busy: others used ${Math.round(machine.foreignPercent)}% of a core`;
    const burstDeliveries = s.burst * s.subscriptions;
    log(`burst: ${s.burst} events x ${s.subscriptions} subscriptions`);
    const serving = () => [gateway!.pid, ...postgresPids(server.dataDir)];
    const cpuBefore = await cpuSnapshot(serving());
    const burstFrom = await commitEvents(sql, s.burst, null);
    const burstDone = await receiver.until(burstDeliveries, 120_000);
    const burstRate = receiver.received / ((receiver.lastAt - burstFrom) / 1000);
    // CPU the gateway and PostgreSQL spent on the burst (a backend started during it counts from 0).
    const cpuAfter = await cpuSnapshot(serving());
    let cpuMs = 0;
    for (const [pid, ms] of cpuAfter.pids) {
      const spent = ms - (cpuBefore.pids.get(pid) ?? 0);
      if (Number.isFinite(spent)) cpuMs += spent;
    }
    const cpuPerDelivery = cpuMs / receiver.received;

    log(`baseline: ${burstDeliveries} plain POSTs, ${s.concurrency} at a time`);
    const plainRate = await plainPosts(base, burstDeliveries, s.concurrency);
    const afterPlain = receiver.received;

    log(`steady: ${s.rate} events/s for ${s.durationMs} ms`);
    const events = Math.round((s.rate * s.durationMs) / 1000);
    const steadyFrom = performance.now();
    for (let i = 0; i < events; i++) {
      const due = steadyFrom + (i * 1000) / s.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await commitEvents(sql, 1, receiver);
    }
    const steadyDone = await receiver.until(afterPlain + events * s.subscriptions, 60_000);
    const steadyRate = (receiver.received - afterPlain) / ((receiver.lastAt - steadyFrom) / 1000);

    const rows: ResultRow[] = [
      {
        name: `burst deliveries/s (${s.subscriptions} subscriptions)`,
        figure: Math.round(burstRate),
        unit: 'deliveries/s',
        target: 1000,
        baseline: Math.round(plainRate),
        note: `${burstDeliveries} deliveries${burstDone ? '' : ' (NOT all delivered in 120 s)'}; baseline: plain loopback POSTs, ${s.concurrency} at a time${busy}`,
      },
      {
        name: 'CPU per delivery: gateway + PostgreSQL',
        figure: Math.round(cpuPerDelivery * 100) / 100,
        unit: 'ms',
        better: 'lower',
        note: `so ${os.cpus().length} idle cores could deliver about ${Math.round((os.cpus().length * 1000) / cpuPerDelivery)}/s: an estimate, less sensitive to other jobs than the rate`,
      },
      {
        name: `steady deliveries/s (${s.rate} events/s)`,
        figure: Math.round(steadyRate),
        unit: 'deliveries/s',
        note: steadyDone ? undefined : 'NOT all delivered within 60 s of the last event',
      },
      {
        name: 'change-to-delivery p50',
        figure: Math.round(receiver.delays.percentileMs(50)),
        unit: 'ms',
        better: 'lower',
      },
      {
        name: 'change-to-delivery p99',
        figure: Math.round(receiver.delays.percentileMs(99)),
        unit: 'ms',
        better: 'lower',
        target: 1000,
        note: `${receiver.delays.count} deliveries; WEBHOOK_POLL_MS default 250${busy}`,
      },
    ];
    const cpus = os.cpus();
    await printTable(rows, {
      title: `Webhook delivery (${s.subscriptions} subscriptions, ${cpus.length} x ${cpus[0]?.model ?? 'cpu'})`,
      json: s.json,
      meta: { settings: s, cpus: cpus.length, cpuModel: cpus[0]?.model },
    });
  } finally {
    await gateway?.stop();
    await receiver.close();
    await sql.end().catch(() => undefined);
    await server.stop('fast');
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`event-delivery benchmark failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
