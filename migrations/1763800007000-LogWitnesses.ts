import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Witnesses of the access log (C2SP tlog-witness).
 *
 * - access_log_cosignatures: each witness's cosignature line on a checkpoint, exactly as
 *   returned, verified before it is stored. A checkpoint counts once WITNESS_QUORUM witnesses
 *   have a row for it. Append-only like the tree tables.
 * - access_log_witness_alerts: a witness refusing a checkpoint as inconsistent with what it saw
 *   (422), or claiming a larger tree than the log has (409): evidence of a fork or a rolled-back
 *   database, kept for IG. Append-only.
 */
export class LogWitnesses1763800007000 implements MigrationInterface {
  name = 'LogWitnesses1763800007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_log_cosignatures (
        tree_size    bigint NOT NULL CONSTRAINT access_log_cosignatures_size CHECK (tree_size >= 0),
        witness      text NOT NULL,
        line         text NOT NULL,
        cosigned_at  timestamptz NOT NULL,
        received_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT access_log_cosignatures_pk PRIMARY KEY (tree_size, witness)
      )`);
    await q.query(`CREATE INDEX access_log_cosignatures_witness_idx ON access_log_cosignatures (witness, tree_size)`);
    await q.query(`
      CREATE TABLE access_log_witness_alerts (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        witness    text NOT NULL,
        tree_size  bigint NOT NULL,
        status     integer NOT NULL,
        reason     text NOT NULL,
        detail     text NOT NULL,
        at         timestamptz NOT NULL DEFAULT now()
      )`);
    for (const table of ['access_log_cosignatures', 'access_log_witness_alerts']) {
      await q.query(
        `CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()`,
      );
      await q.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change()`,
      );
      await q.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_no_update_delete`);
      await q.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${table}_no_truncate`);
    }
    await q.query(`REVOKE ALL ON access_log_cosignatures, access_log_witness_alerts FROM PUBLIC`);
    await q.query(`GRANT SELECT, INSERT ON access_log_cosignatures, access_log_witness_alerts TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_log_witness_alerts, access_log_cosignatures`);
  }
}
