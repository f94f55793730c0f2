import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PreparedStatement } from '@shared/database/prepared.js';
import { seenCounter, StateCounters } from '@shared/database/state-counters.js';
import type { Transaction } from '@shared/database/transaction.js';
import type { DataCategory, Purpose } from '@shared/domain/vocabulary.js';
import { termsFromDocument } from './domain/agreement-document.js';
import {
  isProvider,
  isRecipient,
  type AgreementStatus,
  type AgreementTerms,
  type Party,
  type SpecialCategory,
} from './domain/agreement-terms.js';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from './domain/agreement.repository.port.js';

export interface CoverageQuery {
  provider: string;
  recipient: string;
  purpose: Purpose;
  /** The decision instant (default now): validFrom <= at < validTo. Status is always today's. */
  at?: Date;
  /** Only this agreement (an exchange request names the agreement it relies on). */
  agreementId?: string;
  /**
   * A transaction the caller holds open (for example under a row lock): every read is made on it,
   * so the caller never waits for a second pooled connection while holding one.
   */
  tx?: Transaction;
}

/** An agreement version in force that covers a flow; decisions record `{ id, version }`. */
export interface CoveringAgreement {
  id: string;
  /** The version in force that the decision relies on (not a newer version still being signed). */
  version: number;
  title: string;
  /** ACTIVE, or PENDING_SIGNATURES while an amendment awaits signatures and `version` still covers. */
  status: AgreementStatus;
  purposes: Purpose[];
  dataCategories: DataCategory[];
  specialCategoryConditions: Partial<Record<SpecialCategory, string>>;
  /** The lawful basis for the queried purpose (its own, when the agreement gives one per purpose). */
  lawfulBasis: string[];
  retentionDays: number;
  validFrom: Date;
  validTo: Date;
  reviewBy: Date;
}

export interface Coverage {
  /** One agreement covering every requested category, or null. */
  agreement: CoveringAgreement | null;
  /** For each requested category, an agreement covering it (absent when none does). */
  byCategory: Partial<Record<DataCategory, CoveringAgreement>>;
  uncovered: DataCategory[];
}

/** What the exchange module needs to know about one agreement, whoever asks. */
export interface AgreementSnapshot {
  id: string;
  status: AgreementStatus;
  version: number;
  activeVersion: number | null;
  title: string;
  parties: Party[];
  purposes: Purpose[];
  dataCategories: DataCategory[];
  specialCategoryConditions: Partial<Record<SpecialCategory, string>>;
  retentionDays: number;
  validFrom: Date;
  validTo: Date;
  reviewBy: Date;
  awaitingSignatures: string[];
}

/** An agreement version as a replayed decision relies on it (see AgreementCoverage.version). */
export interface ReplayedAgreement {
  id: string;
  version: number;
  cover(
    provider: string,
    recipient: string,
    purpose: Purpose,
  ): Pick<CoveringAgreement, 'id' | 'version' | 'dataCategories' | 'specialCategoryConditions'>[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATE_SQL = 'SELECT version::text AS version FROM agreements_state WHERE id = 1';
const STATE = new PreparedStatement('agreements.state-version', STATE_SQL);
/** The counter's name among the StateCounters a signed request's token claim reads. */
const COUNTER = 'agreements';

interface Entry {
  id: string;
  status: AgreementStatus;
  version: number;
  terms: AgreementTerms;
  /** validTo of the agreement's current version: an amendment can end it sooner than the version in force. */
  currentValidTo: Date;
  providers: Set<string>;
  recipients: Set<string>;
}

/**
 * "Which agreement in force, valid at this instant, covers provider P, recipient R, purpose X
 * (and these categories)?" Answered from an in-memory index of the agreement versions in
 * force, rebuilt whenever the `agreements_state` counter moved. Every change of any agreement
 * bumps that counter in its own transaction.
 *
 * Freshness bound: a change committed before a signed request arrived is always seen, on every
 * instance: a suspension takes effect on the very next request everywhere. Such a request's token
 * claim has read the counter already (registered with StateCounters: the claim's statement
 * started after the request arrived), so it asks nothing more; a change committed elsewhere while
 * the request is handled may or may not be seen. A question on a caller's transaction (`tx`) reads
 * the counter on it. Any other question (a page, a job) reads the counter itself: a one-row
 * primary-key read, shared by concurrent questions (one that arrives while a read is in flight
 * waits for the next read, which starts after it arrived), so a change committed before that
 * question started is seen. A change through this instance is seen by every later question here
 * (see invalidate).
 */
@Injectable()
export class AgreementCoverage {
  private index: { stateVersion: string; entries: Entry[] } | null = null;
  private inflight: Promise<string> | null = null;
  private queued: Promise<string> | null = null;
  private reloading: { stateVersion: string; promise: Promise<Entry[]> } | null = null;
  /** Changes through this instance so far (see invalidate). */
  private generation = 0;

  constructor(
    private readonly db: DataSource,
    @Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository,
    counters: StateCounters,
  ) {
    counters.register(COUNTER, STATE_SQL);
  }

  async findCovering(q: CoverageQuery): Promise<CoveringAgreement[]> {
    const at = (q.at ?? new Date()).getTime();
    const entries = await (q.tx ? this.entriesIn(q.tx) : this.entries());
    return entries
      .filter(
        (e) =>
          (q.agreementId === undefined || e.id === q.agreementId) &&
          e.providers.has(q.provider) &&
          e.recipients.has(q.recipient) &&
          e.terms.purposes.includes(q.purpose) &&
          e.terms.validFrom.getTime() <= at &&
          at < e.terms.validTo.getTime() &&
          at < e.currentValidTo.getTime(),
      )
      .sort((a, b) => b.terms.validTo.getTime() - a.terms.validTo.getTime() || a.id.localeCompare(b.id))
      .map((e) => toCovering(e, q.purpose));
  }

  /**
   * The agreement to rely on for releasing `categories`: the first (latest validTo) that covers
   * all of them, and per category the first that covers it, for callers that release field by field.
   */
  async coverFor(q: CoverageQuery & { categories: readonly DataCategory[] }): Promise<Coverage> {
    const all = await this.findCovering(q);
    const byCategory: Partial<Record<DataCategory, CoveringAgreement>> = {};
    for (const c of q.categories) {
      const hit = all.find((a) => a.dataCategories.includes(c));
      if (hit) byCategory[c] = hit;
    }
    return {
      agreement: all.find((a) => q.categories.every((c) => a.dataCategories.includes(c))) ?? null,
      byCategory,
      uncovered: q.categories.filter((c) => !byCategory[c]),
    };
  }

  /**
   * One agreement as it stands now (current version's terms), without access checks: for other
   * modules' decisions. Read on `tx` when given (see CoverageQuery.tx).
   */
  async getAgreement(id: string, now = new Date(), tx?: Transaction): Promise<AgreementSnapshot | null> {
    if (!UUID.test(id)) return null;
    const a = await this.repo.findById(id, tx);
    if (!a) return null;
    const t = a.terms;
    return {
      id: a.id,
      status: a.statusAt(now),
      version: a.version,
      activeVersion: a.activeVersion,
      title: t.title,
      parties: t.parties.map((p) => ({ ...p })),
      purposes: [...t.purposes],
      dataCategories: [...t.dataCategories],
      specialCategoryConditions: { ...t.specialCategoryConditions },
      retentionDays: t.retentionDays,
      validFrom: t.validFrom,
      validTo: t.validTo,
      reviewBy: t.reviewBy,
      awaitingSignatures: a.awaitingSignatures(),
    };
  }

  /**
   * One agreement version, for replaying a decision that relied on it: null when there is no
   * such version, or when `viewer` (an organisation, or null for the operator) is not one of its
   * parties, so a stranger learns nothing of it. Its `cover` answers as the coverage query would
   * have while the version was in force, whatever the agreement's status or dates now (the
   * decision named it, so it was in force then): its terms when its parties and purposes cover
   * the flow, else none.
   */
  async version(q: { id: string; version: number; viewer: string | null }): Promise<ReplayedAgreement | null> {
    if (!UUID.test(q.id)) return null;
    const found = await this.repo.findVersion(q.id, q.version);
    if (!found) return null;
    const t = found.version.terms;
    if (q.viewer !== null && !t.parties.some((p) => p.org === q.viewer)) return null;
    const terms = {
      id: q.id,
      version: q.version,
      dataCategories: [...t.dataCategories],
      specialCategoryConditions: { ...t.specialCategoryConditions },
    };
    return {
      id: q.id,
      version: q.version,
      cover: (provider, recipient, purpose) =>
        t.parties.some((p) => p.org === provider && isProvider(p)) &&
        t.parties.some((p) => p.org === recipient && isRecipient(p)) &&
        t.purposes.includes(purpose)
          ? [terms]
          : [],
    };
  }

  /**
   * After a change through this instance, committed: drops the index, and any load begun before
   * it, which can neither become the index nor answer a question asked from now on. So every
   * later question on this instance sees the change, whatever counter its request knows (the
   * changing request's own counter predates the change).
   */
  invalidate(): void {
    this.generation++;
    this.index = null;
    this.reloading = null;
  }

  private async entries(): Promise<Entry[]> {
    const stateVersion = seenCounter(COUNTER) ?? (await this.freshStateVersion());
    if (this.index && BigInt(this.index.stateVersion) >= BigInt(stateVersion)) return this.index.entries;
    if (!this.reloading || BigInt(this.reloading.stateVersion) < BigInt(stateVersion)) {
      const generation = this.generation;
      const promise = this.load().then((loaded) => {
        if (generation === this.generation) this.install(loaded);
        return loaded.entries;
      });
      const r = { stateVersion, promise };
      this.reloading = r;
      void promise.then(
        () => this.reloading === r && (this.reloading = null),
        () => this.reloading === r && (this.reloading = null),
      );
    }
    return this.reloading.promise;
  }

  /** The counter as read by a query that started after this call: joins the next read, never one already in flight. */
  private freshStateVersion(): Promise<string> {
    if (!this.inflight) return this.readState();
    if (!this.queued) {
      const after = this.inflight.then(
        () => undefined,
        () => undefined,
      );
      this.queued = after.then(() => {
        this.queued = null;
        return this.readState();
      });
    }
    return this.queued;
  }

  private readState(): Promise<string> {
    // Through TypeORM's query runner like every other query: concurrent questions share one read
    // (freshStateVersion), so its cost is paid once per round trip, not once per request.
    const p = STATE.rows<{ version: string }>(this.db, []).then((rows) => rows[0].version);
    this.inflight = p;
    const clear = () => {
      if (this.inflight === p) this.inflight = null;
    };
    p.then(clear, clear);
    return p;
  }

  /**
   * The index as `tx` sees the counter: the cached one when it is that fresh, else reloaded on
   * `tx`. The counter is read before the agreements, so under READ COMMITTED a change committed
   * in between makes the index newer than its counter says (reloaded once more), never older.
   */
  private async entriesIn(tx: Transaction): Promise<Entry[]> {
    const generation = this.generation;
    const [{ version }] = await tx.query<{ version: string }[]>(STATE_SQL);
    if (this.index && BigInt(this.index.stateVersion) >= BigInt(version)) return this.index.entries;
    const loaded = { stateVersion: version, entries: await this.loadEntries(tx) };
    if (generation === this.generation) this.install(loaded);
    return loaded.entries;
  }

  /** `loaded` becomes the index unless the index is newer. */
  private install(loaded: { stateVersion: string; entries: Entry[] }): void {
    if (!this.index || BigInt(this.index.stateVersion) <= BigInt(loaded.stateVersion)) this.index = loaded;
  }

  /** The versions in force, read in one snapshot with the counter they correspond to. */
  private async load(): Promise<{ stateVersion: string; entries: Entry[] }> {
    return this.db.transaction('REPEATABLE READ', async (em) => {
      const [{ version: stateVersion }]: { version: string }[] = await em.query(STATE_SQL);
      return { stateVersion, entries: await this.loadEntries(em) };
    });
  }

  /** The agreement versions in force, with their parsed terms. */
  private async loadEntries(tx: Transaction): Promise<Entry[]> {
    const rows = await tx.query<
      { id: string; status: AgreementStatus; version: number; valid_to: Date; document: string }[]
    >(
      `SELECT a.id, a.status, a.active_version AS version, a.valid_to, v.document
         FROM agreements a JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.active_version
        WHERE a.active_version IS NOT NULL AND a.status IN ('ACTIVE', 'PENDING_SIGNATURES')`,
    );
    return rows.map((r) => {
      const terms = termsFromDocument(r.document);
      return {
        id: r.id,
        status: r.status,
        version: r.version,
        terms,
        currentValidTo: r.valid_to,
        providers: new Set(terms.parties.filter(isProvider).map((p) => p.org)),
        recipients: new Set(terms.parties.filter(isRecipient).map((p) => p.org)),
      };
    });
  }
}

function toCovering(e: Entry, purpose: Purpose): CoveringAgreement {
  const t = e.terms;
  return {
    id: e.id,
    version: e.version,
    title: t.title,
    status: e.status,
    purposes: [...t.purposes],
    dataCategories: [...t.dataCategories],
    specialCategoryConditions: { ...t.specialCategoryConditions },
    lawfulBasis: [...(t.lawfulBasisByPurpose[purpose] ?? t.lawfulBasis)],
    retentionDays: t.retentionDays,
    validFrom: t.validFrom,
    validTo: t.validTo,
    reviewBy: t.reviewBy,
  };
}
