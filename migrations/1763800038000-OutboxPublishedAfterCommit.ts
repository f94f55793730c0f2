import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The advisory lock key that orders publication into event_outbox (see OutboxPublishAtCommit). */
const OUTBOX_LOCK_KEY = 7_163_016;

/**
 * Events are published into event_outbox after their change commits, in batches, by one
 * publisher at a time, as queued log intents are integrated into the access log.
 *
 * Before: a deferred trigger took the outbox's lock inside each commit that carried events and
 * held it to the commit's end, across its WAL flush (and a synchronous standby's answer), so such
 * commits went one at a time and none could share a WAL flush with another. The exchange
 * benchmark counted 2.65 WAL flushes per exchange with the lock and 1.5 with it left out.
 *
 * Now a change's events wait in event_outbox_pending, committed with the change (the table is
 * logged again: a committed row must survive a crash until it is published). After the commit,
 * the gateway calls event_outbox_publish_pending(), which takes the same lock and moves every
 * pending row its snapshot sees into event_outbox, drawing `seq` in pending order; the lock is
 * held to the end of that publisher's commit, so rows still become visible in `seq` order (a
 * cursor that has seen seq n never later finds a committed row below n). One publication moves
 * the events of many commits; the changes themselves no longer wait for each other.
 *
 * `occurred_at` is the clock when the change writes its events (a column default), which is after
 * every write and wait of the change before them, and before its commit. So, as when it was the
 * commit's clock: an event of a record is stamped after the record's creation (a change of it
 * waited for that), and an event of an erased record before the erasure (which waited for the
 * change); a publication delayed by a crash does not move the stamp.
 */
export class OutboxPublishedAfterCommit1763800038000 implements MigrationInterface {
  name = 'OutboxPublishedAfterCommit1763800038000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER event_outbox_publish ON event_outbox_pending`);
    await q.query(`DROP FUNCTION event_outbox_publish()`);
    await q.query(`ALTER TABLE event_outbox_pending SET LOGGED`);
    await q.query(`ALTER TABLE event_outbox_pending ALTER COLUMN occurred_at SET DEFAULT clock_timestamp()`);
    await q.query(`
      CREATE FUNCTION event_outbox_publish_pending(max_rows integer) RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE
        moved integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(${OUTBOX_LOCK_KEY});
        -- A statement of its own, so its snapshot is taken once the lock is held: it sees every
        -- row an earlier publisher left and nothing that publisher moved.
        WITH taken AS (
          DELETE FROM public.event_outbox_pending
           WHERE n IN (SELECT n FROM public.event_outbox_pending ORDER BY n LIMIT max_rows)
          RETURNING *
        )
        INSERT INTO public.event_outbox (id, type, subject, crn, parties, link, people, occurred_at)
        SELECT id, type, subject, crn, parties, link, people, occurred_at FROM taken ORDER BY n;
        GET DIAGNOSTICS moved = ROW_COUNT;
        RETURN moved;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION event_outbox_publish_pending(integer) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION event_outbox_publish_pending(integer) TO gateway_app`);
    // Kept by OutboxPublishAtCommit for the release before it, which inserted there directly: an
    // insert outside the publication's lock could become visible below a seq a reader has passed.
    await q.query(`REVOKE INSERT ON event_outbox FROM gateway_app`);
    await q.query(`REVOKE USAGE ON SEQUENCE event_outbox_seq_seq FROM gateway_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    // No change may add pending events between their last publication and the trigger's return.
    await q.query(`LOCK TABLE event_outbox_pending IN ACCESS EXCLUSIVE MODE`);
    await q.query(`GRANT INSERT ON event_outbox TO gateway_app`);
    await q.query(`GRANT USAGE ON SEQUENCE event_outbox_seq_seq TO gateway_app`);
    await q.query(`SELECT event_outbox_publish_pending(2147483647)`);
    await q.query(`DROP FUNCTION event_outbox_publish_pending(integer)`);
    await q.query(`ALTER TABLE event_outbox_pending ALTER COLUMN occurred_at SET DEFAULT now()`);
    await q.query(`ALTER TABLE event_outbox_pending SET UNLOGGED`);
    await q.query(`
      CREATE FUNCTION event_outbox_publish() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${OUTBOX_LOCK_KEY});
        INSERT INTO public.event_outbox (id, type, subject, crn, parties, link, people, occurred_at)
             VALUES (NEW.id, NEW.type, NEW.subject, NEW.crn, NEW.parties, NEW.link, NEW.people, clock_timestamp());
        DELETE FROM public.event_outbox_pending WHERE n = NEW.n;
        RETURN NULL;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION event_outbox_publish() FROM PUBLIC`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER event_outbox_publish AFTER INSERT ON event_outbox_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION event_outbox_publish()`);
    await q.query(`ALTER TABLE event_outbox_pending ENABLE ALWAYS TRIGGER event_outbox_publish`);
  }
}
