import type { Transaction } from '@shared/database/transaction.js';
import type { RetentionKind } from './retention-schedule.js';

/** The days of one kind as the store applies them (see daysByOrg). */
export interface KindDays {
  orgs: string[];
  days: number[];
  defaultDays: number;
}

/** One item of a kind logged per item: what it is, whose, about which CRN, and when it is due. */
export interface DueItem {
  id: string;
  org: string;
  crn: string | null;
  dueAt: Date;
}

/**
 * Where the retention job finds what is due and erases it. Every read takes the days per
 * organisation of the loaded schedule, so the database computes each item's due time.
 */
export abstract class RetentionStore {
  /** Runs `work` in one transaction, or answers null without running it while another instance holds the job's lock. */
  abstract exclusively<T>(work: (tx: Transaction) => Promise<T>): Promise<T | null>;

  /** Items of a per-item kind due at `at` (of `org` only when given), oldest due first, at most `limit`. */
  abstract due(
    q: Transaction | null,
    kind: RetentionKind,
    days: KindDays,
    at: Date,
    opts: { org?: string; limit: number },
  ): Promise<DueItem[]>;

  /** How many items of `kind` are due at `at`, and when the next one after `at` falls due (of `org` only when given). */
  abstract summary(
    kind: RetentionKind,
    days: KindDays,
    at: Date,
    org?: string,
  ): Promise<{ due: number; nextDueAt: Date | null }>;

  /** Erases one final exchange request (the schema owner's function); false when it was not there or not final. */
  abstract eraseExchangeRequest(tx: Transaction, id: string): Promise<boolean>;

  /** Erases every session or replay token due at `at`; answers how many, per organisation. */
  abstract eraseDueInBulk(
    tx: Transaction,
    kind: 'person-session' | 'ig-session' | 'replay-token',
    days: KindDays,
    at: Date,
  ): Promise<Map<string, number>>;
}
