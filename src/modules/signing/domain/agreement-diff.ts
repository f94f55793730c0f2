import { ukDay, ukTime } from '@shared/domain/plain-words.js';

/** The terms of one agreement version as the pages read them (the API's TermsResponse). */
export interface ReadableTerms {
  title: string;
  parties: { org: string; role: string; controller: boolean }[];
  purposes: string[];
  dataCategories: string[];
  lawfulBasis: string[];
  retentionDays: number;
  validFrom: string;
  validTo: string;
  reviewBy: string;
  dpiaReference: string | null;
  securityMeasures: string[];
}

/** Plain words for the contract's codes. */
export const PURPOSE_NAMES: Readonly<Record<string, string>> = {
  IOM: 'Integrated Offender Management',
  MAPPA: 'Multi-Agency Public Protection Arrangements (MAPPA)',
  RISK_MANAGEMENT: 'Risk management',
  RECALL: 'Recall to custody',
  COURT_REPORT: 'Court report',
  SUBJECT_ACCESS: 'Subject access request',
};

export const CATEGORY_NAMES: Readonly<Record<string, string>> = {
  IDENTITY: 'Identity (name, date of birth, PNC number)',
  RISK_SUMMARY: 'Risk summary (tier and predictor bands)',
  ROSH: 'Risk of serious harm (RoSH) levels',
  NEEDS: 'Criminogenic needs',
  RISK_MANAGEMENT_PLAN: 'Risk management plan',
  LICENCE_CONDITIONS: 'Licence conditions',
  MAPPA: 'MAPPA category and level',
  HEALTH: 'Health (special category)',
  VICTIMS: 'Victims (sensitive)',
};

const PARTY_ROLE_NAMES: Readonly<Record<string, string>> = {
  PROVIDER: 'Provides information',
  RECIPIENT: 'Receives information',
  BOTH: 'Provides and receives information',
};

const nameOf = (names: Readonly<Record<string, string>>, code: string) => names[code] ?? code;
const day = (iso: string) => ukDay(iso).text;
const dayAndTime = (iso: string) => ukTime(iso).text;

/** A changed instant in words: the day, or the day and time where the day stayed the same. */
function dateChange(what: string, before: string, after: string): string[] {
  if (new Date(before).getTime() === new Date(after).getTime()) return [];
  const show = day(before) === day(after) ? dayAndTime : day;
  return [`${what} changed from ${show(before)} to ${show(after)}.`];
}

function listChange(what: string, before: string[], after: string[], show: (s: string) => string): string[] {
  const added = after.filter((x) => !before.includes(x)).map(show);
  const removed = before.filter((x) => !after.includes(x)).map(show);
  return [
    ...(added.length ? [`${what} added: ${added.join('; ')}.`] : []),
    ...(removed.length ? [`${what} removed: ${removed.join('; ')}.`] : []),
  ];
}

/**
 * What changed from `before` to `after`, one sentence per change, in the order a signatory
 * reads an agreement. `orgName` turns organisation ids into names. Empty when nothing a
 * signatory reads changed.
 */
export function describeChanges(
  before: ReadableTerms,
  after: ReadableTerms,
  orgName: (id: string) => string,
): string[] {
  const out: string[] = [];
  if (before.title !== after.title) out.push(`Title changed from “${before.title}” to “${after.title}”.`);
  const party = (p: ReadableTerms['parties'][number]) =>
    `${orgName(p.org)} as ${p.role.toLowerCase()}${p.controller ? ' (controller)' : ''}`;
  out.push(...listChange('Parties', before.parties.map(party), after.parties.map(party), (s) => s));
  out.push(...listChange('Purposes', before.purposes, after.purposes, (c) => nameOf(PURPOSE_NAMES, c)));
  out.push(
    ...listChange('Data categories', before.dataCategories, after.dataCategories, (c) => nameOf(CATEGORY_NAMES, c)),
  );
  out.push(...listChange('Lawful basis', before.lawfulBasis, after.lawfulBasis, (s) => s));
  if (before.retentionDays !== after.retentionDays)
    out.push(`Retention changed from ${before.retentionDays} to ${after.retentionDays} days.`);
  out.push(...dateChange('Start date', before.validFrom, after.validFrom));
  out.push(...dateChange('End date', before.validTo, after.validTo));
  out.push(...dateChange('Review date', before.reviewBy, after.reviewBy));
  if (before.dpiaReference !== after.dpiaReference)
    out.push(`DPIA reference changed from ${before.dpiaReference ?? 'none'} to ${after.dpiaReference ?? 'none'}.`);
  out.push(...listChange('Security measures', before.securityMeasures, after.securityMeasures, (s) => s));
  return out;
}

/** The readable rendering's facts, with dates and codes in words. */
export function readable(t: ReadableTerms, orgName: (id: string) => string) {
  return {
    title: t.title,
    parties: t.parties.map((p) => ({
      name: orgName(p.org),
      role: PARTY_ROLE_NAMES[p.role] ?? p.role,
      controller: p.controller,
    })),
    purposes: t.purposes.map((c) => nameOf(PURPOSE_NAMES, c)),
    dataCategories: t.dataCategories.map((c) => nameOf(CATEGORY_NAMES, c)),
    lawfulBasis: t.lawfulBasis,
    retention: `${t.retentionDays} days`,
    validFrom: day(t.validFrom),
    validTo: day(t.validTo),
    reviewBy: day(t.reviewBy),
    dpiaReference: t.dpiaReference ?? 'None given',
    securityMeasures: t.securityMeasures,
  };
}
