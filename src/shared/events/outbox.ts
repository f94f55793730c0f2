import { randomUUID } from 'node:crypto';
import { PreparedStatement } from '@shared/database/prepared.js';

/** The event types the gateway raises (CloudEvents `type`). Subscriptions name these, or `*`. */
export const EVENT_TYPES = [
  'case.updated',
  'case.escalated',
  'case.rosh.changed',
  'case.mappa.changed',
  'case.licence-conditions.changed',
  'case.transfer.requested',
  'case.transfer.accepted',
  'case.rectified',
  'case.erased',
  'case.restricted',
  'agreement.activated',
  'agreement.amended',
  'agreement.suspended',
  'agreement.resumed',
  'agreement.terminated',
  'agreement.expired',
  'agreement.expiring',
  'agreement.review-due',
  'agreement.signature-requested',
  'exchange-request.received',
  'exchange-request.decided',
  'exchange-request.fulfilled',
  'exchange-request.due-soon',
  'exchange-request.overdue',
  'misuse-flag.raised',
  'breach.ico-deadline-near',
  'breach.ico-overdue',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * A thin event: what happened and to what, and where to read the details through the normal
 * policy-checked, logged API. Never case content.
 */
export interface OutboxEvent {
  readonly type: EventType;
  /** The CRN, agreement id, exchange request id, misuse flag id or breach id the event is about. */
  readonly subject: string;
  /** Set for events about a case: who may receive it is decided as for a read of this CRN. */
  readonly crn?: string | null;
  /** For agreement, exchange, misuse flag and breach events: the organisations that may receive it. */
  readonly parties?: readonly string[];
  /** Persons the event concerns, as `<organisation>/<sub>`: e-mailed where an address is configured, never sent elsewhere. */
  readonly people?: readonly string[];
  /** Path of the API resource that holds the details, e.g. `/cases/X123456/summary`. */
  readonly link: string;
}

/** SQL on the change's open transaction (a TypeORM EntityManager inside `transaction()` is one). */
export interface OutboxSql {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/**
 * The advisory lock that serialises raising time-driven events (recordEventOnce). Not the
 * outbox's own lock (the publisher's, held while it moves pending events and to the end of its
 * commit): a transaction holding this one may still wait for rows, while one holding the
 * outbox's only moves events and finishes committing.
 */
const REMINDER_LOCK = new PreparedStatement('events.reminder-lock', `SELECT pg_advisory_xact_lock(7163017)`);

/**
 * SQL inserting the events of JSON parameter `param` (eventsParam) into the pending outbox, in the
 * order given: the pending rows' `n` is drawn row by row in the order the SELECT yields them,
 * which ORDER BY n (their place in the array) fixes, and the publisher moves them into
 * event_outbox in `n` order. With `onlyIf` (a SQL condition), nothing is written unless it holds:
 * for a change's own statement, whose events exist only if its row changed (eventsOfChangeSql).
 */
function insertPendingSql(param: string, onlyIf?: string): string {
  return `INSERT INTO event_outbox_pending (id, type, subject, crn, parties, link, people)
   SELECT e.id, e.type, e.subject, e.crn, e.parties, e.link, e.people
     FROM ROWS FROM (jsonb_to_recordset(${param}::jsonb)
            AS (id uuid, type text, subject text, crn text, parties text[], link text, people text[]))
          WITH ORDINALITY AS e(id, type, subject, crn, parties, link, people, n)
    ${onlyIf ? `WHERE ${onlyIf}\n    ` : ''}ORDER BY e.n`;
}

/** The key recordEvents sets in a TypeORM transaction's QueryRunner `data`: the OutboxPublisher publishes once it commits. */
export const EVENTS_RECORDED = 'outbox.eventsRecorded';

/** All of a change's events in one statement. */
const INSERT = new PreparedStatement('events.outbox-insert-pending', insertPendingSql('$1'));

/** The rows of `events` as the one JSON parameter the outbox's inserts take (eventsOfChangeSql's too). */
export function eventsParam(events: readonly OutboxEvent[]): string {
  return JSON.stringify(
    events.map((e) => ({
      id: randomUUID(),
      type: e.type,
      subject: e.subject,
      crn: e.crn ?? null,
      parties: [...(e.parties ?? [])],
      link: e.link,
      people: [...(e.people ?? [])],
    })),
  );
}

/**
 * Writes the change's events inside the change's transaction `tx`: they commit or roll back with
 * the change, and nothing is locked while the change runs. They wait in event_outbox_pending until
 * the OutboxPublisher moves them into event_outbox after the commit (`seq` drawn there, rows
 * visible in `seq` order; see the OutboxPublishedAfterCommit migration). A TypeORM transaction is
 * marked, so the publisher publishes as it commits; any other is published within a second.
 * Only the events' columns are given: the pending row's order and time are the database's.
 */
export async function recordEvents(tx: OutboxSql, events: readonly OutboxEvent[]): Promise<void> {
  if (!events.length) return;
  await INSERT.rows(tx, [eventsParam(events)]);
  const runner = (tx as { queryRunner?: { data?: Record<string, unknown> } }).queryRunner;
  if (runner) runner.data = { ...runner.data, [EVENTS_RECORDED]: true };
}

/**
 * The member of a change made by one statement of its own (a data-modifying `WITH`, committed
 * alone, with no transaction opened around it) that writes its events: from that statement's
 * parameter `$param` (eventsParam), and only if its member `changed` returned a row. They commit
 * with the change; the caller then calls OutboxPublisher.publish() (no transaction marks them).
 */
export function eventsOfChangeSql(param: number, changed: string): string {
  return insertPendingSql(`$${param}`, `EXISTS (SELECT 1 FROM ${changed})`);
}

/** The thin event's link for a case, an agreement, an exchange request, or the IG console's flags or breaches. */
export const links = {
  case: (crn: string) => `/cases/${encodeURIComponent(crn)}/summary`,
  agreement: (id: string) => `/agreements/${encodeURIComponent(id)}`,
  exchangeRequest: (id: string) => `/exchange-requests/${encodeURIComponent(id)}`,
  misuseFlags: () => `/ig/#/flags`,
  breaches: () => `/ig/#/records`,
};

/**
 * Records a time-driven event (a deadline reached, not a change) at most once for `dueAt`: the
 * first transaction to insert its `event_reminders` row writes the event, any other instance or
 * later sweep finds the row and writes nothing. A moved deadline (a new validTo or reviewBy) is a
 * new `dueAt` and raises the event again. True when this call raised it.
 */
export async function recordEventOnce(tx: OutboxSql, event: OutboxEvent, dueAt: Date): Promise<boolean> {
  const key = [event.type, event.subject, dueAt];
  const seen = (await tx.query(
    `SELECT 1 FROM event_reminders WHERE type = $1 AND subject = $2 AND due_at = $3`,
    key,
  )) as unknown[];
  if (seen.length) return false;
  // The reminder lock first, then the reminder row: two sweeps raising the same events in
  // different orders then queue on the lock instead of each waiting for a row the other holds.
  await REMINDER_LOCK.rows(tx, []);
  const rows = (await tx.query(
    `WITH raised AS (INSERT INTO event_reminders (type, subject, due_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING type) SELECT type FROM raised`,
    key,
  )) as unknown[];
  if (!rows.length) return false;
  await recordEvents(tx, [event]);
  return true;
}
