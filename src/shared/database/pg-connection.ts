import pg from 'pg';
import type { DataSource } from 'typeorm';
import { describeHosts, parsePostgresUrl, type PostgresHost, type PostgresUrl } from './postgres-url.js';

/**
 * pg emits 'error' on a client whose server connection dies. TypeORM listens only while a query
 * runner holds the client, and pg-pool only while it is idle: a client whose backend is
 * terminated just as it is released (a connection killed mid-transaction) emits with nobody
 * listening, which crashes the process. So every client the pool makes (pg-pool's `Client`
 * option) listens from birth; the failure itself is reported by the query that hit it.
 */
export class ListenedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}

/** What to give pg.Pool or pg.Client (`new config.Client(config)`) to reach a DATABASE_URL. */
export type PgConnectionConfig = pg.PoolConfig & { Client: typeof pg.Client };

// SQLSTATE 08001, sqlclient_unable_to_establish_sqlconnection: isDatabaseUnavailable reads it as 503.
const UNABLE_TO_CONNECT = '08001';

function unavailable(message: string): Error {
  return Object.assign(new Error(message), { code: UNABLE_TO_CONNECT });
}

/** True when the session can write: not a standby, and not read-only by default. */
async function acceptsWrites(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ ro: boolean }>(
    `SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on' AS ro`,
  );
  return rows[0]?.ro === false;
}

/**
 * Which of a multi-host URL's servers is the primary: the one found last, until a connection to
 * it fails or it stops accepting writes; then the hosts are probed again in the URL's order and
 * the first that accepts a read-write session is taken. One probe runs at a time, shared by every
 * connection waiting for it.
 */
class PrimaryLocator {
  private primary: PostgresHost | undefined;
  private finding: Promise<PostgresHost> | undefined;

  constructor(private readonly url: PostgresUrl) {}

  async current(config: pg.ClientConfig): Promise<PostgresHost> {
    if (this.primary) return this.primary;
    this.finding ??= this.find(config).finally(() => (this.finding = undefined));
    return this.finding;
  }

  /** Forgets `host` as the primary (a connection to it failed or it is read-only now). */
  forget(host: PostgresHost): void {
    if (this.primary === host) this.primary = undefined;
  }

  private async find(config: pg.ClientConfig): Promise<PostgresHost> {
    const reasons: string[] = [];
    for (const host of this.url.hosts) {
      const probe = new ListenedClient({ ...config, connectionString: this.url.urlFor(host) });
      try {
        await probe.connect();
        if (await acceptsWrites(probe)) return (this.primary = host);
        reasons.push(`${describeHosts([host])} accepts no writes (a standby, or read-only)`);
      } catch (e) {
        reasons.push(`${describeHosts([host])}: ${(e as Error).message}`);
      } finally {
        await probe.end().catch(() => undefined);
      }
    }
    throw unavailable(`no PostgreSQL server accepts writes (${reasons.join('; ')})`);
  }
}

/**
 * A client that connects to the primary as the locator knows it, checks that its session
 * accepts writes, and otherwise fails (503 for the request that wanted it) after making the
 * locator look again, so the next connection goes to whichever server is primary now.
 */
function failoverClient(locator: PrimaryLocator): typeof pg.Client {
  class FailoverClient extends ListenedClient {
    private readonly config: pg.ClientConfig;
    private target: PostgresHost | undefined;

    constructor(config?: string | pg.ClientConfig) {
      const c = typeof config === 'string' ? { connectionString: config } : (config ?? {});
      super(c);
      this.config = c;
      // A connection that was established and then broke (the server died, or was shut down
      // to be demoted) sends the next connection through a fresh probe.
      this.on('error', () => {
        if (this.target) locator.forget(this.target);
      });
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
    override connect(callback?: unknown): Promise<pg.Client> | void {
      const done = this.connectToPrimary();
      if (!callback) return done;
      // pg-pool's style: (null, client) once connected, (error) otherwise.
      const cb = callback as (err: Error | null, c?: pg.Client) => void;
      done.then(
        (c) => cb(null, c),
        (e: Error) => cb(e),
      );
    }

    private async connectToPrimary(): Promise<pg.Client> {
      const target = await locator.current(this.config);
      // pg-pool's connect timeout may have given up on this client while the probe ran.
      if (this.connection.stream.destroyed) throw unavailable('timeout exceeded when trying to connect');
      this.target = target;
      this.host = target.host;
      this.port = target.port;
      try {
        await super.connect();
      } catch (e) {
        locator.forget(target);
        throw e;
      }
      let writable: boolean;
      try {
        writable = await acceptsWrites(this);
      } catch (e) {
        locator.forget(target);
        await this.end().catch(() => undefined);
        throw e;
      }
      if (writable) return this;
      locator.forget(target);
      await this.end().catch(() => undefined);
      throw unavailable(`${describeHosts([target])} no longer accepts writes (a standby, or read-only)`);
    }
  }
  return FailoverClient;
}

/** One locator per multi-host URL in this process: every pool on it learns of a failover at once. */
const locators = new Map<string, PgConnectionConfig>();

/**
 * How to connect to `url` (a DATABASE_URL; see parsePostgresUrl). One host: the URL as it is,
 * with a client that listens for 'error' (ListenedClient). Several hosts with
 * target_session_attrs=read-write: node-postgres does not read that form, so the client tries the
 * last known primary and otherwise probes the hosts in order (PrimaryLocator), accepting only a
 * session that can write, and after a failover connects to whichever server was promoted, without
 * a restart. Throws PostgresUrlError for a URL it cannot use.
 */
export function pgConnection(url: string): PgConnectionConfig {
  const known = locators.get(url);
  if (known) return { ...known };
  const parsed = parsePostgresUrl(url);
  if (parsed.hosts.length === 1) return { connectionString: url, Client: ListenedClient };
  const config: PgConnectionConfig = {
    // What node-postgres parses for everything but the host and port, which the client sets.
    connectionString: parsed.urlFor(parsed.hosts[0]),
    Client: failoverClient(new PrimaryLocator(parsed)),
  };
  locators.set(url, config);
  return { ...config };
}

/** A single connection to `url` (multi-host URLs included), opened; the caller ends it. */
export async function connectPg(url: string, options: pg.ClientConfig = {}): Promise<pg.Client> {
  const { Client, ...config } = pgConnection(url);
  const client = new Client({ ...options, ...config });
  await client.connect();
  return client;
}

/** The URL the application's DataSource connects with: the log's and the outbox's own connections use the same role. */
export function connectionStringOf(ds: DataSource): string {
  const o = ds.options as {
    url?: string;
    host?: string;
    port?: number;
    username?: string;
    password?: string | (() => string);
    database?: string;
  };
  if (o.url) return o.url;
  const u = new URL('postgres://localhost');
  u.hostname = o.host ?? 'localhost';
  u.port = String(o.port ?? 5432);
  u.username = encodeURIComponent(o.username ?? '');
  u.password = encodeURIComponent(typeof o.password === 'function' ? o.password() : (o.password ?? ''));
  u.pathname = `/${o.database ?? ''}`;
  return u.toString();
}
