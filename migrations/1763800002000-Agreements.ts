import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data-sharing agreements: the agreement row (mutable lifecycle state), its versions and its
 * signatures (immutable: what a party signed must never change under it), and a one-row state
 * counter every instance checks before answering a coverage question.
 */
export class Agreements1763800002000 implements MigrationInterface {
  name = 'Agreements1763800002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agreements (
        id                     uuid PRIMARY KEY,
        status                 text NOT NULL CONSTRAINT agreements_status CHECK (status IN ('DRAFT', 'PENDING_SIGNATURES', 'ACTIVE', 'SUSPENDED', 'EXPIRED', 'TERMINATED')),
        version                integer NOT NULL CONSTRAINT agreements_version CHECK (version >= 1),
        active_version         integer CONSTRAINT agreements_active_version CHECK (active_version IS NULL OR active_version BETWEEN 1 AND version),
        party_orgs             text[] NOT NULL,
        valid_to               timestamptz NOT NULL,
        status_action          text CONSTRAINT agreements_status_action CHECK (status_action IN ('suspend', 'resume', 'terminate')),
        status_reason          text,
        status_changed_at      timestamptz,
        status_changed_by_org  text,
        status_changed_by_sub  text,
        created_at             timestamptz NOT NULL,
        created_by_org         text NOT NULL,
        created_by_sub         text NOT NULL,
        updated_at             timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX agreements_party_orgs_idx ON agreements USING gin (party_orgs)`);
    // The coverage index loads only agreements with a version in force.
    await q.query(`CREATE INDEX agreements_in_force_idx ON agreements (status) WHERE active_version IS NOT NULL`);
    await q.query(
      `CREATE INDEX agreements_expiry_idx ON agreements (valid_to) WHERE status IN ('DRAFT', 'PENDING_SIGNATURES', 'ACTIVE', 'SUSPENDED')`,
    );

    // `document` is the exact RFC 8785 text the parties sign; the version's terms are read from it.
    await q.query(`
      CREATE TABLE agreement_versions (
        agreement_id     uuid NOT NULL REFERENCES agreements (id),
        version          integer NOT NULL CONSTRAINT agreement_versions_version CHECK (version >= 1),
        document         text NOT NULL,
        document_sha256  text NOT NULL,
        created_at       timestamptz NOT NULL,
        created_by_org   text NOT NULL,
        created_by_sub   text NOT NULL,
        CONSTRAINT agreement_versions_pk PRIMARY KEY (agreement_id, version)
      )`);
    await q.query(`CREATE INDEX agreement_versions_sha_idx ON agreement_versions (agreement_id, document_sha256)`);

    // One signature per party and version: the key makes a second one fail even when two race.
    await q.query(`
      CREATE TABLE agreement_signatures (
        agreement_id  uuid NOT NULL,
        version       integer NOT NULL,
        org           text NOT NULL REFERENCES organisations (id),
        signer_sub    text NOT NULL,
        kid           text NOT NULL,
        alg           text NOT NULL CONSTRAINT agreement_signatures_alg CHECK (alg IN ('ES256', 'EdDSA', 'Ed25519')),
        jws           text NOT NULL,
        signed_at     timestamptz NOT NULL,
        CONSTRAINT agreement_signatures_pk PRIMARY KEY (agreement_id, version, org),
        CONSTRAINT agreement_signatures_version_fk FOREIGN KEY (agreement_id, version) REFERENCES agreement_versions (agreement_id, version)
      )`);

    // Versions and signatures are evidence: the database refuses to change or remove them,
    // whoever asks (ENABLE ALWAYS, so session_replication_role cannot switch the triggers off).
    await q.query(`
      CREATE FUNCTION agreements_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const t of ['agreement_versions', 'agreement_signatures']) {
      await q.query(
        `CREATE TRIGGER ${t}_no_update_delete BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION agreements_refuse_change()`,
      );
      await q.query(
        `CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION agreements_refuse_change()`,
      );
      await q.query(`ALTER TABLE ${t} ENABLE ALWAYS TRIGGER ${t}_no_update_delete`);
      await q.query(`ALTER TABLE ${t} ENABLE ALWAYS TRIGGER ${t}_no_truncate`);
    }

    // Bumped in the same transaction as every change of any agreement; each instance compares it
    // with the value its in-memory coverage index was built at.
    await q.query(`
      CREATE TABLE agreements_state (
        id       smallint PRIMARY KEY CONSTRAINT agreements_state_one_row CHECK (id = 1),
        version  bigint NOT NULL
      )`);
    await q.query(`INSERT INTO agreements_state (id, version) VALUES (1, 0)`);

    await q.query(`GRANT SELECT, INSERT, UPDATE ON agreements TO gateway_app`);
    await q.query(`GRANT SELECT, INSERT ON agreement_versions, agreement_signatures TO gateway_app`);
    await q.query(`GRANT SELECT, UPDATE ON agreements_state TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agreements_state`);
    await q.query(`DROP TABLE agreement_signatures`);
    await q.query(`DROP TABLE agreement_versions`);
    await q.query(`DROP TABLE agreements`);
    await q.query(`DROP FUNCTION agreements_refuse_change()`);
  }
}
