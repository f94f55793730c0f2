import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { logActor, type Principal } from '@shared/auth/principal.js';
import { AccessLogSearch, AccessLogWriter, type StoredAccessLogEntry } from '@modules/access-log/index.js';
import { agreementFacts, AgreementsSource } from '../domain/agreement-view.js';
import { IgConsoleException, IgConsoleExceptionCode } from '../domain/ig-console.exception.js';
import { computeFlags, DEFAULT_DENIAL_THRESHOLD, type MisuseFlag } from '../domain/misuse-flags.js';
import { FlagReviews, type FlagReview } from '../domain/flag-reviews.port.js';

/** Entries read per search page, and at most per flag computation (the page says when it stopped short). */
const PAGE = 1000;
const MAX_ENTRIES = 20_000;
const HOUR_MS = 3_600_000;

export interface FlagsPage {
  from: string;
  to: string;
  /** True when the range held more entries than one computation reads: narrow it. */
  truncated: boolean;
  entriesExamined: number;
  flags: (MisuseFlag & { review: FlagReview | null })[];
}

/**
 * Misuse flags over the reviewer's scope of the log. The entries come through AccessLogSearch,
 * so the reviewer sees only what the API would show them and each read is itself logged.
 */
@Injectable()
export class MisuseFlagsService {
  constructor(
    private readonly search: AccessLogSearch,
    private readonly writer: AccessLogWriter,
    private readonly agreements: AgreementsSource,
    private readonly reviews: FlagReviews,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(p: Principal, range: { from: Date; to: Date }): Promise<FlagsPage> {
    const entries: StoredAccessLogEntry[] = [];
    let cursor: number | undefined;
    let truncated = false;
    for (;;) {
      const page = await this.search.search(p, { from: range.from, to: range.to }, { cursor, limit: PAGE });
      // A pruned entry keeps nothing the rules look at (who, which case): it can raise no flag.
      entries.push(...page.entries.filter((e) => !e.pruned));
      if (page.nextCursor === null) break;
      if (entries.length >= MAX_ENTRIES) {
        truncated = true;
        break;
      }
      cursor = Number(page.nextCursor);
    }
    const flags = await this.flagsIn(p, entries);
    const reviews = await this.reviews.latest(
      p.org,
      flags.map((f) => f.id),
    );
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      truncated,
      entriesExamined: entries.length,
      flags: flags.map((f) => ({ ...f, review: reviews.get(f.id) ?? null })),
    };
  }

  /**
   * Records a reviewer's note on a flag. Only a flag the reviewer's own view of the log raises can
   * be reviewed: any other id is a 404 before anything is written (the check itself is not logged).
   * The review and its access-log intent are written in one transaction, so there is never a
   * review without its entry nor an entry without its review.
   */
  async review(p: Principal, flagId: string, note: string): Promise<FlagReview> {
    if (!(await this.exists(p, flagId)))
      throw new IgConsoleException(
        IgConsoleExceptionCode.FlagNotFound,
        "There is no such flag in your organisation's view of the log.",
      );
    const review: FlagReview = { flagId, reviewerSub: p.sub, note, reviewedAt: new Date().toISOString() };
    const intent = await this.reviews.transaction(async (tx) => {
      await this.reviews.add(tx, p.org, review);
      return this.writer.enqueue(tx, {
        actor: logActor(p),
        action: 'ig.flag.review',
        resource: { type: 'misuse-flag', id: flagId },
        reason: note,
        decision: 'ALLOW',
        reasons: ['flag reviewed'],
        recipientOrg: p.org,
        ownerOrg: p.org,
        requestId: p.requestId,
      });
    });
    await this.writer.integrate(intent);
    return review;
  }

  /**
   * The flags the reviewer's view of the log raises over `range`, for the misuse flag watcher:
   * read without an access-log entry, because nobody sees the entries (the watcher passes on
   * each flag's id alone, to the reviewer's own organisation).
   */
  async raised(p: Principal, range: { from: Date; to: Date }): Promise<MisuseFlag[]> {
    return this.flagsIn(p, await this.search.entriesForCheck(p, range, MAX_ENTRIES));
  }

  private async flagsIn(p: Principal, entries: StoredAccessLogEntry[]): Promise<MisuseFlag[]> {
    const agreements = new Map((await this.agreements.list(p)).map((a) => [a.id, agreementFacts(a)]));
    return computeFlags(entries, agreements, {
      bulkAccessThreshold: this.config.bulkAccessThreshold,
      repeatedDenialThreshold: DEFAULT_DENIAL_THRESHOLD,
    });
  }

  /**
   * Whether the reviewer's view raises the flag `flagId`. Every flag id ends with the index of its
   * first evidence entry, and a flag's first hour from that entry holds what raised it (a window
   * rule's qualifying window lasts under an hour; the other rules flag single entries or a day
   * starting there), so the flags over that hour are recomputed and looked for the id.
   */
  private async exists(p: Principal, flagId: string): Promise<boolean> {
    const tail = flagId.slice(flagId.lastIndexOf(':') + 1);
    if (!/^\d{1,15}$/.test(tail)) return false;
    const first = await this.search.entryForCheck(p, Number(tail));
    if (!first) return false;
    const from = new Date(first.timestamp);
    const entries = await this.search.entriesForCheck(p, { from, to: new Date(from.getTime() + HOUR_MS) }, MAX_ENTRIES);
    return (await this.flagsIn(p, entries)).some((f) => f.id === flagId);
  }
}
