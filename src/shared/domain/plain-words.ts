import type { Purpose } from './vocabulary.js';

/**
 * The gateway's codes in the words people read on its pages (the API keeps the codes): one
 * wording for every page, so a field or purpose reads the same on a summary, a request and a
 * release.
 */

/** The purposes of a read, as a person chooses them. */
export const PURPOSE_WORDS: Record<Purpose, { text: string; hint: string }> = {
  IOM: {
    text: 'Integrated Offender Management (IOM)',
    hint: 'Managing a person in an IOM cohort with police and probation.',
  },
  MAPPA: { text: 'MAPPA', hint: 'Multi-Agency Public Protection Arrangements for a MAPPA-managed person.' },
  RISK_MANAGEMENT: { text: 'Risk management', hint: 'Managing the risk a person on probation poses.' },
  RECALL: { text: 'Recall', hint: 'Deciding or acting on a recall to prison.' },
  COURT_REPORT: { text: 'Court report', hint: 'Preparing a report for a court.' },
  SUBJECT_ACCESS: { text: 'Subject access request', hint: 'Answering the person’s own request for their data.' },
};

/** Data categories of agreements and requests. */
export const CATEGORY_WORDS: Record<string, string> = {
  IDENTITY: 'Identity (name, date of birth, PNC number)',
  RISK_SUMMARY: 'Risk summary (tier, reoffending predictors)',
  ROSH: 'Risk of serious harm (RoSH)',
  NEEDS: 'Criminogenic needs',
  RISK_MANAGEMENT_PLAN: 'Risk management plan',
  LICENCE_CONDITIONS: 'Licence conditions',
  MAPPA: 'MAPPA category and level',
  HEALTH: 'Health (special category data)',
  VICTIMS: 'Victim details',
};

/** Every field of a case view or summary. */
export const FIELD_WORDS: Record<string, string> = {
  'person.givenName': 'Given name',
  'person.familyName': 'Family name',
  'person.dateOfBirth': 'Date of birth',
  'person.pncId': 'PNC number',
  managingOrg: 'Managing organisation',
  tier: 'Tier',
  iom: 'IOM cohort membership',
  assessedAt: 'Date of the latest assessment',
  'scores.ogrs3Band': 'OGRS3 band (likelihood of reoffending)',
  'scores.ogrs3TwoYear': 'OGRS3 score (two-year reoffending, %)',
  'scores.ogp': 'OGP score (general reoffending, %)',
  'scores.ovp': 'OVP score (violent reoffending, %)',
  'scores.rsr': 'RSR score (serious reoffending, %)',
  rosh: 'Risk of serious harm levels',
  needs: 'Criminogenic needs',
  'needs.notes': 'Practitioner notes on needs',
  'riskManagementPlan.summary': 'Risk management plan summary',
  'riskManagementPlan.actions': 'Risk management plan actions',
  licenceConditions: 'Licence conditions',
  'mappa.category': 'MAPPA category',
  'mappa.level': 'MAPPA level',
  'sensitive.health': 'Health details',
  'sensitive.victims': 'Victim details',
};

/** Criminogenic need areas (OASys). */
export const NEED_WORDS: Record<string, string> = {
  accommodation: 'Accommodation',
  educationTrainingEmployability: 'Education, training and employability',
  finance: 'Finance',
  relationships: 'Relationships',
  lifestyleAssociates: 'Lifestyle and associates',
  drugMisuse: 'Drug misuse',
  alcoholMisuse: 'Alcohol misuse',
  emotionalWellbeing: 'Emotional wellbeing',
  thinkingBehaviour: 'Thinking and behaviour',
  attitudes: 'Attitudes',
};

const UK_DAY = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Europe/London' });
const UK_TIME = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });

/** An instant's day as people in England and Wales read it (5 December 2026), with its ISO form for `<time>`. */
export function ukDay(instant: string | Date): { iso: string; text: string } {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  return { iso: d.toISOString(), text: UK_DAY.format(d) };
}

/** An instant as people in England and Wales read it (5 December 2026 at 09:12), with its ISO form. */
export function ukTime(instant: string | Date): { iso: string; text: string } {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  return { iso: d.toISOString(), text: UK_TIME.format(d) };
}
