import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import pg from 'pg';
import request from 'supertest';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig, type LogLevel } from '../../src/config/app.config.js';
import { createApp } from '../../src/app.js';
import { JsonLogger } from '../../src/shared/observability/json-logger.js';
import { signRequestToken } from '../../src/shared/auth/request-token.js';
import type { OrgKind } from '../../src/shared/auth/roles.js';
import { OrganisationBootstrap } from '../../src/modules/organisations/index.js';
import { createTestDatabase } from './test-database.js';

export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: Record<string, unknown>;
  privateJwk: JWK;
}

export async function makeKey(kid: string, alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const pub = await exportJWK(publicKey);
  const priv = await exportJWK(privateKey);
  return {
    kid,
    privateKey: privateKey,
    publicJwk: { ...pub, kid, alg, use: 'sig' },
    privateJwk: { ...priv, kid, alg },
  };
}

export interface TestOrg {
  id: string;
  kind: OrgKind;
  key: TestKey;
}

export interface CallOptions {
  org: TestOrg;
  sub?: string;
  roles?: string[];
  attrs?: Record<string, unknown>;
  reason?: string;
  breakGlass?: boolean;
  /** Extra or overriding fields for signing (tests of bad tokens). */
  token?: string;
}

/**
 * A gateway built from AppModule on its own fresh database (cloned from the migrated template),
 * with test organisations whose private keys the test holds. DATA_DIR is a temp dir.
 */
export class TestGateway {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    readonly db: { name: string; appUrl: string; ownerUrl: string; drop: () => Promise<void> },
    readonly orgs: Record<string, TestOrg>,
    private readonly closeApp: () => Promise<void>,
    private readonly dataDir: string,
  ) {}

  /** `log` captures the structured log lines (silent otherwise). */
  static async start(
    opts: {
      env?: Record<string, string>;
      orgs?: { id: string; kind: OrgKind }[];
      log?: { level?: LogLevel; sink: (line: string) => void };
      /** Runs on the fresh database, as its owner, before the gateway starts. */
      prepare?: (ownerUrl: string) => Promise<void>;
    } = {},
  ): Promise<TestGateway> {
    const db = await createTestDatabase();
    await opts.prepare?.(db.ownerUrl);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-test-data-'));
    const admin = await makeKey('gateway-admin-1');
    const orgs: Record<string, TestOrg> = { gateway: { id: 'gateway', kind: 'GATEWAY', key: admin } };
    const list = opts.orgs ?? [
      { id: 'nps-north-east', kind: 'NPS' },
      { id: 'crc-durham-tees-valley', kind: 'CRC' },
      { id: 'crc-northumbria', kind: 'CRC' },
      { id: 'police-cleveland', kind: 'POLICE' },
      { id: 'police-durham', kind: 'POLICE' },
    ];
    for (const o of list) orgs[o.id] = { id: o.id, kind: o.kind, key: await makeKey(`${o.id}-k1`) };
    return TestGateway.boot(db, dataDir, orgs, opts.env ?? {}, opts.log);
  }

  /** Builds a gateway on `db` and registers `orgs` (an organisation already there keeps its key). */
  private static async boot(
    db: TestGateway['db'],
    dataDir: string,
    orgs: Record<string, TestOrg>,
    env: Record<string, string>,
    log?: { level?: LogLevel; sink: (line: string) => void },
  ): Promise<TestGateway> {
    const config = loadConfig({
      DATABASE_URL: db.appUrl,
      DATA_DIR: dataDir,
      DEMO: 'false',
      LOG_LEVEL: 'error',
      BOOTSTRAP_ADMIN_JWKS: JSON.stringify({ keys: [orgs.gateway.key.publicJwk] }),
      RATE_LIMIT_PER_SECOND: '100000',
      RATE_LIMIT_BURST: '100000',
      CHECKPOINT_INTERVAL_MS: '3600000',
      ...env,
    });
    const created = await createApp(config, {
      databaseUrl: db.appUrl,
      logger: log ? new JsonLogger(log.level ?? 'info', log.sink) : new JsonLogger('error', () => undefined),
    });
    const boot = created.app.get(OrganisationBootstrap);
    for (const o of Object.values(orgs).filter((x) => x.id !== 'gateway')) {
      await boot.ensureOrganisation({
        id: o.id,
        kind: o.kind,
        name: o.id,
        region: 'North East',
        keys: [o.key.publicJwk],
      });
    }
    return new TestGateway(created.app, config, db, orgs, () => created.close(), dataDir);
  }

  /**
   * Stops this gateway and starts another on the same database, data folder and organisations,
   * with `env` instead of the first start's (a restart with changed settings or files).
   */
  async restart(env: Record<string, string> = {}): Promise<TestGateway> {
    await this.closeApp();
    return TestGateway.boot(this.db, this.dataDir, this.orgs, env);
  }

  get http() {
    return request(this.app.getHttpServer());
  }

  /** Signs a token for a request, as a partner system would. */
  async token(method: string, pathWithQuery: string, o: CallOptions, body?: string): Promise<string> {
    return signRequestToken({
      privateKey: o.org.key.privateKey,
      alg: 'ES256',
      kid: o.org.key.kid,
      iss: o.org.id,
      sub: o.sub ?? 'user:test-1',
      aud: this.config.gatewayId,
      method,
      path: pathWithQuery,
      body,
      roles: o.roles,
      attrs: o.attrs,
      reason: o.reason,
      breakGlass: o.breakGlass,
    });
  }

  /** A signed JSON call: `await gw.call('GET', '/organisations', { org })`. */
  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', pathWithQuery: string, o: CallOptions, json?: unknown) {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const token = o.token ?? (await this.token(method, pathWithQuery, o, body));
    let r = this.http[method.toLowerCase() as 'get'](pathWithQuery).set('authorization', `Bearer ${token}`);
    if (body !== undefined) r = r.set('content-type', 'application/json').send(body);
    return r;
  }

  /** Runs SQL as the database owner (to inspect state the API does not show). */
  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.db.ownerUrl });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  async close(): Promise<void> {
    await this.closeApp();
    await this.db.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
