import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The information-governance console's own state.
 *
 * - ig_sessions: signed-in reviewers. Only the SHA-256 of the session id is stored, so a copy of
 *   the table cannot be replayed as cookies. Rows end at sign-out, after 30 minutes idle or
 *   8 hours in all (expired rows are deleted lazily at the next sign-in).
 * - ig_flag_reviews: a reviewer's note on a misuse flag. Append-only: a second review of the
 *   same flag is a new row, and the console shows the latest; the review is also in the access log.
 */
export class IgConsole1763800005000 implements MigrationInterface {
  name = 'IgConsole1763800005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ig_sessions (
        id_hash       bytea PRIMARY KEY CONSTRAINT ig_sessions_id_hash CHECK (octet_length(id_hash) = 32),
        org           text NOT NULL REFERENCES organisations (id),
        org_kind      text NOT NULL,
        sub           text NOT NULL,
        roles         text[] NOT NULL,
        created_at    timestamptz NOT NULL,
        last_seen_at  timestamptz NOT NULL,
        expires_at    timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ig_sessions_expires_at_idx ON ig_sessions (expires_at)`);

    await q.query(`
      CREATE TABLE ig_flag_reviews (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        flag_id       text NOT NULL CONSTRAINT ig_flag_reviews_flag_id CHECK (length(flag_id) BETWEEN 1 AND 512),
        reviewer_org  text NOT NULL REFERENCES organisations (id),
        reviewer_sub  text NOT NULL,
        note          text NOT NULL CONSTRAINT ig_flag_reviews_note CHECK (length(note) BETWEEN 1 AND 2000),
        reviewed_at   timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ig_flag_reviews_org_flag_idx ON ig_flag_reviews (reviewer_org, flag_id, id)`);

    await q.query(`REVOKE ALL ON ig_sessions, ig_flag_reviews FROM PUBLIC`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ig_sessions TO gateway_app`);
    await q.query(`GRANT SELECT, INSERT ON ig_flag_reviews TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ig_flag_reviews`);
    await q.query(`DROP TABLE ig_sessions`);
  }
}
