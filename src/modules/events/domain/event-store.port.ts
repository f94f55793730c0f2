import type { EventType } from '@shared/events/index.js';
import type { EmailMessage } from './email-message.js';
import type { StoredEvent } from './event-envelope.js';

/** An outbox item finished in a run: delivered (its successful attempt) or not for the subscriber (null). */
export interface DeliveredItem {
  seq: string;
  attempt: { n: number; status: number | null } | null;
}

export interface SubscriptionRow {
  id: string;
  org: string;
  url: string;
  types: string[];
  scheme: 'v1' | 'v1a';
  secret: string | null;
  cursor: string;
  attempts: number;
}

/** One thing to deliver for a subscription: a dead letter being replayed, or the next outbox event. */
export interface DeliveryItem {
  event: StoredEvent;
  replay: boolean;
}

/** A subscription as its organisation lists it (counts as decimal strings: they are bigints). */
export interface SubscriptionListing {
  id: string;
  url: string;
  types: string[];
  scheme: string;
  created_at: Date;
  delivered: string;
  failures: string;
  dead_letters: string;
  backlog: string;
}

/** How a subscription's deliveries stand, for the metrics and IG's delivery view. */
export interface SubscriptionStats {
  id: string;
  org: string;
  backlog: number;
  oldest_s: number | null;
  failures: number;
  dead: number;
}

/**
 * Subscriptions, the outbox and delivery state. Every read of a subscription names its
 * organisation. The application layer depends on this port; infrastructure/ implements it.
 */
export abstract class EventStore {
  /** A new subscription starts after the newest event: it receives what happens from now on. */
  abstract create(s: {
    id: string;
    org: string;
    url: string;
    types: string[];
    scheme: 'v1' | 'v1a';
    secret: string | null;
    by: string;
  }): Promise<void>;

  abstract list(org: string): Promise<SubscriptionListing[]>;

  abstract delete(org: string, id: string): Promise<boolean>;

  /** Queues the subscription's undelivered dead letters for another round of attempts; null when no such subscription. */
  abstract replay(org: string, id: string): Promise<number | null>;

  /** Leases up to `n` subscriptions that are due and have something to deliver, one sender at a time each. */
  abstract claim(owner: string, n: number, leaseMs: number): Promise<SubscriptionRow[]>;

  /** Dead letters queued for replay first (oldest first), then the next events after the cursor. */
  abstract next(s: SubscriptionRow, limit: number): Promise<DeliveryItem[]>;

  /**
   * Done with an item (delivered, not for this subscriber, or given up on): moves the cursor past
   * it (or clears its replay flag), records the attempt when one was made, and extends the lease.
   * False when this instance no longer holds the lease (another may have taken over).
   */
  abstract finish(
    owner: string,
    s: SubscriptionRow,
    item: DeliveryItem,
    outcome: { kind: 'delivered' | 'skipped' } | { kind: 'dead'; attempts: number; error: string },
    attempt: { n: number; ok: boolean; status: number | null; error: string | null } | null,
    leaseMs: number,
  ): Promise<boolean>;

  /**
   * Done with a run of consecutive outbox items (not replays), each delivered (with its
   * successful attempt) or not for this subscriber (no attempt): moves the cursor past the last,
   * records the attempts and extends the lease, in one statement. False when this instance no
   * longer holds the lease.
   */
  abstract finishRun(
    owner: string,
    s: SubscriptionRow,
    run: readonly DeliveredItem[],
    leaseMs: number,
  ): Promise<boolean>;

  /** A failed attempt that will be retried: the subscription waits `delayMs` and its lease ends. */
  abstract retryLater(
    owner: string,
    s: SubscriptionRow,
    item: DeliveryItem,
    attempt: { n: number; status: number | null; error: string | null },
    delayMs: number,
  ): Promise<void>;

  abstract release(owner: string, id: string): Promise<void>;

  /** The outbox after `after`, oldest first (the pull feed filters it per caller). */
  abstract feed(after: string, limit: number): Promise<StoredEvent[]>;

  /** Per subscription: events waiting, the age of the oldest, failed attempts, undelivered dead letters. */
  abstract stats(): Promise<SubscriptionStats[]>;
}

/** A queued message as a sender leases it. */
export interface QueuedEmail extends EmailMessage {
  id: string;
  attempts: number;
}

/** The e-mail cursor over the outbox and the queue of messages to send. */
export abstract class EmailQueue {
  /**
   * Turns the outbox rows after the e-mail cursor into queued messages (`compose` decides which)
   * and moves the cursor past them, at most once per event and address, one instance at a time.
   * How many messages were queued, or null when another instance plans.
   */
  abstract plan(types: readonly EventType[], compose: (e: StoredEvent) => EmailMessage[]): Promise<number | null>;

  /** Leases up to `n` messages that are due to be sent. */
  abstract claim(owner: string, n: number, leaseMs: number): Promise<QueuedEmail[]>;

  abstract sent(owner: string, id: string): Promise<void>;

  abstract failed(owner: string, id: string, error: string, retryMs: number, giveUp: boolean): Promise<void>;
}
