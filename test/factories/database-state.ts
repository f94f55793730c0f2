import pg from 'pg';
import type { TestGateway } from '../setup/test-app.js';

/**
 * A fingerprint of every application table (row count and a hash of all rows), to show that a
 * refused request wrote nothing anywhere: not a replay record, not a log row, not a key.
 */
export async function databaseState(gw: TestGateway): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: gw.db.ownerUrl });
  await c.connect();
  try {
    const { rows: tables } = await c.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY 1`,
    );
    const sql = tables
      .map(
        ({ name }) =>
          `SELECT '${name}' AS name, count(*)::int AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS h FROM "${name}" t`,
      )
      .join(' UNION ALL ');
    const { rows } = await c.query<{ name: string; n: number; h: string }>(sql);
    return Object.fromEntries(rows.map((r) => [r.name, `${r.n}:${r.h}`]));
  } finally {
    await c.end();
  }
}
