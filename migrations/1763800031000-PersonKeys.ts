import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Personal signing keys (issue 15, signatory and officer): public keys made in a person's browser,
 * bound to that person (organisation, identity provider, subject) and one role, approved by the
 * organisation's own system. They are kept apart from organisation_keys, which request tokens are
 * checked against, so a personal key can never authenticate an API request.
 *
 * A personal key's kid is "person-" and its RFC 7638 thumbprint; organisation keys may no longer
 * take that prefix (checked for new rows; NOT VALID leaves any older row as it is).
 */
export class PersonKeys1763800031000 implements MigrationInterface {
  name = 'PersonKeys1763800031000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE person_keys (
        org_id         text NOT NULL REFERENCES organisations (id),
        kid            text NOT NULL CONSTRAINT person_keys_kid CHECK (kid ~ '^person-[A-Za-z0-9_-]{43}$'),
        alg            text NOT NULL CONSTRAINT person_keys_alg CHECK (alg = 'ES256'),
        jwk            jsonb NOT NULL,
        thumbprint     text NOT NULL,
        holder_issuer  text NOT NULL,
        holder_sub     text NOT NULL,
        holder_name    text,
        role           text NOT NULL,
        registered_at  timestamptz NOT NULL,
        approved_at    timestamptz,
        approved_by    text,
        revoked_at     timestamptz,
        revoked_by     text,
        CONSTRAINT person_keys_pk PRIMARY KEY (org_id, kid),
        CONSTRAINT person_keys_kid_is_thumbprint CHECK (kid = 'person-' || thumbprint),
        CONSTRAINT person_keys_approval CHECK ((approved_at IS NULL) = (approved_by IS NULL)),
        CONSTRAINT person_keys_revocation CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
      )`);
    await q.query(`CREATE INDEX person_keys_holder_idx ON person_keys (org_id, holder_issuer, holder_sub)`);
    await q.query(
      `ALTER TABLE organisation_keys ADD CONSTRAINT organisation_keys_not_personal CHECK (kid NOT LIKE 'person-%') NOT VALID`,
    );
    await q.query(`GRANT SELECT, INSERT, UPDATE ON person_keys TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organisation_keys DROP CONSTRAINT organisation_keys_not_personal`);
    await q.query(`DROP TABLE person_keys`);
  }
}
