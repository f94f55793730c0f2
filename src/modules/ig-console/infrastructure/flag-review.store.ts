import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Transaction } from '@shared/database/transaction.js';
import { FlagReviews, type FlagReview } from '../domain/flag-reviews.port.js';

/** Reviewers' notes on misuse flags, kept per reviewing organisation (each IG reviews its own view). */
@Injectable()
export class FlagReviewStore extends FlagReviews {
  constructor(private readonly db: DataSource) {
    super();
  }

  /** Runs `work` in one transaction; the review and its access-log intent are written in it together. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async add(tx: Transaction, org: string, review: FlagReview): Promise<void> {
    await tx.query(
      `INSERT INTO ig_flag_reviews (flag_id, reviewer_org, reviewer_sub, note, reviewed_at) VALUES ($1, $2, $3, $4, $5)`,
      [review.flagId, org, review.reviewerSub, review.note, review.reviewedAt],
    );
  }

  /** The latest review of each of these flags by the organisation's IG. */
  async latest(org: string, flagIds: readonly string[]): Promise<Map<string, FlagReview>> {
    if (!flagIds.length) return new Map();
    const rows: { flag_id: string; reviewer_sub: string; note: string; reviewed_at: Date }[] = await this.db.query(
      `SELECT DISTINCT ON (flag_id) flag_id, reviewer_sub, note, reviewed_at
         FROM ig_flag_reviews WHERE reviewer_org = $1 AND flag_id = ANY($2::text[])
        ORDER BY flag_id, id DESC`,
      [org, [...flagIds]],
    );
    return new Map(
      rows.map((r) => [
        r.flag_id,
        { flagId: r.flag_id, reviewerSub: r.reviewer_sub, note: r.note, reviewedAt: r.reviewed_at.toISOString() },
      ]),
    );
  }
}
