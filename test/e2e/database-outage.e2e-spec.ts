import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp, type CreatedApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app.config.js';
import { createDataSource } from '../../src/data-source.js';
import { OrganisationBootstrap } from '../../src/modules/organisations/index.js';
import { signRequestToken } from '../../src/shared/auth/request-token.js';
import { pgCtl, startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/shared/database/embedded-postgres.js';
import { runMigrations } from '../../src/shared/database/migrate.js';
import { JsonLogger } from '../../src/shared/observability/json-logger.js';
import { aKey, type TestKey } from '../factories/jwk.factory.js';
import { eventually, freePort } from '../setup/polling.js';

const PG_SETTINGS = { fsync: 'off', synchronous_commit: 'on' };

describe('Database outage (GET /health, GET /organisations under load)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-outage-pg-'));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-outage-data-'));
  const logs: string[] = [];
  let port: number;
  let pg: EmbeddedPostgres;
  let gateway: CreatedApp;
  let key: TestKey;
  let aud: string;

  beforeAll(async () => {
    port = await freePort();
    // synchronous_commit stays on: with it off an immediate stop loses the last ~200 ms of
    // acknowledged commits (the WAL writer's delay), such as the organisation key added just
    // before the load starts, and the gateway would rightly answer 401 after the restart.
    pg = await startEmbeddedPostgres({ dir, port, settings: PG_SETTINGS });
    const owner = createDataSource(pg.ownerUrl, { poolSize: 2 });
    await runMigrations(owner, {
      ownerUrl: pg.ownerUrl,
      appUser: pg.appUser,
      appPassword: pg.appPassword,
      log: () => undefined,
    });
    await owner.destroy();

    const admin = await aKey('gateway-admin-1');
    const config = loadConfig({
      DATABASE_URL: pg.appUrl,
      DATA_DIR: dataDir,
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      BOOTSTRAP_ADMIN_JWKS: JSON.stringify({ keys: [admin.publicJwk] }),
      RATE_LIMIT_PER_SECOND: '100000',
      RATE_LIMIT_BURST: '100000',
      // Keys expire from the cache quickly, so look-ups hit the dead database too.
      KEY_CACHE_TTL_MS: '200',
    });
    aud = config.gatewayId;
    gateway = await createApp(config, { databaseUrl: pg.appUrl, logger: new JsonLogger('warn', (l) => logs.push(l)) });
    key = await aKey('police-cleveland-k1');
    await gateway.app.get(OrganisationBootstrap).ensureOrganisation({
      id: 'police-cleveland',
      kind: 'POLICE',
      name: 'Cleveland Police',
      region: 'North East',
      keys: [key.publicJwk],
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await pg?.stop('immediate');
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const http = () => request(gateway.app.getHttpServer());
  const signedGet = async () => {
    const token = await signRequestToken({
      privateKey: key.privateKey,
      alg: 'ES256',
      kid: key.kid,
      iss: 'police-cleveland',
      sub: 'system:pnc',
      aud,
      method: 'GET',
      path: '/organisations',
    });
    return http().get('/organisations').set('authorization', `Bearer ${token}`);
  };

  it("survives a pooled connection's error while nobody else listens (a backend killed as it is released)", async () => {
    // Checked out of the pool directly: neither TypeORM's query runner nor pg-pool's idle listener holds it.
    const pool = (gateway.app.get(DataSource).driver as unknown as { master: pg.Pool }).master;
    const client = await pool.connect();
    try {
      expect(() =>
        client.emit('error', new Error('terminating connection due to administrator command')),
      ).not.toThrow();
    } finally {
      client.release(true);
    }
  });

  it('answers 503 while PostgreSQL is down and recovers by itself when it returns', async () => {
    // A response counts for a phase only when its request started and ended in that phase.
    type Phase = 'up' | 'stopping' | 'down' | 'starting' | 'recovered';
    let phase: Phase = 'up';
    let running = true;
    const seen: Record<Phase | 'across', number[]> = {
      up: [],
      stopping: [],
      down: [],
      starting: [],
      recovered: [],
      across: [],
    };
    const notProblems: unknown[] = [];
    const worker = async () => {
      while (running) {
        const at = phase;
        const res = await signedGet();
        seen[phase === at ? at : 'across'].push(res.status);
        if (res.status !== 200 && !/^application\/problem\+json/.test(res.headers['content-type'] ?? ''))
          notProblems.push({ status: res.status, type: res.headers['content-type'] });
      }
    };
    const load = Array.from({ length: 4 }, worker);
    const served = (p: Phase) => seen[p].filter((s) => s === 200).length;

    try {
      await eventually('the load is being served', () => served('up') >= 20);

      phase = 'stopping';
      await pgCtl(dir, 'stop', ['-m', 'immediate', '-w']);
      await eventually('/health reports the database down', async () => (await http().get('/health')).status === 503);
      phase = 'down';
      const health = await http().get('/health');
      expect(health.status).toBe(503);
      expect(health.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(health.body.checks.database.status).toBe('down');

      await eventually('the load sees 503s', () => seen.down.length >= 20);
      const refused = await signedGet();
      expect(refused.status).toBe(503);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused.body).toEqual(
        expect.objectContaining({
          type: expect.any(String),
          title: expect.any(String),
          status: 503,
          detail: expect.any(String),
        }),
      );
      expect(JSON.stringify(refused.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);

      phase = 'starting';
      pg = await startEmbeddedPostgres({ dir, port, settings: PG_SETTINGS });
      await eventually('/health is 200 again', async () => (await http().get('/health')).status === 200);
      phase = 'recovered';
      await eventually('the load is served again', () => served('recovered') >= 20);
      expect((await signedGet()).status).toBe(200);
    } finally {
      running = false;
      await Promise.all(load);
    }

    const summary = Object.fromEntries(Object.entries(seen).map(([p, list]) => [p, [...new Set(list)].sort()]));
    // Served before; only 503 while down; served again once /health says so; never anything else.
    expect(summary).toEqual({
      up: [200],
      stopping: expect.any(Array),
      down: [503],
      starting: expect.any(Array),
      recovered: [200],
      across: expect.any(Array),
    });
    expect(
      Object.values(seen)
        .flat()
        .filter((s) => s !== 200 && s !== 503),
    ).toEqual([]);
    expect(notProblems).toEqual([]);
    expect(logs.some((l) => /database/i.test(l))).toBe(true);
  }, 120_000);
});
