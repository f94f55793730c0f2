import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { createApp, type CreatedApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app.config.js';
import { createDataSource } from '../../src/data-source.js';
import {
  AccessLogWriter,
  type AccessLogEntryInput,
  type StoredAccessLogEntry,
} from '../../src/modules/access-log/index.js';
import { createAccessLogWriter } from '../../src/modules/access-log/access-log.providers.js';
import { verifyAccessLog } from '../../src/modules/access-log/application/log-verifier.js';
import { signRequestToken } from '../../src/shared/auth/request-token.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/shared/database/embedded-postgres.js';
import { runMigrations } from '../../src/shared/database/migrate.js';
import { UnavailableException } from '../../src/shared/errors/index.js';
import { JsonLogger } from '../../src/shared/observability/json-logger.js';
import { makeKey, TestGateway, type TestKey } from '../setup/test-app.js';
import { eventually, freePort } from '../setup/polling.js';

const anEntry = (n: number): AccessLogEntryInput => ({
  actor: { org: 'police-cleveland', sub: 'user:pc-1', roles: ['iom-officer'] },
  action: 'case.summary',
  resource: { type: 'case', id: 'X123456' },
  decision: 'ALLOW',
  reasons: [],
  requestId: `req-${n}`,
});

describe('AccessLogWriter fails closed', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await TestGateway.start();
  });
  afterAll(() => gw.close());

  it('answers 503 access_log_unavailable at once when the database cannot be reached', async () => {
    const log = createAccessLogWriter({
      connectionString: `postgres://gateway:x@127.0.0.1:${await freePort()}/postgres`,
      maxBatch: 64,
      statementTimeoutMs: 1000,
    });
    const started = Date.now();
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => log.writer.append(anEntry(n))));
    expect(Date.now() - started).toBeLessThan(3000);
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(UnavailableException);
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'access_log_unavailable' });
    }
    await log.close();
  });

  it('answers 503 within the lock timeout while an operator holds the head, releases nothing, and recovers', async () => {
    const ig = { org: gw.orgs.gateway, roles: ['ig-reviewer'] };
    const owner = new pg.Client({ connectionString: gw.db.ownerUrl });
    await owner.connect();
    try {
      await owner.query('BEGIN');
      await owner.query('LOCK TABLE access_log_head IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const res = await gw.call('GET', '/access-log', ig);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ type: 'urn:probation-gateway:problem:access_log_unavailable', status: 503 });
      expect(res.body.entries).toBeUndefined();
      expect(res.headers['retry-after']).toBeDefined();
      const health = await gw.http.get('/health');
      expect(health.status).toBe(503);
      expect(health.body.checks.accessLog.status).toBe('down');
    } finally {
      await owner.query('ROLLBACK');
      await owner.end();
    }
    expect((await gw.call('GET', '/access-log', ig)).status).toBe(200);
    expect((await gw.http.get('/health')).body.checks.accessLog.status).toBe('up');
  });

  it('replaces its connection after the server kills it, never acknowledging an unwritten entry', async () => {
    const writer = gw.app.get(AccessLogWriter);
    await writer.append(anEntry(1));
    const killed = await gw.sql<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'probation-gateway-access-log' AND datname = current_database()`,
    );
    expect(killed).toEqual([{ ok: true }]);
    // The first append may land on the dying connection and be refused; one must then succeed.
    const first = await writer.append(anEntry(2)).catch((e: unknown) => e);
    const receipt = first instanceof UnavailableException ? await writer.append(anEntry(3)) : first;
    const [row] = await gw.sql<{ leaf_hash: Buffer }>('SELECT leaf_hash FROM access_log_entries WHERE idx = $1', [
      (receipt as { index: number }).index,
    ]);
    expect(row.leaf_hash.toString('base64')).toBe((receipt as { leafHash: string }).leafHash);
  });
});

/**
 * PostgreSQL is stopped hard (immediate: a crash) while IG searches keep arriving; each search
 * logs itself before answering. Every 2xx must have its entry, everything else must be 503, and
 * after the restart the log must verify.
 */
describe('Database stopped mid-load (GET /access-log)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-log-crash-pg-'));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-log-crash-data-'));
  // synchronous_commit stays on: an acknowledged commit must survive the crash.
  const settings = { fsync: 'off' };
  let port: number;
  let server: EmbeddedPostgres;
  let gateway: CreatedApp;
  let admin: TestKey;
  let aud: string;

  beforeAll(async () => {
    port = await freePort();
    server = await startEmbeddedPostgres({ dir, port, settings });
    const owner = createDataSource(server.ownerUrl, { poolSize: 2 });
    await runMigrations(owner, {
      ownerUrl: server.ownerUrl,
      appUser: server.appUser,
      appPassword: server.appPassword,
      log: () => undefined,
    });
    await owner.destroy();
    admin = await makeKey('gateway-admin-1');
    const config = loadConfig({
      DATABASE_URL: server.appUrl,
      DATA_DIR: dataDir,
      DEMO: 'false',
      LOG_LEVEL: 'error',
      BOOTSTRAP_ADMIN_JWKS: JSON.stringify({ keys: [admin.publicJwk] }),
      RATE_LIMIT_PER_SECOND: '100000',
      RATE_LIMIT_BURST: '100000',
      KEY_CACHE_TTL_MS: '200',
      DB_STATEMENT_TIMEOUT_MS: '2000',
      CHECKPOINT_INTERVAL_MS: '3600000',
    });
    aud = config.gatewayId;
    gateway = await createApp(config, { databaseUrl: server.appUrl, logger: new JsonLogger('error', () => undefined) });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await server?.stop('immediate');
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('answers 2xx only for logged requests, 503 for the rest, and verifies after the restart', async () => {
    const http = () => request(gateway.app.getHttpServer());
    const answers: { id: string; status: number }[] = [];
    let running = true;
    let n = 0;
    const worker = async () => {
      while (running) {
        const id = `load-${n++}`;
        const token = await signRequestToken({
          privateKey: admin.privateKey,
          alg: 'ES256',
          kid: admin.kid,
          iss: 'gateway',
          sub: 'user:ig-1',
          aud,
          method: 'GET',
          path: '/access-log?limit=1',
          roles: ['ig-reviewer'],
        });
        const res = await http()
          .get('/access-log?limit=1')
          .set('authorization', `Bearer ${token}`)
          .set('x-request-id', id);
        answers.push({ id, status: res.status });
      }
    };
    const load = Array.from({ length: 8 }, worker);
    const ok = () => answers.filter((a) => a.status === 200).length;
    try {
      await eventually('the load is served', () => ok() >= 50);
      await server.stop('immediate');
      const before = answers.length;
      await eventually(
        'the load sees the outage',
        () => answers.slice(before).filter((a) => a.status === 503).length >= 20,
      );
      server = await startEmbeddedPostgres({ dir, port, settings });
      const served = ok();
      await eventually('the load is served again', () => ok() >= served + 50, 60_000);
    } finally {
      running = false;
      await Promise.all(load);
    }

    expect([...new Set(answers.map((a) => a.status))].sort()).toEqual([200, 503]);
    const owner = new pg.Client({ connectionString: server.ownerUrl });
    await owner.connect();
    try {
      const rows = (
        await owner.query<{ entry: Buffer }>(`SELECT entry FROM access_log_entries WHERE action = 'access-log.search'`)
      ).rows;
      const logged = new Set(rows.map((r) => (JSON.parse(r.entry.toString('utf8')) as StoredAccessLogEntry).requestId));
      const unlogged = answers.filter((a) => a.status === 200 && !logged.has(a.id));
      expect(unlogged).toEqual([]);
    } finally {
      await owner.end();
    }
    const checkpoint = await http()
      .post('/access-log/checkpoints')
      .set(
        'authorization',
        `Bearer ${await signRequestToken({ privateKey: admin.privateKey, alg: 'ES256', kid: admin.kid, iss: 'gateway', sub: 'user:ig-1', aud, method: 'POST', path: '/access-log/checkpoints', roles: ['ig-reviewer'] })}`,
      );
    expect(checkpoint.status).toBe(200);
    const verifier = new pg.Client({ connectionString: server.appUrl });
    await verifier.connect();
    try {
      const report = await verifyAccessLog(verifier);
      expect(report).toMatchObject({ ok: true, problemCount: 0, checkpointsChecked: 1 });
      expect(report.treeSize).toBeGreaterThanOrEqual(ok());
    } finally {
      await verifier.end();
    }
  }, 180_000);
});
