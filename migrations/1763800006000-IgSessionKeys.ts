import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A console session remembers the key that signed its sign-in (`kid`, of the session's
 * organisation), so it can end when that key is revoked or rotated away. Null for the demo
 * sign-in, which has no token. Sessions per organisation are found by `org` (the operator ends
 * all of an organisation's sessions at once).
 */
export class IgSessionKeys1763800006000 implements MigrationInterface {
  name = 'IgSessionKeys1763800006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE ig_sessions ADD COLUMN kid text CONSTRAINT ig_sessions_kid CHECK (length(kid) BETWEEN 1 AND 128)`,
    );
    await q.query(`CREATE INDEX ig_sessions_org_idx ON ig_sessions (org)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ig_sessions_org_idx`);
    await q.query(`ALTER TABLE ig_sessions DROP COLUMN kid`);
  }
}
