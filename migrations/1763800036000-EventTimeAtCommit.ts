import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The advisory lock key that orders publication into event_outbox (see OutboxPublishAtCommit). */
const OUTBOX_LOCK_KEY = 7_163_016;

/**
 * An event's `occurred_at` is when its change commits (the clock as the publish trigger runs,
 * inside the commit), no longer when its transaction began (`now()`).
 *
 * The audience leaves out a case's events older than the case record, so that an erased case's
 * events never show under a new case that reuses its CRN. With the transaction's start time, a
 * change that began before the case's creation committed (two first pushes of one CRN racing:
 * the later one becomes an update once the first commits) stamped its event earlier than the
 * record, and the event was hidden from everyone for good. Stamped at commit, every event of a
 * record is at or after its creation (which it waited for), and every event of an erased record
 * committed before the erasure did.
 */
export class EventTimeAtCommit1763800036000 implements MigrationInterface {
  name = 'EventTimeAtCommit1763800036000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(publish('clock_timestamp()'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(publish('NEW.occurred_at'));
  }
}

function publish(occurredAt: string): string {
  return `
    CREATE OR REPLACE FUNCTION event_outbox_publish() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(${OUTBOX_LOCK_KEY});
      INSERT INTO public.event_outbox (id, type, subject, crn, parties, link, people, occurred_at)
           VALUES (NEW.id, NEW.type, NEW.subject, NEW.crn, NEW.parties, NEW.link, NEW.people, ${occurredAt});
      DELETE FROM public.event_outbox_pending WHERE n = NEW.n;
      RETURN NULL;
    END $$`;
}
