import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventType } from '@shared/events/index.js';
import type { EmailMessage } from '../domain/email-message.js';
import type { StoredEvent } from '../domain/event-envelope.js';
import { EmailQueue, type QueuedEmail } from '../domain/event-store.port.js';

/** How many outbox rows one planning pass reads. */
const PLAN_BATCH = 500;

/** The e-mail cursor over the outbox and the queue of messages to send. */
@Injectable()
export class EmailRepository extends EmailQueue {
  constructor(private readonly db: DataSource) {
    super();
  }

  /**
   * Turns the outbox rows after the e-mail cursor into queued messages (`compose` decides which)
   * and moves the cursor past them, in one transaction. The cursor row is taken FOR UPDATE SKIP
   * LOCKED, so while one instance plans the others skip planning, and a message is queued at
   * most once per event and address (its unique key) even when a plan is redone after a crash.
   * The first pass starts the cursor at the newest event: e-mail covers what happens after it
   * was switched on. Answers how many messages were queued, or null when another instance plans.
   */
  async plan(types: readonly EventType[], compose: (e: StoredEvent) => EmailMessage[]): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO email_cursor (id, cursor) VALUES (1, (SELECT coalesce(max(seq), 0) FROM event_outbox)) ON CONFLICT DO NOTHING`,
      );
      const held: { cursor: string }[] = await tx.query(
        `SELECT cursor::text FROM email_cursor WHERE id = 1 FOR UPDATE SKIP LOCKED`,
      );
      if (!held.length) return null;
      const rows: {
        seq: string;
        id: string;
        type: EventType;
        subject: string;
        parties: string[];
        people: string[];
        link: string;
        occurred_at: Date;
      }[] = await tx.query(
        `SELECT seq::text, id::text, type, subject, parties, people, link, occurred_at FROM event_outbox WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [held[0].cursor, PLAN_BATCH],
      );
      if (!rows.length) return 0;
      let queued = 0;
      for (const r of rows) {
        if (!types.includes(r.type)) continue;
        const e: StoredEvent = { ...r, crn: null, occurredAt: r.occurred_at };
        for (const m of compose(e)) {
          const inserted: unknown[] = await tx.query(
            `WITH q AS (INSERT INTO email_messages (id, event_seq, recipient, subject, body) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (event_seq, recipient) DO NOTHING RETURNING id) SELECT id FROM q`,
            [randomUUID(), r.seq, m.recipient, m.subject, m.body],
          );
          queued += inserted.length;
        }
      }
      await tx.query(`UPDATE email_cursor SET cursor = $1 WHERE id = 1`, [rows.at(-1)!.seq]);
      return queued;
    });
  }

  /** Leases up to `n` due messages for `owner` (SKIP LOCKED: instances never wait on, nor share, a message). */
  async claim(owner: string, n: number, leaseMs: number): Promise<QueuedEmail[]> {
    return this.db.query(
      `WITH claimed AS (
         UPDATE email_messages m SET lease_owner = $1, lease_until = now() + make_interval(secs => $3::double precision / 1000)
          WHERE m.id IN (SELECT id FROM email_messages
                          WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                            AND (lease_until IS NULL OR lease_until < now())
                          ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING m.id::text AS id, m.recipient, m.subject, m.body, m.attempts)
       SELECT * FROM claimed`,
      [owner, n, leaseMs],
    );
  }

  async sent(owner: string, id: string): Promise<void> {
    await this.db.query(
      `UPDATE email_messages SET sent_at = now(), attempts = attempts + 1, lease_owner = NULL, lease_until = NULL
        WHERE id = $1 AND lease_owner = $2`,
      [id, owner],
    );
  }

  /** A failed attempt: tried again after `retryMs`, or given up on (failed_at) when `giveUp`. */
  async failed(owner: string, id: string, error: string, retryMs: number, giveUp: boolean): Promise<void> {
    await this.db.query(
      `UPDATE email_messages SET attempts = attempts + 1, last_error = $3, lease_owner = NULL, lease_until = NULL,
              next_attempt_at = now() + make_interval(secs => $4::double precision / 1000),
              failed_at = CASE WHEN $5 THEN now() ELSE NULL END
        WHERE id = $1 AND lease_owner = $2`,
      [id, owner, error.slice(0, 500), retryMs, giveUp],
    );
  }
}
