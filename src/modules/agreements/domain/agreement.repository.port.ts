import type { Agreement, AgreementSignature, AgreementVersion } from './agreement.js';

export const AGREEMENT_REPOSITORY = Symbol('AgreementRepository');

/** Runs inside the change's transaction, after the rows are written and before commit (the access-log append). */
export type BeforeCommit<T = void> = (a: Agreement, result: T) => Promise<void>;

export interface AgreementRepository {
  findById(id: string): Promise<Agreement | null>;
  findVersion(id: string, version: number): Promise<{ version: AgreementVersion; signatures: AgreementSignature[] } | null>;
  /** Version numbers whose document hashes to `sha256` (to tell "signed another version" from "signed other bytes"). */
  findVersionByDocumentHash(id: string, sha256: string): Promise<number | null>;
  listVersions(id: string): Promise<{ version: number; createdAt: Date; createdBy: { org: string; sub: string }; documentSha256: string; signedBy: string[] }[]>;
  /** Agreements `org` is or was party to, or every agreement when org is null (the operator). */
  list(filter: { org: string | null }): Promise<Agreement[]>;
  /** Inserts a new agreement with its first version. */
  insert(a: Agreement, beforeCommit: BeforeCommit): Promise<void>;
  /**
   * Loads `id` locked for update, applies `change` (which throws to refuse), writes the new rows
   * and state, runs `beforeCommit`, commits. Null when there is no such agreement.
   */
  update<T>(id: string, change: (a: Agreement) => T, beforeCommit: BeforeCommit<T>): Promise<{ agreement: Agreement; result: T } | null>;
  /**
   * Marks EXPIRED every open agreement whose current version's validTo is at or before `now`,
   * once (the UPDATE decides, so only one instance reports each), running `beforeCommit` with
   * what it marked.
   */
  markExpired(now: Date, beforeCommit: (expired: ExpiredAgreement[]) => Promise<void>): Promise<ExpiredAgreement[]>;
}

export interface ExpiredAgreement {
  id: string;
  version: number;
  validTo: Date;
  partyOrgs: string[];
}
