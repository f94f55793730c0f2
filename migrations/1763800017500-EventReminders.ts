import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Time-driven events and e-mail notifications (issue 16).
 *
 * - event_reminders: one row per deadline event raised (agreement expiring or past its review
 *   date, exchange request due soon or overdue). Its key makes the event's insertion happen once
 *   whichever instance or sweep gets there first; a moved deadline is a new row.
 * - email_cursor: the last outbox seq the e-mail notifier has turned into messages (one row; the
 *   instance that holds it FOR UPDATE SKIP LOCKED is the only one reading the outbox for mail).
 * - email_messages: each message to send, at most one per event and recipient; a sender leases a
 *   row while it talks to the SMTP server, so one instance sends a message per attempt.
 */
export class EventReminders1763800017500 implements MigrationInterface {
  name = 'EventReminders1763800017500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_reminders (
        type       text NOT NULL,
        subject    text NOT NULL,
        due_at     timestamptz NOT NULL,
        raised_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT event_reminders_pk PRIMARY KEY (type, subject, due_at)
      )`);
    await q.query(`
      CREATE TABLE email_cursor (
        id      smallint PRIMARY KEY CONSTRAINT email_cursor_one_row CHECK (id = 1),
        cursor  bigint NOT NULL
      )`);
    await q.query(`
      CREATE TABLE email_messages (
        id              uuid PRIMARY KEY,
        event_seq       bigint NOT NULL REFERENCES event_outbox (seq),
        recipient       text NOT NULL,
        subject         text NOT NULL,
        body            text NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until     timestamptz,
        lease_owner     text,
        sent_at         timestamptz,
        failed_at       timestamptz,
        last_error      text,
        CONSTRAINT email_messages_once UNIQUE (event_seq, recipient)
      )`);
    await q.query(
      `CREATE INDEX email_messages_due_idx ON email_messages (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL`,
    );
    for (const t of ['event_reminders', 'email_cursor', 'email_messages'])
      await q.query(`REVOKE ALL ON ${t} FROM PUBLIC`);
    await q.query(`GRANT SELECT, INSERT ON event_reminders TO gateway_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON email_cursor, email_messages TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE email_messages`);
    await q.query(`DROP TABLE email_cursor`);
    await q.query(`DROP TABLE event_reminders`);
  }
}
