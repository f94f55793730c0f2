import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePostgresUrl, PostgresUrlError } from '@shared/database/postgres-url.js';
import { EventsConfigError, loadEventsConfig, type EventsConfig } from './events.config.js';

/** Log levels in increasing verbosity. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The validated configuration of one gateway process. Built once at start-up from the environment. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** The application's connection (a role with least privilege); undefined means embedded PostgreSQL. */
  readonly databaseUrl: string | undefined;
  /** The owner's connection, used only to run migrations; defaults to databaseUrl. */
  readonly migrationDatabaseUrl: string | undefined;
  readonly dataDir: string;
  readonly embeddedPgPort: number;
  readonly gatewayId: string;
  readonly demo: boolean;
  readonly demoCases: number;
  /** Public JWKS for the operator organisation `gateway`, already parsed. */
  readonly bootstrapAdminJwks: { keys: Record<string, unknown>[] } | undefined;
  /** The gateway's private signing JWK, already parsed; undefined means "create or load under dataDir". */
  readonly gatewaySigningKey: Record<string, unknown> | undefined;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  readonly maxTokenBytes: number;
  readonly rateLimitPerSecond: number;
  readonly rateLimitBurst: number;
  readonly keyCacheTtlMs: number;
  readonly requestTimeoutMs: number;
  readonly dbPoolSize: number;
  readonly dbStatementTimeoutMs: number;
  /** Hot statements are named prepared statements (parsed and planned once per connection); false for a pooler that cannot keep them. */
  readonly dbPreparedStatements: boolean;
  readonly checkpointIntervalMs: number;
  readonly logBatchMaxEntries: number;
  /** `shared`: one instance at a time integrates every instance's log entries (the leader); `each`: every instance appends its own (the earlier design). */
  readonly logIntegrator: 'shared' | 'each';
  /** How often an instance that does not integrate tries to take over, and the integrator looks for queued entries. */
  readonly logIntegratorRetryMs: number;
  /** How often each instance integrates log intents left queued this long (a crash between a change's commit and its integration). */
  readonly logIntentSweepMs: number;
  /** Access-log entry bodies older than this many days are pruned (their leaf hashes stay); the database's floor still applies. */
  readonly logRetentionDays: number;
  /** How often each instance prunes the access-log entries that are due. */
  readonly logPruneIntervalMs: number;
  readonly trustProxy: boolean;
  /** Folder of the versioned policy files (YAML). */
  readonly policiesDir: string;
  /** Folder of the versioned retention schedule (YAML, retention/*.yaml). */
  readonly retentionDir: string;
  /** How often each instance runs the retention job (one instance at a time erases). */
  readonly retentionIntervalMs: number;
  /** Misuse detection: more distinct cases than this read by one actor in an hour is flagged. */
  readonly bulkAccessThreshold: number;
  /** Webhooks and the event feed (WEBHOOK_*). */
  readonly events: EventsConfig;
  /** A second listener serving only GET /metrics, without signed requests; 0 = none. */
  readonly metricsPort: number;
  readonly metricsHost: string;
  /** Demo mode: the port of the demo identity provider people sign in at (0 = any free port). */
  readonly demoIdpPort: number;
  /** OTLP/HTTP base URL spans are exported to (`<url>/v1/traces`); undefined = no tracing export. */
  readonly otlpEndpoint: string | undefined;
  /** The C2SP checkpoint origin line of the access log (also the note key's name). */
  readonly logOrigin: string;
  /** The log's Ed25519 note key as `PRIVATE+KEY+<name>+<hex id>+<base64>`; undefined means "create or load under dataDir". */
  readonly logNoteKey: string | undefined;
  /** Witnesses asked to cosign each new checkpoint: their add-checkpoint prefix and cosignature verifier key. */
  readonly witnesses: readonly WitnessConfig[];
  /** Cosignatures a checkpoint needs before GET /log/checkpoint serves it (k of n). */
  readonly witnessQuorum: number;
  readonly witnessTimeoutMs: number;
}

export interface WitnessConfig {
  /** The submission prefix: add-checkpoint is POSTed to `${url}/add-checkpoint`. */
  readonly url: string;
  /** The witness's cosignature/v1 verifier key (`<name>+<hex id>+<base64(0x04 || key)>`). */
  readonly key: string;
}

/** Raised when the environment holds an invalid value: the message names the variable and the problem. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return def;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer between ${min} and ${max} (got "${raw}")`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be an integer between ${min} and ${max} (got ${n})`);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = str(env, name);
  if (raw === undefined) return def;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function postgresUrl(env: Env, name: string): string | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  try {
    parsePostgresUrl(raw);
  } catch (e) {
    if (e instanceof PostgresUrlError) throw new ConfigError(name, e.message);
    throw e;
  }
  return raw;
}

/** A JSON value given inline or as a path to a file holding it. */
function jsonOrFile(env: Env, name: string): unknown {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  let text = raw;
  if (!raw.startsWith('{')) {
    if (!existsSync(raw)) throw new ConfigError(name, 'must be JSON text or the path of a readable file holding JSON');
    text = readFileSync(raw, 'utf8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError(name, 'is not valid JSON');
  }
}

function httpUrl(env: Env, name: string): string | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be an http:// or https:// URL such as http://otel-collector:4318');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(name, `must use http:// or https:// (got "${url.protocol}")`);
  return raw;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** WITNESSES: a JSON array of { url, key } (inline or a file), each url http(s) and each key a cosignature vkey. */
function witnessList(env: Env, name: string): WitnessConfig[] {
  const raw = str(env, name);
  if (raw === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw.startsWith('[') ? raw : existsSync(raw) ? readFileSync(raw, 'utf8') : raw);
  } catch {
    throw new ConfigError(name, 'must be a JSON array of { "url", "key" } or the path of a file holding one');
  }
  if (!Array.isArray(value)) throw new ConfigError(name, 'must be a JSON array of { "url", "key" }');
  return value.map((w, i) => {
    if (!isObject(w) || typeof w.url !== 'string' || typeof w.key !== 'string')
      throw new ConfigError(name, `entry ${i} must be { "url": string, "key": string }`);
    let url: URL;
    try {
      url = new URL(w.url);
    } catch {
      throw new ConfigError(name, `entry ${i} has an invalid url`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new ConfigError(name, `entry ${i} must use http or https`);
    if (!/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/.test(w.key))
      throw new ConfigError(name, `entry ${i} key must be a verifier key <name>+<hex key id>+<base64>`);
    return { url: w.url.replace(/\/+$/, ''), key: w.key };
  });
}

/**
 * Reads and validates the whole configuration. This module is the only place that reads
 * `process.env`; everything else receives an AppConfig.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const databaseUrl = postgresUrl(env, 'DATABASE_URL');
  const migrationDatabaseUrl = postgresUrl(env, 'MIGRATION_DATABASE_URL') ?? databaseUrl;
  if (migrationDatabaseUrl && !databaseUrl)
    throw new ConfigError('MIGRATION_DATABASE_URL', 'is only used together with DATABASE_URL');

  const gatewayId = str(env, 'GATEWAY_ID') ?? 'probation-gateway';
  if (!/^[a-z0-9][a-z0-9.-]{0,62}$/.test(gatewayId)) {
    throw new ConfigError(
      'GATEWAY_ID',
      `must be a lowercase identifier of letters, digits, dots and dashes (got "${gatewayId}")`,
    );
  }

  const jwks = jsonOrFile(env, 'BOOTSTRAP_ADMIN_JWKS');
  if (
    jwks !== undefined &&
    !(isObject(jwks) && Array.isArray(jwks.keys) && jwks.keys.length > 0 && jwks.keys.every(isObject))
  ) {
    throw new ConfigError(
      'BOOTSTRAP_ADMIN_JWKS',
      'must be a JWKS: an object with a non-empty "keys" array of JWK objects',
    );
  }
  const signingKey = jsonOrFile(env, 'GATEWAY_SIGNING_KEY');
  if (signingKey !== undefined && !(isObject(signingKey) && typeof signingKey.d === 'string')) {
    throw new ConfigError('GATEWAY_SIGNING_KEY', 'must be a private JWK (EC P-256 or Ed25519) with its "d" member');
  }

  const logIntegrator = (str(env, 'LOG_INTEGRATOR') ?? 'shared').toLowerCase();
  if (logIntegrator !== 'shared' && logIntegrator !== 'each')
    throw new ConfigError('LOG_INTEGRATOR', `must be shared or each (got "${logIntegrator}")`);
  const logLevel = (str(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }

  const host = str(env, 'HOST') ?? '127.0.0.1';
  const port = int(env, 'PORT', 3000, 0, 65535);
  let events: EventsConfig;
  try {
    events = loadEventsConfig(env);
  } catch (e) {
    if (e instanceof EventsConfigError) throw new ConfigError(e.variable, e.message);
    throw e;
  }
  const logOrigin = str(env, 'LOG_ORIGIN') ?? `${gatewayId}/access-log`;
  if (/[\s+]/u.test(logOrigin))
    throw new ConfigError('LOG_ORIGIN', `must hold no space or plus sign (got "${logOrigin}")`);
  const logNoteKey = str(env, 'LOG_NOTE_KEY');
  if (logNoteKey !== undefined && !/^PRIVATE\+KEY\+[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/.test(logNoteKey)) {
    throw new ConfigError('LOG_NOTE_KEY', 'must be a note private key PRIVATE+KEY+<name>+<hex key id>+<base64>');
  }
  const witnesses = witnessList(env, 'WITNESSES');
  return {
    port,
    host,
    databaseUrl,
    migrationDatabaseUrl,
    dataDir: path.resolve(str(env, 'DATA_DIR') ?? '.data'),
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    gatewayId,
    demo: bool(env, 'DEMO', databaseUrl === undefined),
    demoCases: int(env, 'DEMO_CASES', 300, 0, 1_000_000),
    bootstrapAdminJwks: jwks as AppConfig['bootstrapAdminJwks'],
    gatewaySigningKey: signingKey,
    logLevel: logLevel as LogLevel,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576),
    maxTokenBytes: 8192,
    rateLimitPerSecond: int(env, 'RATE_LIMIT_PER_SECOND', 500, 1, 1_000_000),
    rateLimitBurst: int(env, 'RATE_LIMIT_BURST', 1000, 1, 10_000_000),
    keyCacheTtlMs: int(env, 'KEY_CACHE_TTL_MS', 5000, 0, 60_000),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 10_000, 100, 300_000),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 16, 2, 500),
    dbStatementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 5000, 100, 600_000),
    dbPreparedStatements: bool(env, 'DB_PREPARED_STATEMENTS', true),
    checkpointIntervalMs: int(env, 'CHECKPOINT_INTERVAL_MS', 10_000, 100, 86_400_000),
    logBatchMaxEntries: int(env, 'LOG_BATCH_MAX_ENTRIES', 512, 1, 10_000),
    logIntegrator,
    logIntegratorRetryMs: int(env, 'LOG_INTEGRATOR_RETRY_MS', 1000, 50, 60_000),
    logIntentSweepMs: int(env, 'LOG_INTENT_SWEEP_MS', 5000, 100, 3_600_000),
    logRetentionDays: int(env, 'LOG_RETENTION_DAYS', 2192, 1, 36_525),
    logPruneIntervalMs: int(env, 'LOG_PRUNE_INTERVAL_MS', 3_600_000, 1000, 86_400_000),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    policiesDir: path.resolve(str(env, 'POLICIES_DIR') ?? 'policies'),
    retentionDir: path.resolve(str(env, 'RETENTION_DIR') ?? 'retention'),
    retentionIntervalMs: int(env, 'RETENTION_INTERVAL_MS', 3_600_000, 1000, 86_400_000),
    bulkAccessThreshold: int(env, 'BULK_ACCESS_THRESHOLD', 50, 1, 1_000_000),
    events,
    metricsPort: int(env, 'METRICS_PORT', 0, 0, 65535),
    metricsHost: str(env, 'METRICS_HOST') ?? '127.0.0.1',
    demoIdpPort: int(env, 'DEMO_IDP_PORT', port === 0 ? 0 : Math.min(port + 1, 65535), 0, 65535),
    otlpEndpoint: httpUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'),
    logOrigin,
    logNoteKey,
    witnesses,
    witnessQuorum: int(env, 'WITNESS_QUORUM', witnesses.length, witnesses.length ? 1 : 0, witnesses.length),
    witnessTimeoutMs: int(env, 'WITNESS_TIMEOUT_MS', 5000, 100, 60_000),
  };
}

/** Nest injection token for the AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
