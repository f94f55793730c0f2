import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The application role, the organisations registry with its key history, request-token
 * replay protection and the gateway's own public signing keys.
 *
 * Migrations run as the schema owner. The application logs in as a role that is a member of
 * `gateway_app`, which holds only the privileges granted here: history tables get no DELETE.
 */
export class Foundation1763800000000 implements MigrationInterface {
  name = 'Foundation1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gateway_app') THEN
          CREATE ROLE gateway_app NOLOGIN;
        END IF;
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO gateway_app`);

    await q.query(`
      CREATE TABLE organisations (
        id          text PRIMARY KEY CONSTRAINT organisations_id_slug CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 64),
        kind        text NOT NULL CONSTRAINT organisations_kind CHECK (kind IN ('NPS', 'CRC', 'POLICE', 'GATEWAY')),
        name        text NOT NULL,
        region      text NOT NULL,
        status      text NOT NULL DEFAULT 'ACTIVE' CONSTRAINT organisations_status CHECK (status IN ('ACTIVE', 'SUSPENDED')),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // Key history is never deleted: a signature made last year must still be verifiable with
    // the key that was registered then.
    await q.query(`
      CREATE TABLE organisation_keys (
        org_id      text NOT NULL REFERENCES organisations (id),
        kid         text NOT NULL,
        alg         text NOT NULL CONSTRAINT organisation_keys_alg CHECK (alg IN ('ES256', 'EdDSA')),
        jwk         jsonb NOT NULL,
        thumbprint  text NOT NULL,
        added_at    timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz,
        CONSTRAINT organisation_keys_pk PRIMARY KEY (org_id, kid)
      )`);
    await q.query(`CREATE INDEX organisation_keys_active_idx ON organisation_keys (org_id) WHERE revoked_at IS NULL`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON organisations, organisation_keys TO gateway_app`);

    // One row per accepted request token: the primary key makes a second use fail on every
    // instance at once. Rows past their expiry (plus clock skew) are deleted by a sweeper.
    await q.query(`
      CREATE TABLE request_tokens (
        issuer      text NOT NULL,
        jti         text NOT NULL,
        expires_at  timestamptz NOT NULL,
        CONSTRAINT request_tokens_pk PRIMARY KEY (issuer, jti)
      )`);
    await q.query(`CREATE INDEX request_tokens_expires_idx ON request_tokens (expires_at)`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON request_tokens TO gateway_app`);

    await q.query(`
      CREATE TABLE gateway_signing_keys (
        kid         text PRIMARY KEY,
        alg         text NOT NULL,
        public_jwk  jsonb NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`GRANT SELECT, INSERT ON gateway_signing_keys TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway_signing_keys`);
    await q.query(`DROP TABLE request_tokens`);
    await q.query(`DROP TABLE organisation_keys`);
    await q.query(`DROP TABLE organisations`);
  }
}
