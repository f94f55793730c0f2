import pg from 'pg';
import { createTestDatabase } from '../setup/test-database.js';

/**
 * The embedded PostgreSQL (demo, tests, benches) is reached through its Unix-domain socket,
 * which costs less CPU per query than loopback TCP; these databases come from the one the test
 * run started with startEmbeddedPostgres.
 */
describe('the embedded PostgreSQL connection', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase('socket');
  });
  afterAll(async () => {
    await db.drop();
  });

  it.each(['appUrl', 'ownerUrl'] as const)('%s connects through the socket, not TCP', async (which) => {
    const url = new URL(db[which]);
    expect(url.searchParams.get('host')).toMatch(/^\//);
    const c = new pg.Client({ connectionString: db[which] });
    await c.connect();
    try {
      const { rows } = await c.query<{ addr: string | null }>('SELECT inet_client_addr() AS addr');
      expect(rows[0].addr).toBeNull();
    } finally {
      await c.end();
    }
  });

  it('still listens on 127.0.0.1 for tools given only the port', async () => {
    const url = new URL(db.ownerUrl);
    url.search = '';
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    try {
      const { rows } = await c.query<{ addr: string | null }>('SELECT host(inet_client_addr()) AS addr');
      expect(rows[0].addr).toBe('127.0.0.1');
    } finally {
      await c.end();
    }
  });
});
