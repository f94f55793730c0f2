import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People sign in through their organisation's OpenID Connect identity provider (issue 15).
 *
 * - identity_providers: an organisation's registered IdP (issuer, client, how the gateway
 *   authenticates to it, how its claims map to roles and attributes). `revision` moves on with
 *   every change, and a session opened under an older revision is over.
 * - sign_in_attempts: a sign-in between the redirect to the IdP and its answer (PKCE verifier,
 *   state and nonce), so any instance can finish it. Only the SHA-256 of the state is stored.
 * - person_sessions: signed-in people. Only the SHA-256 of the session id is stored; `sid` is the
 *   IdP's session id, which its back-channel logout names.
 */
export class PeopleSignIn1763800019000 implements MigrationInterface {
  name = 'PeopleSignIn1763800019000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE identity_providers (
        org_id         text PRIMARY KEY REFERENCES organisations (id),
        issuer         text NOT NULL,
        client_id      text NOT NULL,
        claim_mapping  jsonb NOT NULL,
        revision       integer NOT NULL DEFAULT 1,
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE sign_in_attempts (
        state_hash     bytea PRIMARY KEY CONSTRAINT sign_in_attempts_state_hash CHECK (octet_length(state_hash) = 32),
        org_id         text NOT NULL REFERENCES organisations (id),
        code_verifier  text NOT NULL,
        nonce          text NOT NULL,
        created_at     timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE person_sessions (
        id_hash       bytea PRIMARY KEY CONSTRAINT person_sessions_id_hash CHECK (octet_length(id_hash) = 32),
        org_id        text NOT NULL REFERENCES organisations (id),
        issuer        text NOT NULL,
        sub           text NOT NULL,
        sid           text,
        name          text,
        roles         text[] NOT NULL,
        attributes    jsonb NOT NULL,
        idp_revision  integer NOT NULL,
        created_at    timestamptz NOT NULL,
        last_seen_at  timestamptz NOT NULL,
        expires_at    timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX person_sessions_idp_session ON person_sessions (issuer, sid)`);
    await q.query(`CREATE INDEX person_sessions_idp_subject ON person_sessions (issuer, sub)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON identity_providers TO gateway_app`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON sign_in_attempts, person_sessions TO gateway_app`);
    await q.query(`GRANT UPDATE (last_seen_at) ON person_sessions TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE person_sessions`);
    await q.query(`DROP TABLE sign_in_attempts`);
    await q.query(`DROP TABLE identity_providers`);
  }
}
