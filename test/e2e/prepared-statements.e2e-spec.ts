import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source.js';
import { PreparedStatement, withoutPreparedStatements } from '../../src/shared/database/prepared.js';
import { createTestDatabase } from '../setup/test-database.js';

const ORGS = new PreparedStatement(
  'test.organisations-of-kind',
  'SELECT id FROM organisations WHERE kind = $1 ORDER BY id',
);
const PREPARED = `SELECT name, statement FROM pg_prepared_statements WHERE name = 'test.organisations-of-kind'`;

/**
 * PreparedStatement on a real PostgreSQL, over a one-connection pool so that pg_prepared_statements
 * (which lists the current session's statements) sees the connection the statement ran on.
 */
describe('Prepared statements (DB_PREPARED_STATEMENTS)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const sources: DataSource[] = [];

  async function onePooledConnection(): Promise<DataSource> {
    const ds = createDataSource(db.appUrl, { poolSize: 1, name: 'prepared-statements-test' });
    await ds.initialize();
    sources.push(ds);
    return ds;
  }

  beforeAll(async () => {
    db = await createTestDatabase('prep');
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    await owner.query(
      `INSERT INTO organisations (id, kind, name, region) VALUES ('prep-nps', 'NPS', 'Prep NPS', 'North East') ON CONFLICT DO NOTHING`,
    );
    await owner.end();
  });

  afterAll(async () => {
    for (const ds of sources) await ds.destroy();
    await db.drop();
  });

  it('is parsed once per connection and kept there under its name, giving the same rows as a plain query', async () => {
    const ds = await onePooledConnection();
    const first = await ORGS.rows<{ id: string }>(ds, ['NPS']);
    expect(first).toEqual(await ds.query(`SELECT id FROM organisations WHERE kind = $1 ORDER BY id`, ['NPS']));
    expect(first.map((r) => r.id)).toContain('prep-nps');
    expect(await ORGS.rows(ds, ['NPS'])).toEqual(first);
    expect(await ds.query(PREPARED)).toEqual([{ name: ORGS.name, statement: ORGS.text }]);
  });

  it('runs as an unnamed statement where preparing is switched off (a pooler that cannot keep them)', async () => {
    const ds = await onePooledConnection();
    withoutPreparedStatements(ds);
    expect((await ORGS.rows<{ id: string }>(ds, ['NPS'])).map((r) => r.id)).toContain('prep-nps');
    expect(await ds.query(PREPARED)).toEqual([]);
  });

  it('is prepared again on a new connection after its connection was lost (as after a failover)', async () => {
    const ds = await onePooledConnection();
    await ORGS.rows(ds, ['NPS']);
    const [{ pid }] = await ds.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    await owner.query('SELECT pg_terminate_backend($1)', [pid]);
    await owner.end();
    let rows: { id: string }[] | undefined;
    for (let attempt = 0; attempt < 50 && !rows; attempt++) {
      // The first use of the dead connection fails; the pool then opens a new one.
      rows = await ORGS.rows<{ id: string }>(ds, ['NPS']).catch(() => undefined);
      if (!rows) await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows?.map((r) => r.id)).toContain('prep-nps');
    const [{ pid: now }] = await ds.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
    expect(now).not.toBe(pid);
    expect(await ds.query(PREPARED)).toEqual([{ name: ORGS.name, statement: ORGS.text }]);
  });

  it('runs inside an open transaction on its connection: it commits and rolls back with it', async () => {
    const ds = await onePooledConnection();
    const rename = new PreparedStatement(
      'test.rename-organisation',
      'UPDATE organisations SET name = $2 WHERE id = $1',
    );
    await expect(
      ds.transaction(async (tx) => {
        await rename.rows(tx, ['prep-nps', 'Renamed then rolled back']);
        expect(await tx.query(`SELECT name FROM organisations WHERE id = 'prep-nps'`)).toEqual([
          { name: 'Renamed then rolled back' },
        ]);
        expect(await tx.query(`SELECT name FROM pg_prepared_statements WHERE name = $1`, [rename.name])).toHaveLength(
          1,
        );
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await ds.query(`SELECT name FROM organisations WHERE id = 'prep-nps'`)).toEqual([{ name: 'Prep NPS' }]);
    await ds.transaction((tx) => rename.rows(tx, ['prep-nps', 'Prep NPS, committed']));
    expect(await ds.query(`SELECT name FROM organisations WHERE id = 'prep-nps'`)).toEqual([
      { name: 'Prep NPS, committed' },
    ]);
  });

  it('refuses one name declared with two texts', () => {
    expect(() => new PreparedStatement(ORGS.name, 'SELECT 1')).toThrow(/declared with two texts/);
  });
});
