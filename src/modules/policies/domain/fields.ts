import type { DataCategory } from '@shared/domain/vocabulary.js';

/** Which view of a case a field belongs to: the OASys-style summary, or the case record. */
export type CaseView = 'summary' | 'case';

/**
 * Every field the gateway can release, with the ONE data category it belongs to. An agreement
 * must name that category for the field to leave. Raw predictor scores and their bands are
 * separate fields so a policy can release a band without the score.
 */
export const FIELD_CATEGORIES: Record<string, { category: DataCategory; views: readonly CaseView[] }> = {
  'person.givenName': { category: 'IDENTITY', views: ['case'] },
  'person.familyName': { category: 'IDENTITY', views: ['case'] },
  'person.dateOfBirth': { category: 'IDENTITY', views: ['case'] },
  'person.pncId': { category: 'IDENTITY', views: ['case'] },
  managingOrg: { category: 'IDENTITY', views: ['summary', 'case'] },
  tier: { category: 'RISK_SUMMARY', views: ['summary', 'case'] },
  iom: { category: 'RISK_SUMMARY', views: ['case'] },
  assessedAt: { category: 'RISK_SUMMARY', views: ['summary', 'case'] },
  'scores.ogrs3Band': { category: 'RISK_SUMMARY', views: ['summary', 'case'] },
  'scores.ogrs3TwoYear': { category: 'RISK_SUMMARY', views: ['summary', 'case'] },
  'scores.ogp': { category: 'RISK_SUMMARY', views: ['summary', 'case'] },
  'scores.ovp': { category: 'RISK_SUMMARY', views: ['summary', 'case'] },
  'scores.rsr': { category: 'RISK_SUMMARY', views: ['summary', 'case'] },
  rosh: { category: 'ROSH', views: ['summary', 'case'] },
  needs: { category: 'NEEDS', views: ['summary', 'case'] },
  'needs.notes': { category: 'NEEDS', views: ['case'] },
  'riskManagementPlan.summary': { category: 'RISK_MANAGEMENT_PLAN', views: ['summary', 'case'] },
  'riskManagementPlan.actions': { category: 'RISK_MANAGEMENT_PLAN', views: ['summary', 'case'] },
  licenceConditions: { category: 'LICENCE_CONDITIONS', views: ['summary', 'case'] },
  'mappa.category': { category: 'MAPPA', views: ['summary', 'case'] },
  'mappa.level': { category: 'MAPPA', views: ['summary', 'case'] },
  'sensitive.health': { category: 'HEALTH', views: ['case'] },
  'sensitive.victims': { category: 'VICTIMS', views: ['case'] },
};

export const ALL_FIELDS = Object.keys(FIELD_CATEGORIES);

export function fieldsOf(view: CaseView): string[] {
  return ALL_FIELDS.filter((f) => FIELD_CATEGORIES[f].views.includes(view));
}

/** Expands policy field patterns: `*` for all, `prefix.*` for a group, or an exact name. */
export function expandFields(patterns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of patterns) {
    if (p === '*') ALL_FIELDS.forEach((f) => out.add(f));
    else if (p.endsWith('.*')) ALL_FIELDS.filter((f) => f.startsWith(p.slice(0, -1))).forEach((f) => out.add(f));
    else out.add(p);
  }
  return [...out];
}
