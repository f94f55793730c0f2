import { execFile } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { createDataSource } from '../../src/data-source.js';
import { isDatabaseUnavailable } from '../../src/shared/database/db-errors.js';
import { connectPg, pgConnection } from '../../src/shared/database/pg-connection.js';
import { createTestDatabase, readCluster } from '../setup/test-database.js';
import { freePort } from '../setup/polling.js';

/** The same URL naming `hosts` (host:port each) instead of its one host, read-write sessions only. */
function multiHost(url: string, hosts: string[]): string {
  const u = new URL(url);
  return `postgres://${u.username}:${u.password}@${hosts.join(',')}${u.pathname}?target_session_attrs=read-write`;
}

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

/**
 * The connection layer on a real PostgreSQL with a multi-host DATABASE_URL: hosts tried in order,
 * only a session that can write accepted, a clear 503-class error when none can, and a pool that
 * reaches the primary again by itself once one accepts writes. (The failover itself, a standby
 * promoted under load, is test/resilience/failover.e2e-spec.ts.)
 */
describe('Multi-host DATABASE_URL (target_session_attrs=read-write)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let port: number;
  let dead: number;
  let url: string;

  const owner = async (sql: string) => {
    const c = new pg.Client({ connectionString: readCluster().ownerUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const readOnly = (on: boolean) =>
    owner(
      `ALTER DATABASE "${db.name}" ${on ? 'SET default_transaction_read_only = on' : 'RESET default_transaction_read_only'}`,
    );

  beforeAll(async () => {
    db = await createTestDatabase('multihost');
    port = readCluster().port;
    dead = await freePort(); // nothing listens there: connection refused
    url = multiHost(db.appUrl, [`127.0.0.1:${dead}`, `127.0.0.1:${port}`]);
  });

  afterAll(async () => {
    await readOnly(false).catch(() => undefined);
    await db.drop();
  });

  it('stops the gateway at start-up with one line naming the variable and the fault', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [path.resolve('dist/src/main.js')],
        {
          env: { ...process.env, DATABASE_URL: 'postgres://gateway:secret@db1:5432,db2:5432/gateway', PORT: '0' },
          timeout: 60_000,
        },
        (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
      ),
    );
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      'Invalid configuration: DATABASE_URL names several hosts with target_session_attrs=any: the gateway writes, so it needs target_session_attrs=read-write (or primary) to connect only to the primary',
    );
  });

  it('leaves a single-host URL to node-postgres exactly as given', () => {
    const { connectionString } = pgConnection(db.appUrl);
    expect(connectionString).toBe(db.appUrl);
  });

  it('skips a host that refuses connections and settles on the one that accepts writes', async () => {
    const c = await connectPg(url);
    try {
      const { rows } = await c.query<{ port: string }>(`SELECT current_setting('port') AS port`);
      expect(Number(rows[0].port)).toBe(port);
    } finally {
      await c.end();
    }
  });

  it('refuses read-only sessions with a 503-class error naming each host, then reconnects by itself', async () => {
    const ds = createDataSource(url, { poolSize: 2, name: 'multi-host-test' });
    await ds.initialize();
    try {
      expect(await ds.query(`SELECT current_setting('port') AS port`)).toEqual([{ port: String(port) }]);

      // The server turns read-only (as a primary demoted to a standby would) and drops the pool's sessions.
      await readOnly(true);
      await owner(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND application_name = 'multi-host-test'`,
      );
      let e: Error | undefined;
      for (let i = 0; i < 5 && !/accepts writes/.test(e?.message ?? ''); i++) e = await errorOf(ds.query('SELECT 1'));
      expect(e!.message).toMatch(/no PostgreSQL server accepts writes/);
      expect(e!.message).toContain(`127.0.0.1:${dead}: connect ECONNREFUSED`);
      expect(e!.message).toContain(`127.0.0.1:${port} accepts no writes (a standby, or read-only)`);
      expect(e!.message).not.toContain(new URL(db.appUrl).password);
      expect(isDatabaseUnavailable(e)).toBe(true);
      expect(isDatabaseUnavailable(await errorOf(connectPg(url)))).toBe(true);

      // It accepts writes again: the same pool serves, without a restart.
      await readOnly(false);
      expect(await ds.query(`SELECT current_setting('transaction_read_only') AS ro`)).toEqual([{ ro: 'off' }]);
    } finally {
      await ds.destroy();
    }
  });

  it('turns away the known primary once it accepts no writes, and probes the hosts on the next connection', async () => {
    await (await connectPg(url)).end(); // the primary is known now
    await readOnly(true);
    try {
      const first = await errorOf(connectPg(url));
      expect(first.message).toBe(`127.0.0.1:${port} no longer accepts writes (a standby, or read-only)`);
      expect(isDatabaseUnavailable(first)).toBe(true);
      expect((await errorOf(connectPg(url))).message).toMatch(/^no PostgreSQL server accepts writes \(/);
    } finally {
      await readOnly(false);
    }
    await (await connectPg(url)).end();
  });
});
