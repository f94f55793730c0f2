import type { Transaction } from '@shared/database/transaction.js';
import type { Agreement, AgreementSignature, AgreementVersion } from './agreement.js';

export const AGREEMENT_REPOSITORY = Symbol('AgreementRepository');

export interface AgreementRepository {
  findById(id: string): Promise<Agreement | null>;
  findVersion(
    id: string,
    version: number,
  ): Promise<{ version: AgreementVersion; signatures: AgreementSignature[] } | null>;
  /** Version numbers whose document hashes to `sha256` (to tell "signed another version" from "signed other bytes"). */
  findVersionByDocumentHash(id: string, sha256: string): Promise<number | null>;
  listVersions(id: string): Promise<
    {
      version: number;
      createdAt: Date;
      createdBy: { org: string; sub: string };
      documentSha256: string;
      signedBy: string[];
    }[]
  >;
  /** Agreements `org` is or was party to, or every agreement when org is null (the operator). */
  list(filter: { org: string | null }): Promise<Agreement[]>;
  /** Runs `work` in one transaction, committed when it resolves and rolled back when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Inserts a new agreement with its first version. */
  insert(tx: Transaction, a: Agreement): Promise<void>;
  /** Loads `id` locked for update until `tx` ends; null when there is no such agreement. */
  lock(tx: Transaction, id: string): Promise<Agreement | null>;
  /** Writes a loaded agreement's new state, versions and signatures, and the state counter. */
  save(tx: Transaction, a: Agreement): Promise<void>;
  /**
   * Marks EXPIRED every open agreement whose current version's validTo is at or before `now`,
   * once (the UPDATE decides, so only one instance reports each), and answers what it marked.
   */
  markExpired(tx: Transaction, now: Date): Promise<ExpiredAgreement[]>;
  /**
   * Deadlines of agreements with a version in force (ACTIVE, SUSPENDED, or awaiting signatures of
   * an amendment): `expiring` when validTo falls after `now` and at or before `expiringBy`,
   * `review-due` when a date of the version in force's review schedule (reviewBy, then every
   * reviewIntervalMonths before validTo) is at or before `now`: the latest such date.
   */
  findDeadlines(tx: Transaction, now: Date, expiringBy: Date): Promise<AgreementDeadline[]>;
}

export interface AgreementDeadline {
  kind: 'expiring' | 'review-due';
  id: string;
  /** validTo for `expiring`, the review date reached for `review-due`. */
  dueAt: Date;
  partyOrgs: string[];
}

export interface ExpiredAgreement {
  id: string;
  version: number;
  validTo: Date;
  partyOrgs: string[];
}
