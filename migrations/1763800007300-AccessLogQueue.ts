import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Log intents: the access-log entries of changes, written by the change's own transaction.
 *
 * - access_log_queue: an entry prepared for the log (everything but its index and timestamp),
 *   inserted on the change's connection inside the change's transaction, so the change and its
 *   intent commit or roll back together. It is not the log: the application role may INSERT,
 *   SELECT and DELETE here. A sequencer integrates intents into the tree and deletes them in
 *   the same statement, under the head row's lock.
 * - access_log_entries.intent_id: the intent an entry was integrated from (NULL for entries
 *   appended directly, such as reads). Unique, so no intent is integrated twice, whichever
 *   instance or sweeper tries; the partial index costs nothing for entries without an intent.
 */
export class AccessLogQueue1763800007300 implements MigrationInterface {
  name = 'AccessLogQueue1763800007300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_log_queue (
        id           bigserial PRIMARY KEY,
        entry        json NOT NULL,
        enqueued_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`REVOKE ALL ON access_log_queue FROM PUBLIC`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON access_log_queue TO gateway_app`);
    await q.query(`GRANT USAGE ON SEQUENCE access_log_queue_id_seq TO gateway_app`);
    await q.query(`ALTER TABLE access_log_entries ADD COLUMN intent_id bigint`);
    await q.query(
      `CREATE UNIQUE INDEX access_log_entries_intent_id_key ON access_log_entries (intent_id) WHERE intent_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX access_log_entries_intent_id_key`);
    await q.query(`ALTER TABLE access_log_entries DROP COLUMN intent_id`);
    await q.query(`DROP TABLE access_log_queue`);
  }
}
