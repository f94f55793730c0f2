import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './app.config.js';

const PUBLIC_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  kid: 'admin-1',
};
const PRIVATE_JWK = { ...PUBLIC_JWK, d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI' };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe(loadConfig.name, () => {
  it('has working defaults for an empty environment (embedded database, demo on)', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      migrationDatabaseUrl: undefined,
      dataDir: path.resolve('.data'),
      gatewayId: 'probation-gateway',
      demo: true,
      logLevel: 'info',
      bodyLimitBytes: 1_048_576,
      maxTokenBytes: 8192,
      bootstrapAdminJwks: undefined,
      gatewaySigningKey: undefined,
      metricsPort: 0,
      metricsHost: '127.0.0.1',
      demoIdpPort: 3001,
      otlpEndpoint: undefined,
      dbPreparedStatements: true,
      logRetentionDays: 2192,
      logPruneIntervalMs: 3_600_000,
      logIntegrator: 'shared',
      logIntegratorRetryMs: 1000,
    });
    expect(c.rateLimitPerSecond).toBeGreaterThan(0);
    expect(c.rateLimitBurst).toBeGreaterThan(0);
  });

  it('reads every variable it is given', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://gateway:pw@db:5432/gateway',
      MIGRATION_DATABASE_URL: 'postgresql://owner:pw@db:5432/gateway',
      DATA_DIR: '/var/lib/gateway',
      GATEWAY_ID: 'gw.test-1',
      DEMO: 'yes',
      BOOTSTRAP_ADMIN_JWKS: JSON.stringify({ keys: [PUBLIC_JWK] }),
      GATEWAY_SIGNING_KEY: JSON.stringify(PRIVATE_JWK),
      LOG_LEVEL: 'DEBUG',
      BODY_LIMIT_BYTES: '2048',
      RATE_LIMIT_PER_SECOND: '7',
      RATE_LIMIT_BURST: '9',
      KEY_CACHE_TTL_MS: '1000',
      TRUST_PROXY: 'true',
      DB_PREPARED_STATEMENTS: 'false',
      METRICS_PORT: '9464',
      METRICS_HOST: '0.0.0.0',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
      LOG_RETENTION_DAYS: '365',
      LOG_PRUNE_INTERVAL_MS: '60000',
      LOG_INTEGRATOR: 'Each',
      LOG_INTEGRATOR_RETRY_MS: '250',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://gateway:pw@db:5432/gateway',
      migrationDatabaseUrl: 'postgresql://owner:pw@db:5432/gateway',
      dataDir: '/var/lib/gateway',
      gatewayId: 'gw.test-1',
      demo: true,
      bootstrapAdminJwks: { keys: [PUBLIC_JWK] },
      gatewaySigningKey: PRIVATE_JWK,
      logLevel: 'debug',
      bodyLimitBytes: 2048,
      rateLimitPerSecond: 7,
      rateLimitBurst: 9,
      keyCacheTtlMs: 1000,
      trustProxy: true,
      dbPreparedStatements: false,
      metricsPort: 9464,
      metricsHost: '0.0.0.0',
      otlpEndpoint: 'http://otel-collector:4318',
      logRetentionDays: 365,
      logIntegrator: 'each',
      logIntegratorRetryMs: 250,
      logPruneIntervalMs: 60_000,
    });
  });

  it('turns the demo off by default on an external database, and uses DATABASE_URL for migrations when no owner URL is given', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u:p@h/db' });
    expect(c.demo).toBe(false);
    expect(c.migrationDatabaseUrl).toBe('postgres://u:p@h/db');
  });

  it('reads BOOTSTRAP_ADMIN_JWKS from a file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-config-'));
    try {
      const file = path.join(dir, 'admin.jwks.json');
      writeFileSync(file, JSON.stringify({ keys: [PUBLIC_JWK] }));
      expect(loadConfig({ BOOTSTRAP_ADMIN_JWKS: file }).bootstrapAdminJwks).toEqual({ keys: [PUBLIC_JWK] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['PORT', 'http', /integer/],
    ['PORT', '70000', /between 0 and 65535/],
    ['PORT', '-1', /between/],
    ['PORT', '3000.5', /integer/],
    ['DATABASE_URL', 'not a url', /postgres:\/\//],
    ['DATABASE_URL', 'mysql://u:p@h/db', /postgres:\/\/ scheme/],
    ['DATABASE_URL', 'postgres://u:p@h', /database/],
    ['DATABASE_URL', 'postgres://u:p@db1:5432,db2:5432/gateway', /target_session_attrs=read-write/],
    ['DATABASE_URL', 'postgres://u:p@db1:5432,db2:x/gateway?target_session_attrs=read-write', /invalid port "x"/],
    ['MIGRATION_DATABASE_URL', 'postgres://u:p@db1,db1/gateway?target_session_attrs=read-write', /twice/],
    ['GATEWAY_ID', 'Probation Gateway', /lowercase/],
    ['DEMO', 'maybe', /true or false/],
    ['BOOTSTRAP_ADMIN_JWKS', '{"keys": ', /not valid JSON/],
    ['BOOTSTRAP_ADMIN_JWKS', '{"keys": []}', /non-empty "keys"/],
    ['BOOTSTRAP_ADMIN_JWKS', '{"kty": "EC"}', /JWKS/],
    ['BOOTSTRAP_ADMIN_JWKS', '/no/such/file.json', /path of a readable file/],
    ['GATEWAY_SIGNING_KEY', JSON.stringify(PUBLIC_JWK), /private JWK/],
    ['GATEWAY_SIGNING_KEY', '{oops', /not valid JSON/],
    ['LOG_LEVEL', 'verbose', /one of error, warn, info, debug/],
    ['LOG_INTEGRATOR', 'leader', /shared or each/],
    ['LOG_INTEGRATOR_RETRY_MS', '10', /between 50/],
    ['BODY_LIMIT_BYTES', '10', /between 1024/],
    ['BODY_LIMIT_BYTES', '1mb', /integer/],
    ['RATE_LIMIT_PER_SECOND', '0', /between 1/],
    ['RATE_LIMIT_BURST', 'lots', /integer/],
    ['KEY_CACHE_TTL_MS', '3600000', /between 0 and 60000/],
    ['REQUEST_TIMEOUT_MS', '5', /between 100/],
    ['DB_POOL_SIZE', '1', /between 2/],
    ['EMBEDDED_PG_PORT', '80', /between 1024/],
    ['TRUST_PROXY', 'sometimes', /true or false/],
    ['DB_PREPARED_STATEMENTS', 'off', /true or false/],
    ['METRICS_PORT', '70000', /between 0 and 65535/],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', /http/],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'grpc://collector:4317', /http:\/\/ or https:\/\//],
    ['SMTP_URL', 'http://mail.example', /smtp or smtps/],
    ['SMTP_URL', 'not a url', /URL/],
    ['EMAIL_FROM', 'gateway', /e-mail address/],
    ['EMAIL_CONTACTS', '{"nps-north-east": {"dpo": ["a@nps.example"]}}', /data-owner, signatory, ig/],
    ['EMAIL_CONTACTS', '{"nps-north-east": {"ig": ["not an address"]}}', /list of e-mail addresses/],
    ['EMAIL_CONTACTS', '["a@nps.example"]', /organisation id/],
    ['EMAIL_CONTACTS', '{"nps-north-east": {"people": {"user:a": "nobody"}}}', /map each sub to an e-mail address/],
  ])('refuses %s=%s, naming the variable', (variable, value, problem) => {
    const e = configError({ [variable]: value });
    expect(e.variable).toBe(variable);
    expect(e.message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect(e.message).toMatch(problem);
  });

  it('takes a multi-host DATABASE_URL with target_session_attrs=read-write as it is', () => {
    const url = 'postgres://gateway:pw@db1:5432,db2:5432/gateway?target_session_attrs=read-write';
    expect(loadConfig({ DATABASE_URL: url })).toMatchObject({ databaseUrl: url, migrationDatabaseUrl: url });
  });

  it('refuses MIGRATION_DATABASE_URL without DATABASE_URL', () => {
    const e = configError({ MIGRATION_DATABASE_URL: 'postgres://owner:pw@db/gateway' });
    expect(e.variable).toBe('MIGRATION_DATABASE_URL');
  });

  it('derives the log origin from GATEWAY_ID and reads the witnesses with their quorum', () => {
    expect(loadConfig({ GATEWAY_ID: 'gw.example' })).toMatchObject({
      logOrigin: 'gw.example/access-log',
      witnesses: [],
      witnessQuorum: 0,
    });
    const key = 'witness.example/w1+1cdb1282+BLoAKmsVdxGRsp8WvtoUjeMk+u5SWNP5Ys8/3RviDpoK';
    const witnesses = JSON.stringify([
      { url: 'https://w1.example/', key },
      { url: 'http://127.0.0.1:3141', key },
    ]);
    expect(loadConfig({ WITNESSES: witnesses })).toMatchObject({
      witnesses: [
        { url: 'https://w1.example', key },
        { url: 'http://127.0.0.1:3141', key },
      ],
      witnessQuorum: 2,
    });
    expect(loadConfig({ WITNESSES: witnesses, WITNESS_QUORUM: '1' }).witnessQuorum).toBe(1);
    expect(configError({ WITNESSES: witnesses, WITNESS_QUORUM: '3' }).variable).toBe('WITNESS_QUORUM');
    expect(configError({ WITNESSES: witnesses, WITNESS_QUORUM: '0' }).variable).toBe('WITNESS_QUORUM');
    expect(configError({ WITNESSES: '[{"url":"ftp://x","key":"a+00000000+AA=="}]' }).variable).toBe('WITNESSES');
    expect(configError({ WITNESSES: '[{"url":"https://x"}]' }).variable).toBe('WITNESSES');
    expect(configError({ LOG_ORIGIN: 'has space' }).variable).toBe('LOG_ORIGIN');
    const bad = configError({ LOG_NOTE_KEY: 'PRIVATE+KEY+secretish' });
    expect([bad.variable, bad.message.includes('secretish')]).toEqual(['LOG_NOTE_KEY', false]);
  });

  it('never echoes a secret it refuses', () => {
    const e = configError({ GATEWAY_SIGNING_KEY: JSON.stringify({ ...PUBLIC_JWK, d: 123 }) });
    expect(e.message).not.toContain('f83OJ3D2');
  });
});

describe('gateway start-up with an invalid configuration', () => {
  // The compiled entry point (npm test builds dist/ before Jest runs).
  const main = path.resolve('dist/src/main.js');

  it('stops at once with exit code 2 and a message naming the variable', () => {
    const r = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH, PORT: 'eighty', DATA_DIR: os.tmpdir() },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Invalid configuration: PORT must be an integer/);
    expect(r.stdout).toBe('');
  });
});
