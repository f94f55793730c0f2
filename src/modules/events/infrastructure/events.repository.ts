import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventType } from '@shared/events/index.js';
import type { StoredEvent } from '../domain/event-envelope.js';
import {
  EventStore,
  type DeliveredItem,
  type DeliveryItem,
  type SubscriptionListing,
  type SubscriptionRow,
  type SubscriptionStats,
} from '../domain/event-store.port.js';

interface EventRow {
  seq: string;
  id: string;
  type: EventType;
  subject: string;
  crn: string | null;
  parties: string[];
  link: string;
  occurred_at: Date;
}

const toEvent = (r: EventRow): StoredEvent => ({
  seq: r.seq,
  id: r.id,
  type: r.type,
  subject: r.subject,
  crn: r.crn,
  parties: r.parties,
  link: r.link,
  occurredAt: r.occurred_at,
});
const EVENT_COLUMNS = `o.seq::text AS seq, o.id::text AS id, o.type, o.subject, o.crn, o.parties, o.link, o.occurred_at`;
/** UPDATE ... RETURNING wrapped in a CTE: the statement is a SELECT, so the driver answers with the rows alone. */
const returning = (update: string, columns = '*') => `WITH changed AS (${update}) SELECT ${columns} FROM changed`;
/** Keeps the lease (and extends it), moves the cursor past seq $5 unless $4 (a replay), counts the outcome; RETURNING id when held. */
const HOLD_AND_MOVE = `UPDATE event_subscriptions SET attempts = 0, lease_until = now() + make_interval(secs => $3::double precision / 1000),
    cursor = CASE WHEN $4 THEN cursor ELSE greatest(cursor, $5::bigint) END,
    delivered = delivered + CASE WHEN $6 THEN 1 ELSE 0 END, failures = failures + CASE WHEN $7 THEN 1 ELSE 0 END
  WHERE id = $1 AND lease_owner = $2 AND lease_until > now() RETURNING id`;
const MATCHES = `(s.types = '{*}' OR o.type = ANY (s.types))`;

/** Subscriptions, the outbox and delivery state. Every read of a subscription names its organisation. */
@Injectable()
export class EventsRepository extends EventStore {
  constructor(private readonly db: DataSource) {
    super();
  }

  /** A new subscription starts after the newest event: it receives what happens from now on. */
  async create(s: {
    id: string;
    org: string;
    url: string;
    types: string[];
    scheme: 'v1' | 'v1a';
    secret: string | null;
    by: string;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO event_subscriptions (id, org, url, types, scheme, secret, cursor, created_by)
       VALUES ($1, $2, $3, $4::text[], $5, $6, (SELECT coalesce(max(seq), 0) FROM event_outbox), $7)`,
      [s.id, s.org, s.url, s.types, s.scheme, s.secret, s.by],
    );
  }

  async list(org: string): Promise<SubscriptionListing[]> {
    return this.db.query(
      `SELECT s.id::text, s.url, s.types, s.scheme, s.created_at, s.delivered::text, s.failures::text,
              (SELECT count(*) FROM event_dead_letters d WHERE d.subscription_id = s.id AND d.delivered_at IS NULL)::text AS dead_letters,
              (SELECT count(*) FROM event_outbox o WHERE o.seq > s.cursor AND ${MATCHES})::text AS backlog
         FROM event_subscriptions s WHERE s.org = $1 AND s.deleted_at IS NULL ORDER BY s.created_at`,
      [org],
    );
  }

  async delete(org: string, id: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      returning(
        `UPDATE event_subscriptions SET deleted_at = now() WHERE id = $1 AND org = $2 AND deleted_at IS NULL RETURNING id`,
      ),
      [id, org],
    );
    return rows.length > 0;
  }

  /** Queues the subscription's undelivered dead letters for another round of attempts; null when no such subscription. */
  async replay(org: string, id: string): Promise<number | null> {
    const sub: unknown[] = await this.db.query(
      `SELECT 1 FROM event_subscriptions WHERE id = $1 AND org = $2 AND deleted_at IS NULL`,
      [id, org],
    );
    if (!sub.length) return null;
    const rows: unknown[] = await this.db.query(
      returning(
        `UPDATE event_dead_letters SET replay = true WHERE subscription_id = $1 AND delivered_at IS NULL AND NOT replay RETURNING seq`,
      ),
      [id],
    );
    await this.db.query(`UPDATE event_subscriptions SET next_attempt_at = now(), attempts = 0 WHERE id = $1`, [id]);
    return rows.length;
  }

  /**
   * Leases up to `n` subscriptions that are due and have something to deliver, those furthest
   * behind (lowest cursor) first, so none is left waiting while others are served. SKIP LOCKED lets
   * every instance claim at once without waiting on each other; the lease (not a held row lock)
   * keeps a subscription with one sender at a time while its HTTP calls run outside any transaction.
   */
  async claim(owner: string, n: number, leaseMs: number): Promise<SubscriptionRow[]> {
    return this.db.query(
      returning(`UPDATE event_subscriptions u SET lease_owner = $1, lease_until = now() + make_interval(secs => $3::double precision / 1000)
        WHERE u.id IN (
          SELECT s.id FROM event_subscriptions s
           WHERE s.deleted_at IS NULL AND s.next_attempt_at <= now() AND (s.lease_until IS NULL OR s.lease_until < now())
             AND (EXISTS (SELECT 1 FROM event_outbox o WHERE o.seq > s.cursor AND ${MATCHES})
                  OR EXISTS (SELECT 1 FROM event_dead_letters d WHERE d.subscription_id = s.id AND d.replay))
           ORDER BY s.cursor
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING u.id::text AS id, u.org, u.url, u.types, u.scheme, u.secret, u.cursor::text AS cursor, u.attempts`),
      [owner, n, leaseMs],
    );
  }

  /** Dead letters queued for replay first (oldest first), then the next events after the cursor. */
  async next(s: SubscriptionRow, limit: number): Promise<DeliveryItem[]> {
    const replays: EventRow[] = await this.db.query(
      `SELECT ${EVENT_COLUMNS} FROM event_dead_letters d JOIN event_outbox o ON o.seq = d.seq WHERE d.subscription_id = $1 AND d.replay ORDER BY d.seq LIMIT $2`,
      [s.id, limit],
    );
    if (replays.length) return replays.map((r) => ({ event: toEvent(r), replay: true }));
    const rows: EventRow[] = await this.db.query(
      `SELECT ${EVENT_COLUMNS} FROM event_outbox o, (SELECT $2::text[] AS types) s WHERE o.seq > $1 AND ${MATCHES} ORDER BY o.seq LIMIT $3`,
      [s.cursor, s.types, limit],
    );
    return rows.map((r) => ({ event: toEvent(r), replay: false }));
  }

  /**
   * Done with an item (delivered, not for this subscriber, or given up on): moves the cursor past
   * it (or clears its replay flag), records the attempt when one was made, and extends the lease.
   * False when this instance no longer holds the lease (another may have taken over).
   */
  async finish(
    owner: string,
    s: SubscriptionRow,
    item: DeliveryItem,
    outcome: { kind: 'delivered' | 'skipped' } | { kind: 'dead'; attempts: number; error: string },
    attempt: { n: number; ok: boolean; status: number | null; error: string | null } | null,
    leaseMs: number,
  ): Promise<boolean> {
    if (!item.replay && outcome.kind !== 'dead') {
      // The common case, delivered or not for this subscriber: one statement, so one round trip.
      const held: unknown[] = await this.db.query(
        `WITH held AS (${HOLD_AND_MOVE}),
              attempt AS (INSERT INTO event_delivery_attempts (subscription_id, seq, attempt, ok, status, error, instance)
                          SELECT id, $5::bigint, $8::int, $9::boolean, $10::int, $11::text, $2 FROM held WHERE $8::int IS NOT NULL)
         SELECT id FROM held`,
        [
          s.id,
          owner,
          leaseMs,
          false,
          item.event.seq,
          outcome.kind === 'delivered',
          attempt !== null && !attempt.ok,
          attempt?.n ?? null,
          attempt?.ok ?? null,
          attempt?.status ?? null,
          attempt?.error?.slice(0, 500) ?? null,
        ],
      );
      if (!held.length) return false;
      s.cursor = item.event.seq;
      s.attempts = 0;
      return true;
    }
    return this.db.transaction(async (tx) => {
      const held: unknown[] = await tx.query(returning(HOLD_AND_MOVE), [
        s.id,
        owner,
        leaseMs,
        item.replay,
        item.event.seq,
        outcome.kind === 'delivered',
        attempt !== null && !attempt.ok,
      ]);
      if (!held.length) return false;
      if (attempt) await this.recordAttempt(tx, owner, s, item, attempt);
      if (item.replay) {
        await tx.query(
          `UPDATE event_dead_letters SET replay = false, delivered_at = CASE WHEN $3 THEN now() ELSE delivered_at END, attempts = attempts + $4 WHERE subscription_id = $1 AND seq = $2`,
          [s.id, item.event.seq, outcome.kind === 'delivered', attempt?.n ?? 0],
        );
      } else if (outcome.kind === 'dead') {
        await tx.query(
          `INSERT INTO event_dead_letters (subscription_id, seq, attempts, last_error) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          [s.id, item.event.seq, outcome.attempts, outcome.error],
        );
      }
      s.cursor = item.replay ? s.cursor : item.event.seq;
      s.attempts = 0;
      return true;
    });
  }

  async finishRun(owner: string, s: SubscriptionRow, run: readonly DeliveredItem[], leaseMs: number): Promise<boolean> {
    const last = run[run.length - 1].seq;
    const sent = run.filter((r) => r.attempt !== null);
    const held: unknown[] = await this.db.query(
      `WITH held AS (UPDATE event_subscriptions SET attempts = 0, lease_until = now() + make_interval(secs => $3::double precision / 1000),
                       cursor = greatest(cursor, $4::bigint), delivered = delivered + $5::int
                     WHERE id = $1 AND lease_owner = $2 AND lease_until > now() RETURNING id),
            attempt AS (INSERT INTO event_delivery_attempts (subscription_id, seq, attempt, ok, status, error, instance)
                        SELECT held.id, a.seq, a.n, true, a.status, NULL, $2
                          FROM held, unnest($6::bigint[], $7::int[], $8::int[]) AS a(seq, n, status))
       SELECT id FROM held`,
      [
        s.id,
        owner,
        leaseMs,
        last,
        sent.length,
        sent.map((r) => r.seq),
        sent.map((r) => r.attempt!.n),
        sent.map((r) => r.attempt!.status),
      ],
    );
    if (!held.length) return false;
    s.cursor = last;
    s.attempts = 0;
    return true;
  }

  /** A failed attempt that will be retried: the subscription waits `delayMs` and its lease ends. */
  async retryLater(
    owner: string,
    s: SubscriptionRow,
    item: DeliveryItem,
    attempt: { n: number; status: number | null; error: string | null },
    delayMs: number,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const held: unknown[] = await tx.query(
        returning(`UPDATE event_subscriptions SET attempts = $3, failures = failures + 1, last_error = $4, lease_until = NULL, lease_owner = NULL,
                next_attempt_at = now() + make_interval(secs => $5::double precision / 1000)
          WHERE id = $1 AND lease_owner = $2 RETURNING id`),
        [s.id, owner, attempt.n, attempt.error, delayMs],
      );
      if (held.length) await this.recordAttempt(tx, owner, s, item, { ...attempt, ok: false });
    });
  }

  async release(owner: string, id: string): Promise<void> {
    await this.db.query(
      `UPDATE event_subscriptions SET lease_until = NULL, lease_owner = NULL WHERE id = $1 AND lease_owner = $2`,
      [id, owner],
    );
  }

  private async recordAttempt(
    tx: { query: DataSource['query'] },
    owner: string,
    s: SubscriptionRow,
    item: DeliveryItem,
    a: { n: number; ok: boolean; status: number | null; error: string | null },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO event_delivery_attempts (subscription_id, seq, attempt, ok, status, error, instance) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.id, item.event.seq, a.n, a.ok, a.status, a.error?.slice(0, 500) ?? null, owner],
    );
  }

  /** The outbox after `after`, oldest first (the pull feed filters it per caller). */
  async feed(after: string, limit: number): Promise<StoredEvent[]> {
    const rows: EventRow[] = await this.db.query(
      `SELECT ${EVENT_COLUMNS} FROM event_outbox o WHERE o.seq > $1 ORDER BY o.seq LIMIT $2`,
      [after, limit],
    );
    return rows.map(toEvent);
  }

  /** Per subscription: events waiting, the age of the oldest, failed attempts, undelivered dead letters. */
  async stats(): Promise<SubscriptionStats[]> {
    return this.db.query(
      `SELECT s.id::text, s.org, b.backlog::int AS backlog, extract(epoch FROM now() - b.oldest)::float8 AS oldest_s, s.failures::int AS failures,
              (SELECT count(*) FROM event_dead_letters d WHERE d.subscription_id = s.id AND d.delivered_at IS NULL)::int AS dead
         FROM event_subscriptions s
         CROSS JOIN LATERAL (SELECT count(*) AS backlog, min(o.occurred_at) AS oldest FROM event_outbox o WHERE o.seq > s.cursor AND ${MATCHES}) b
        WHERE s.deleted_at IS NULL`,
    );
  }
}
