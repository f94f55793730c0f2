import type { Transaction } from '@shared/database/transaction.js';

export interface FlagReview {
  flagId: string;
  reviewerSub: string;
  note: string;
  reviewedAt: string;
}

/**
 * Reviewers' notes on misuse flags, kept per reviewing organisation (each IG reviews its own
 * view). The application layer depends on this port; infrastructure/ implements it.
 */
export abstract class FlagReviews {
  /** Runs `work` in one transaction; the review and its access-log intent are written in it together. */
  abstract transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;

  abstract add(tx: Transaction, org: string, review: FlagReview): Promise<void>;

  /** The latest review of each of these flags by the organisation's IG. */
  abstract latest(org: string, flagIds: readonly string[]): Promise<Map<string, FlagReview>>;
}
