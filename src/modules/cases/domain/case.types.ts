/** The vocabulary of case records (docs/api.md, Case records). */
export const TIERS = [
  'A3',
  'A2',
  'A1',
  'A0',
  'B3',
  'B2',
  'B1',
  'B0',
  'C3',
  'C2',
  'C1',
  'C0',
  'D3',
  'D2',
  'D1',
  'D0',
] as const;
export type Tier = (typeof TIERS)[number];
export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const NEED_AREAS = [
  'accommodation',
  'educationTrainingEmployability',
  'finance',
  'relationships',
  'lifestyleAssociates',
  'drugMisuse',
  'alcoholMisuse',
  'emotionalWellbeing',
  'thinkingBehaviour',
  'attitudes',
] as const;
export type NeedArea = (typeof NEED_AREAS)[number];
export const SEVERITIES = ['NONE', 'SOME', 'SIGNIFICANT'] as const;
export const CRN_PATTERN = /^[A-Z][0-9]{6}$/;

export interface Rosh {
  overall: RiskLevel;
  children: RiskLevel;
  public: RiskLevel;
  knownAdult: RiskLevel;
  staff: RiskLevel;
}

export interface CaseRecord {
  crn: string;
  managingOrg: string;
  person: { givenName: string; familyName: string; dateOfBirth: string; pncId?: string | null };
  tier: Tier;
  rosh: Rosh;
  mappa: { category: number; level: number } | null;
  iom: { cohort: boolean; force: string } | null;
  licenceConditions: string[];
  restricted: boolean;
  escalation: { raisedAt: string; reason: string; assessmentId: string } | null;
  pendingTransfer: { id: string; fromOrg: string; toOrg: string } | null;
  updatedAt: Date;
  /**
   * When this record was created: a CRN erased and allocated again is a new record, and what
   * happened under it before (its events) is not this person's.
   */
  createdAt?: Date;
  /** The day supervision ended (YYYY-MM-DD), as pushed; null or absent while it goes on. Retention runs from it. */
  supervisionEndedOn?: string | null;
  /** A restriction of processing (DPA 2018 s.47) by the managing organisation; while set, `restricted` is true. */
  restriction?: Restriction | null;
}

/** Who restricted processing of a case, when and why (DPA 2018 s.47). */
export interface Restriction {
  at: string;
  byOrg: string;
  bySub: string;
  reason: string;
}

export interface Need {
  severity: (typeof SEVERITIES)[number];
  linkedToHarm: boolean;
  linkedToReoffending: boolean;
  notes?: string;
}

export interface Assessment {
  assessmentId: string;
  completedAt: Date;
  assessor: string;
  authoredByOrg: string;
  scores: { ogrs3TwoYear: number; ogp: number; ovp: number; rsr: number; algorithmVersion: string };
  rosh: Rosh;
  needs: Record<NeedArea, Need>;
  riskManagementPlan: { summary: string; actions: string[] };
  sensitive: { health?: string; victims?: string } | null;
}

/** OGRS3 band from the two-year probability (docs/domain.md): LOW < 50, MEDIUM 50-74, HIGH 75-89, VERY_HIGH >= 90. */
export function ogrs3Band(pct: number): RiskLevel {
  if (pct >= 90) return 'VERY_HIGH';
  if (pct >= 75) return 'HIGH';
  if (pct >= 50) return 'MEDIUM';
  return 'LOW';
}

export function isHighRosh(level: RiskLevel): boolean {
  return level === 'HIGH' || level === 'VERY_HIGH';
}
