/**
 * The retention schedule (DPA 2018 s.39): how long the gateway keeps each kind of data, per
 * organisation, counted from one fixed moment per kind. Loaded from retention/*.yaml at start.
 */
export const RETENTION_KINDS = [
  'case-record',
  'assessment',
  'exchange-request',
  'person-session',
  'ig-session',
  'replay-token',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/**
 * The moment each kind's period runs from, and whose organisation's rule applies:
 * - case-record: the day supervision ended (pushed with the record); the managing organisation.
 *   A case still under supervision has no such day and is kept.
 * - assessment: its completion; the case's managing organisation.
 * - exchange-request: for a fulfilled request, the bundle's retainUntil (fulfilment plus the
 *   agreement's retentionDays); for a refused or expired one, its decision; the provider.
 *   Open requests are kept.
 * - person-session, ig-session: the session's expiry; the session's organisation.
 * - replay-token: the token's expiry; its issuer.
 */
export const RETENTION_FROM: Record<RetentionKind, string> = {
  'case-record': 'supervision-end',
  assessment: 'completion',
  'exchange-request': 'retain-until',
  'person-session': 'expiry',
  'ig-session': 'expiry',
  'replay-token': 'expiry',
};

/** Kinds whose erasures are logged one entry per item (they concern a CRN); the others one entry per run. */
export const PER_ITEM_KINDS: readonly RetentionKind[] = ['case-record', 'assessment', 'exchange-request'];

export interface RetentionRule {
  id: string;
  kind: RetentionKind;
  /** The organisation the rule is for; null for every organisation without its own rule. */
  org: string | null;
  days: number;
  description: string;
  /** file:line, for errors and the report. */
  source: string;
}

export interface RetentionSchedule {
  /** e.g. "default@2026.12.1" for each file loaded */
  versions: string[];
  rules: RetentionRule[];
}

export class RetentionFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'RetentionFileError';
  }
}

const DAY_MS = 86_400_000;

/** The rule for `kind` of `org`'s data: the organisation's own, else the kind's default. */
export function ruleFor(s: RetentionSchedule, kind: RetentionKind, org: string | null): RetentionRule {
  const own = org === null ? undefined : s.rules.find((r) => r.kind === kind && r.org === org);
  const rule = own ?? s.rules.find((r) => r.kind === kind && r.org === null);
  // The loader refuses a schedule without a default for every kind, so this cannot happen on a loaded one.
  if (!rule) throw new Error(`no retention rule for ${kind}`);
  return rule;
}

/** When data of `kind` held for `org` whose period runs from `from` becomes due for erasure. */
export function dueAt(s: RetentionSchedule, kind: RetentionKind, org: string | null, from: Date): Date {
  return new Date(from.getTime() + ruleFor(s, kind, org).days * DAY_MS);
}

/** The days of `kind` as the database applies them: each organisation's own, and the default. */
export function daysByOrg(
  s: RetentionSchedule,
  kind: RetentionKind,
): { orgs: string[]; days: number[]; defaultDays: number } {
  const own = s.rules.filter((r) => r.kind === kind && r.org !== null);
  return {
    orgs: own.map((r) => r.org as string),
    days: own.map((r) => r.days),
    defaultDays: ruleFor(s, kind, null).days,
  };
}
