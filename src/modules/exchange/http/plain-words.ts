/** The gateway's codes in the words people use (pages only; the API keeps the codes). */

export const PURPOSE_WORDS: Record<string, string> = {
  IOM: 'Integrated Offender Management (IOM)',
  MAPPA: 'MAPPA (public protection arrangements)',
  RISK_MANAGEMENT: 'Risk management',
  RECALL: 'Recall to prison',
  COURT_REPORT: 'Court report',
  SUBJECT_ACCESS: 'Subject access request',
};

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

/** Status words and the GOV.UK tag colour of each. */
export const STATUS_TAGS: Record<string, { text: string; classes: string }> = {
  SUBMITTED: { text: 'Waiting for a decision', classes: 'govuk-tag--blue' },
  APPROVED: { text: 'Approved, being released', classes: 'govuk-tag--light-blue' },
  FULFILLED: { text: 'Answered', classes: 'govuk-tag--green' },
  REFUSED: { text: 'Refused', classes: 'govuk-tag--red' },
  EXPIRED: { text: 'Expired', classes: 'govuk-tag--grey' },
};

/** A code in words, or the code itself where no words are known. */
export function words(table: Record<string, string>, code: string): string {
  return table[code] ?? code;
}

/** Dates as people in England and Wales read them: 5 December 2026 at 09:12. */
const UK_TIME = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });

export function ukTime(iso: string | Date): { iso: string; text: string } {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return { iso: d.toISOString(), text: UK_TIME.format(d) };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The time left before a deadline in words: "3 hours 12 minutes left", "overdue by 2 hours",
 * "4 days 3 hours left" (the two largest units, a zero second unit left out, minutes rounded down).
 */
export function timeLeft(dueBy: Date, now: Date): { text: string; overdue: boolean } {
  const ms = dueBy.getTime() - now.getTime();
  const overdue = ms < 0;
  const span = Math.abs(ms);
  if (span < MINUTE) return { text: overdue ? 'overdue by less than a minute' : 'less than a minute left', overdue };
  const units: [number, string][] = [
    [DAY, 'day'],
    [HOUR, 'hour'],
    [MINUTE, 'minute'],
  ];
  const first = units.findIndex(([size]) => span >= size);
  const parts: string[] = [];
  let rest = span;
  for (const [size, name] of units.slice(first, first + 2)) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
  }
  const amount = parts.join(' ');
  return { text: overdue ? `overdue by ${amount}` : `${amount} left`, overdue };
}
