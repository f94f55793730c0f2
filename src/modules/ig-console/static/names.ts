// Names people read instead of ids: organisations and agreements (GET /ig/api/names, loaded once
// per sign-in), and the policies' field names in plain words.
import { api } from './dom.js';

export interface Organisation {
  id: string;
  name: string;
  kind: string;
}

export interface Agreement {
  id: string;
  title: string;
  status: string;
}

let organisations = new Map<string, Organisation>();
let agreements = new Map<string, Agreement>();

/** Loads the names for the signed-in reviewer; ids stay as they are where a name is not known. */
export async function loadNames(): Promise<void> {
  const n = await api<{ organisations: Organisation[]; agreements: Agreement[] }>('/ig/api/names');
  organisations = new Map(n.organisations.map((o) => [o.id, o]));
  agreements = new Map(n.agreements.map((a) => [a.id, a]));
}

export function allOrganisations(): Organisation[] {
  return [...organisations.values()];
}

export function allAgreements(): Agreement[] {
  return [...agreements.values()];
}

/** An organisation's name, or its id when it is not one the gateway knows. */
export function orgName(id: string | null | undefined): string {
  if (!id) return '';
  return organisations.get(id)?.name ?? id;
}

/** An agreement's title and version, or its id when it is not one of the reviewer's organisation's. */
export function agreementName(a: { id: string; version?: number } | string | null | undefined): string {
  if (!a) return '';
  const id = typeof a === 'string' ? a : a.id;
  const version = typeof a === 'string' || a.version === undefined ? '' : ` (version ${a.version})`;
  return `${agreements.get(id)?.title ?? id}${version}`;
}

/** Field names of the policies in the words of the people who use them. */
const FIELD_NAMES: Record<string, string> = {
  person: 'Personal details',
  'person.givenName': 'Given name',
  'person.familyName': 'Family name',
  'person.dateOfBirth': 'Date of birth',
  'person.pncId': 'PNC number',
  managingOrg: 'Managing organisation',
  tier: 'Tier',
  assessedAt: 'Date of last assessment',
  rosh: 'RoSH (risk of serious harm)',
  'rosh.overall': 'RoSH level',
  'rosh.level': 'RoSH level',
  scores: 'Predictor scores',
  'scores.ogrs3Band': 'OGRS3 band (proven reoffending)',
  'scores.ogrs3TwoYear': 'OGRS3 two-year score',
  'scores.ogp': 'OGP score (non-violent reoffending)',
  'scores.ovp': 'OVP score (violent reoffending)',
  'scores.rsr': 'RSR score (serious reoffending)',
  needs: 'Criminogenic needs',
  'needs.notes': 'Notes on needs',
  riskManagementPlan: 'Risk management plan',
  'riskManagementPlan.summary': 'Risk management plan summary',
  licenceConditions: 'Licence conditions',
  mappa: 'MAPPA',
  'mappa.level': 'MAPPA level',
  'mappa.category': 'MAPPA category',
  iom: 'IOM cohort membership',
  sensitive: 'Sensitive information',
  'sensitive.health': 'Health information',
  'sensitive.victims': 'Victim information',
};

const ACRONYMS: Record<string, string> = {
  rosh: 'RoSH',
  mappa: 'MAPPA',
  iom: 'IOM',
  pnc: 'PNC',
  crn: 'CRN',
  ogrs3: 'OGRS3',
  ogp: 'OGP',
  ovp: 'OVP',
  rsr: 'RSR',
  id: 'ID',
};

/** A field name in plain words: `rosh.level` is "RoSH level"; one not listed is spelt out from its parts. */
export function fieldName(path: string): string {
  const known = FIELD_NAMES[path] ?? FIELD_NAMES[path.replace(/\.\*$/, '')];
  if (known) return path.endsWith('.*') ? `${known} (all)` : known;
  const words = path
    .replace(/\.\*$/, '')
    .split('.')
    .flatMap((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' '))
    .map((w) => ACRONYMS[w.toLowerCase()] ?? w.toLowerCase());
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Plain names of a list of fields, or a dash for none. */
export function fieldNames(paths: readonly string[]): string {
  return paths.length ? paths.map(fieldName).join(', ') : '—';
}

/** Purposes in plain words. */
const PURPOSES: Record<string, string> = {
  IOM: 'IOM',
  MAPPA: 'MAPPA',
  RISK_MANAGEMENT: 'Risk management',
  RECALL: 'Recall',
  COURT_REPORT: 'Court report',
  SUBJECT_ACCESS: 'Subject access',
};

export function purposeName(p: string | null | undefined): string {
  if (!p) return '';
  return PURPOSES[p] ?? p;
}
