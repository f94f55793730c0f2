import type { DataCategory, Purpose } from '@shared/domain/vocabulary.js';

export const PARTY_ROLES = ['PROVIDER', 'RECIPIENT', 'BOTH'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export const AGREEMENT_STATUSES = [
  'DRAFT',
  'PENDING_SIGNATURES',
  'ACTIVE',
  'SUSPENDED',
  'EXPIRED',
  'TERMINATED',
] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

/** The special categories an agreement may only name with a condition (DPA 2018 s.35 / Sch.8). */
export type SpecialCategory = Extract<DataCategory, 'HEALTH' | 'VICTIMS'>;

/** One organisation taking part: what it does with the data and whether it is a controller. */
export interface Party {
  org: string;
  role: PartyRole;
  controller: boolean;
}

/** Who to call about the agreement at one party (the single points of contact the ICO code asks for). */
export interface Contact {
  org: string;
  name: string;
  email: string;
  role: string | null;
}

/** How the agreement ends: notice, and what happens to data already shared. */
export interface Termination {
  noticeDays: number;
  dataOnTermination: string;
}

/**
 * What the parties agree to, as the ICO data sharing code of practice asks: who shares what
 * with whom, why, on which lawful basis, for how long, how it is protected and how it ends.
 * One version of an agreement holds one immutable set of terms.
 */
export interface AgreementTerms {
  title: string;
  parties: Party[];
  purposes: Purpose[];
  dataCategories: DataCategory[];
  /** The lawful basis of the sharing as a whole, as docs/api.md has it. */
  lawfulBasis: string[];
  /** Optional finer grain: the lawful basis each purpose relies on. */
  lawfulBasisByPurpose: Partial<Record<Purpose, string[]>>;
  /** The condition relied on for each special category named in dataCategories. */
  specialCategoryConditions: Partial<Record<SpecialCategory, string>>;
  retentionDays: number;
  securityMeasures: string[];
  validFrom: Date;
  validTo: Date;
  /** The first (or next) review of the agreement by its parties. */
  reviewBy: Date;
  /**
   * Months between reviews after reviewBy, while no later version is in force: the review
   * schedule is reviewBy, reviewBy + interval, and so on. Null: one review, at reviewBy.
   */
  reviewIntervalMonths: number | null;
  /**
   * The reference of the data protection impact assessment the sharing rests on (DPA 2018
   * s.64, UK GDPR art. 35). Null in versions drafted before the gateway recorded it.
   */
  dpiaReference: string | null;
  contacts: Contact[];
  termination: Termination | null;
}

export function isProvider(p: Party): boolean {
  return p.role === 'PROVIDER' || p.role === 'BOTH';
}

export function isRecipient(p: Party): boolean {
  return p.role === 'RECIPIENT' || p.role === 'BOTH';
}
