import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every policy version the gateway ever ran with: the policy files' exact bytes, keyed by their
 * content hash (the `policyVersion` every access-log entry names), stored at start-up. With
 * them, POST /policies/explain replays any past decision at the version that made it.
 * Append-only like the log that names them: a version's files never change or go.
 */
export class PolicyVersions1763800018500 implements MigrationInterface {
  name = 'PolicyVersions1763800018500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE policy_versions (
        content_hash   text PRIMARY KEY CONSTRAINT policy_versions_hash CHECK (content_hash ~ '^sha256:[0-9a-f]{64}$'),
        file_names     text[] NOT NULL,
        file_contents  bytea[] NOT NULL,
        first_loaded   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT policy_versions_files CHECK (
          cardinality(file_names) > 0 AND cardinality(file_names) = cardinality(file_contents))
      )`);
    await q.query(
      `CREATE TRIGGER policy_versions_no_update_delete BEFORE UPDATE OR DELETE ON policy_versions FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()`,
    );
    await q.query(
      `CREATE TRIGGER policy_versions_no_truncate BEFORE TRUNCATE ON policy_versions FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change()`,
    );
    await q.query(`ALTER TABLE policy_versions ENABLE ALWAYS TRIGGER policy_versions_no_update_delete`);
    await q.query(`ALTER TABLE policy_versions ENABLE ALWAYS TRIGGER policy_versions_no_truncate`);
    await q.query(`REVOKE ALL ON policy_versions FROM PUBLIC`);
    await q.query(`GRANT SELECT, INSERT ON policy_versions TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE policy_versions`);
  }
}
