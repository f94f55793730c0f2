import type { Transaction } from '@shared/database/transaction.js';
import type { Case, CaseTransfer, PushedCase } from './case.js';
import type { Assessment, CaseRecord } from './case.types.js';
import type { PersonSearch } from './person-search.js';

/** A case with its latest completed assessment (null when it has none). */
export interface LoadedCase {
  record: CaseRecord;
  assessment: Assessment | null;
}

/**
 * The claim read (see ClaimReads) of loadWithLatestAssessment without a transaction, keyed by CRN: a
 * route that reads a case first names it (@ReadsWithClaim), and the load then costs no query.
 */
export const CASE_CLAIM_READ = 'case';

/**
 * Where cases, their assessments and transfers are kept. The application layer depends on this
 * port; the PostgreSQL adapter in infrastructure/ implements it (and is the Nest provider for it).
 */
export abstract class CaseRepository {
  /**
   * The case and its latest completed assessment, in one query; null when there is no such case.
   * On `tx` when given (a transaction that holds a connection reads on it, never waiting for
   * another), and then the case row is held (FOR SHARE) until `tx` ends: a change of the case
   * (a restriction, a transfer) waits for what `tx` releases from the case as read. Without `tx`,
   * the first load of the case a request's token claim read (CASE_CLAIM_READ) answers that.
   */
  abstract loadWithLatestAssessment(crn: string, tx?: Transaction): Promise<LoadedCase | null>;

  /**
   * The cases whose person matches `search` (PNC ID exactly, or given and family name without
   * regard to case and the date of birth exactly, or the CRN), at most `limit`, by CRN. Every
   * case, restricted or not: whether the caller may know of each is the decision's to say.
   */
  abstract findPeople(search: PersonSearch, limit: number): Promise<CaseRecord[]>;

  /** The cases in `force`'s IOM cohort with their latest assessments, at most `limit`, by CRN; restricted ones too. */
  abstract listIomCohort(force: string, limit: number): Promise<LoadedCase[]>;

  /** Escalated cases, newest first, of `managingOrgs` (every organisation when absent). */
  abstract listEscalations(opts: { managingOrgs?: string[]; limit: number }): Promise<CaseRecord[]>;

  /** Runs `work` in one transaction, committed when it resolves and rolled back when it throws. */
  abstract transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;

  /** The case locked for update until `tx` ends; null when there is no such case. */
  abstract lock(tx: Transaction, crn: string): Promise<Case | null>;

  /** Transfer `id` of case `crn`, locked for update until `tx` ends; null when there is none. */
  abstract lockTransfer(tx: Transaction, crn: string, id: string): Promise<CaseTransfer | null>;

  /** Writes a pushed record: a new case, or the new content of an existing one (its revision moves on). */
  abstract push(tx: Transaction, pushed: PushedCase): Promise<'created' | 'updated'>;

  /** Writes the gateway-kept state of a loaded case: manager, escalation, pending transfer. */
  abstract save(tx: Transaction, c: Case): Promise<void>;

  abstract saveAssessment(tx: Transaction, crn: string, a: Assessment): Promise<'created' | 'updated'>;

  /** Writes a new transfer offer, or a decided transfer's outcome; `bySub` is who offered or decided it. */
  abstract saveTransfer(tx: Transaction, t: CaseTransfer, bySub: string): Promise<void>;

  /** Writes what rectification, erasure of parts and restriction change: person, tier, MAPPA, IOM, licence conditions, restriction. */
  abstract saveRights(tx: Transaction, c: Case): Promise<void>;

  /** Erases the health and victims notes of every assessment of the case. */
  abstract eraseSensitive(tx: Transaction, crn: string): Promise<void>;

  /** Erases the case, its assessments and transfers; false when there was no such case. */
  abstract erase(tx: Transaction, crn: string): Promise<boolean>;

  /** Erases one assessment; false when there was none. */
  abstract eraseAssessment(tx: Transaction, crn: string, assessmentId: string): Promise<boolean>;

  /**
   * The organisations other than `except` that the access log shows received any of `fields` of
   * the case (any field at all when null), in a released read, exchange or event.
   */
  abstract recipientsOf(
    tx: Transaction,
    crn: string,
    fields: readonly string[] | null,
    except: string,
  ): Promise<string[]>;
}
