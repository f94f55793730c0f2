/** The shared words of docs/api.md: purposes of a read and categories of data. */
export const PURPOSES = ['IOM', 'MAPPA', 'RISK_MANAGEMENT', 'RECALL', 'COURT_REPORT', 'SUBJECT_ACCESS'] as const;
export type Purpose = (typeof PURPOSES)[number];

export const DATA_CATEGORIES = [
  'IDENTITY',
  'RISK_SUMMARY',
  'ROSH',
  'NEEDS',
  'RISK_MANAGEMENT_PLAN',
  'LICENCE_CONDITIONS',
  'MAPPA',
  'HEALTH',
  'VICTIMS',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** Special category (or equally sensitive) data: shared only where an agreement names it with a condition. */
export const SPECIAL_CATEGORIES: readonly DataCategory[] = ['HEALTH', 'VICTIMS'];

export function isPurpose(v: unknown): v is Purpose {
  return typeof v === 'string' && (PURPOSES as readonly string[]).includes(v);
}
