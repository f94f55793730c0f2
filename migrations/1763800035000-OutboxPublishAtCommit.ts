import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The advisory lock key that orders publication into event_outbox (was recordEvents' own lock). */
const OUTBOX_LOCK_KEY = 7_163_016;

/**
 * Events are published into event_outbox when their change commits, not when they are written.
 *
 * Before: a change took a transaction-scoped advisory lock just before inserting its events and
 * held it to commit, so `seq` order was commit order. The lock was held across the gateway's
 * round trips for the insert and the COMMIT, and under load across the event-loop wait between
 * them: an exchange benchmark counted waits of 30 ms on average, and changes with events
 * committed one at a time whatever the cores.
 *
 * Now a change inserts its events into event_outbox_pending (no lock). A deferred constraint
 * trigger, which PostgreSQL runs when the transaction commits (before its commit record),
 * takes the same lock, moves each pending row into event_outbox (drawing `seq` there, in the
 * order the rows were inserted) and deletes it. The lock is released only after the commit is
 * visible, so rows still become visible in `seq` order (a cursor that has seen seq n never later
 * finds a committed row below n). It is held inside the server only, but still across the
 * commit's WAL flush and, with a synchronous standby, the standby's acknowledgement: commits
 * that carry events remain one at a time, now for that long rather than for client round trips.
 *
 * - event_outbox_pending is UNLOGGED: a row never outlives its own transaction (the trigger
 *   deletes it before the commit completes; a rollback or crash discards it), so there is
 *   nothing in it to recover or replicate. Its trigger fires ALWAYS, replica sessions included,
 *   so no session can leave events there.
 * - The trigger function is SECURITY DEFINER; the application may insert only the events'
 *   columns into the pending table. It keeps INSERT on event_outbox for now, so instances of the
 *   previous release (which insert there directly, under the same lock) keep working during a
 *   rolling change; a later release revokes it.
 */
export class OutboxPublishAtCommit1763800035000 implements MigrationInterface {
  name = 'OutboxPublishAtCommit1763800035000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE event_outbox_pending (
        n             bigserial PRIMARY KEY,
        id            uuid NOT NULL,
        type          text NOT NULL,
        subject       text NOT NULL,
        crn           text,
        parties       text[] NOT NULL DEFAULT '{}',
        link          text NOT NULL,
        people        text[] NOT NULL DEFAULT '{}',
        occurred_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE FUNCTION event_outbox_publish() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${OUTBOX_LOCK_KEY});
        INSERT INTO public.event_outbox (id, type, subject, crn, parties, link, people, occurred_at)
             VALUES (NEW.id, NEW.type, NEW.subject, NEW.crn, NEW.parties, NEW.link, NEW.people, NEW.occurred_at);
        DELETE FROM public.event_outbox_pending WHERE n = NEW.n;
        RETURN NULL;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION event_outbox_publish() FROM PUBLIC`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER event_outbox_publish AFTER INSERT ON event_outbox_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION event_outbox_publish()`);
    await q.query(`ALTER TABLE event_outbox_pending ENABLE ALWAYS TRIGGER event_outbox_publish`);
    await q.query(`REVOKE ALL ON event_outbox_pending FROM PUBLIC`);
    await q.query(
      `GRANT INSERT (id, type, subject, crn, parties, link, people) ON event_outbox_pending TO gateway_app`,
    );
    await q.query(`GRANT USAGE ON SEQUENCE event_outbox_pending_n_seq TO gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_outbox_pending`);
    await q.query(`DROP FUNCTION event_outbox_publish()`);
  }
}
