import type { Transaction } from '@shared/database/transaction.js';
import type { LogIntent, PendingIntent } from '@modules/access-log/index.js';
import type { OutboxEvent } from '@shared/events/index.js';
import type { ExchangeRequest, ExchangeStatus, Urgency } from './exchange-request.js';

export interface ListFilter {
  org: string;
  direction: 'incoming' | 'outgoing' | 'both';
  status?: ExchangeStatus;
  /** Only those submitted by this actor (`sub` of the submitting token). */
  submittedBy?: string;
  overdue?: boolean;
  now: Date;
  after?: { submittedAt: Date; id: string };
  limit: number;
}

/** An open request's deadline (the deadline watcher's view). */
export interface OpenDeadline {
  id: string;
  requester: string;
  provider: string;
  urgency: Urgency;
  dueBy: Date;
  /** The provider's data owner who approved it (`<org>/<sub>`), while APPROVED and not yet released. */
  approvedBy: string | null;
}

/**
 * The claim read (see ClaimReads) of findById, keyed by request id: a route that reads a request
 * first names it (@ReadsWithClaim), and findById then costs no query.
 */
export const EXCHANGE_REQUEST_CLAIM_READ = 'exchange-request';

/** A request's jti used again by its requester (the same request JWS, or its jti, replayed). */
export class DuplicateRequestJti extends Error {}

/**
 * Where exchange requests are kept. Every read that lists or loads is scoped to an organisation
 * by the caller. The application layer depends on this port; infrastructure/ implements it.
 */
export abstract class ExchangeRequestRepository {
  /**
   * Runs `work` in one transaction, committed when it resolves and rolled back when it throws.
   * The handler passes `tx` to each write of the change (this repository's and the access log's
   * intent), so they commit together.
   */
  abstract transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;

  /**
   * Stores a new request, its submission's log intent and its events in one statement, committed
   * on its own (no transaction is opened around it); answers the intent, for the caller to
   * integrate, and the events wait for the caller to publish them (OutboxPublisher.publish).
   * Throws DuplicateRequestJti when its jti was used before, and then nothing is stored.
   */
  abstract submit(r: ExchangeRequest, intent: PendingIntent, events: readonly OutboxEvent[]): Promise<LogIntent>;

  /**
   * The request `id`; null when there is none (or `id` is not a request id at all). The first
   * look-up of the request a request's token claim read (EXCHANGE_REQUEST_CLAIM_READ) answers that.
   */
  abstract findById(id: string): Promise<ExchangeRequest | null>;

  /**
   * Loads `id` locked for update until `tx` ends; null when there is no such request. A
   * concurrent change waits for the lock and then sees the new status.
   *
   * While `tx` is open it holds a pooled connection: the work inside it must not wait for
   * another one (read what it needs before), or enough concurrent changes exhaust the pool and
   * wait on each other until the connect timeout. The access-log append of a release is fine:
   * the log writes over its own connection.
   */
  abstract lock(tx: Transaction, id: string): Promise<ExchangeRequest | null>;

  abstract list(f: ListFilter): Promise<ExchangeRequest[]>;

  /** Ids of open requests made under an agreement (for the suspension and termination reactions). */
  abstract openUnderAgreement(agreementId: string): Promise<string[]>;

  /** Open requests past their due time, by provider and urgency (the overdue gauge). */
  abstract countOverdue(now: Date): Promise<{ provider: string; urgency: Urgency; count: number }[]>;

  /** Open requests (SUBMITTED or APPROVED) due at or before `by`, oldest deadline first. */
  abstract openDueBy(tx: Transaction, by: Date): Promise<OpenDeadline[]>;

  /** Writes the request's lifecycle state (after a transition) in `tx`. */
  abstract save(tx: Transaction, r: ExchangeRequest): Promise<void>;

  /**
   * Writes the request's lifecycle state and its events in one statement committed on its own,
   * if, and only if, the stored request is still `from` (checked under the row's lock the update
   * takes): true when written, false when it had moved on (nothing written then). The caller
   * publishes the events, as after submit.
   */
  abstract saveIf(r: ExchangeRequest, from: ExchangeStatus, events: readonly OutboxEvent[]): Promise<boolean>;
}
