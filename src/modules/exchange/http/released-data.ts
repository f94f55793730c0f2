import { fieldsOf } from '@modules/policies/index.js';
import { EXCHANGE_VIEW } from '../domain/release-rule.js';
import { FIELD_WORDS, NEED_WORDS, ukTime } from '@shared/domain/plain-words.js';
import { words } from './plain-words.js';

/** One row of released information: its words and its value as lines of text (never HTML). */
export interface DataRow {
  key: string;
  lines: string[];
}

type Json = Record<string, unknown>;

const LEVEL: Record<string, string> = { LOW: 'Low', MEDIUM: 'Medium', HIGH: 'High', VERY_HIGH: 'Very high' };
const SEVERITY: Record<string, string> = { NONE: 'No need', SOME: 'Some need', SIGNIFICANT: 'Significant need' };

const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v));

/**
 * The released data of a response bundle as rows in plain words, in the case view's field order;
 * `orgName` turns an organisation id into its name. Fields released but empty in the case say so.
 */
export function releasedRows(data: Json, released: readonly string[], orgName: (id: string) => string): DataRow[] {
  const has = new Set(released);
  const person = (data.person ?? {}) as Json;
  const scores = (data.scores ?? {}) as Json;
  const plan = (data.riskManagementPlan ?? {}) as Json;
  const sensitive = (data.sensitive ?? {}) as Json;
  const mappa = (data.mappa ?? null) as Json | null;
  const valueOf = (f: string): string[] => {
    switch (f) {
      case 'person.givenName':
      case 'person.familyName':
      case 'person.pncId':
        return person[f.slice(7)] === undefined ? [] : [text(person[f.slice(7)])];
      case 'person.dateOfBirth':
        return person.dateOfBirth === undefined ? [] : [ukDate(text(person.dateOfBirth))];
      case 'managingOrg':
        return data.managingOrg === undefined ? [] : [orgName(text(data.managingOrg))];
      case 'tier':
        return data.tier === undefined ? [] : [text(data.tier)];
      case 'iom': {
        const iom = data.iom as Json | null | undefined;
        if (iom === undefined) return [];
        return iom && iom.cohort ? [`In the ${text(iom.force)} IOM cohort`] : ['Not in an IOM cohort'];
      }
      case 'assessedAt':
        return data.assessedAt === undefined ? [] : [ukTime(text(data.assessedAt)).text];
      case 'scores.ogrs3Band':
        return scores.ogrs3Band === undefined ? [] : [words(LEVEL, text(scores.ogrs3Band))];
      case 'scores.ogrs3TwoYear':
      case 'scores.ogp':
      case 'scores.ovp':
      case 'scores.rsr': {
        const v = scores[f.slice(7)];
        return v === undefined ? [] : [`${text(v)}%`];
      }
      case 'rosh': {
        const r = data.rosh as Json | undefined;
        if (!r) return [];
        const to = (k: string, who: string) => `${who}: ${words(LEVEL, text(r[k]))}`;
        return [
          to('overall', 'Overall'),
          to('children', 'Children'),
          to('public', 'Public'),
          to('knownAdult', 'Known adult'),
          to('staff', 'Staff'),
        ];
      }
      case 'needs':
      case 'needs.notes': {
        const needs = Array.isArray(data.needs) ? (data.needs as Json[]) : [];
        if (f === 'needs.notes')
          return needs.filter((n) => n.notes).map((n) => `${words(NEED_WORDS, text(n.area))}: ${text(n.notes)}`);
        return needs.map((n) => {
          const links = [n.linkedToHarm ? 'linked to harm' : '', n.linkedToReoffending ? 'linked to reoffending' : '']
            .filter(Boolean)
            .join(', ');
          return `${words(NEED_WORDS, text(n.area))}: ${words(SEVERITY, text(n.severity))}${links ? ` (${links})` : ''}`;
        });
      }
      case 'riskManagementPlan.summary':
        return plan.summary === undefined ? [] : [text(plan.summary)];
      case 'riskManagementPlan.actions':
        return Array.isArray(plan.actions) ? plan.actions.map(text) : [];
      case 'licenceConditions':
        return Array.isArray(data.licenceConditions) ? data.licenceConditions.map(text) : [];
      case 'mappa.category':
      case 'mappa.level':
        return mappa && mappa[f.slice(6)] !== undefined ? [text(mappa[f.slice(6)])] : [];
      case 'sensitive.health':
      case 'sensitive.victims': {
        const v = sensitive[f.slice(10)];
        return v === undefined ? [] : [text(v)];
      }
      default:
        return [];
    }
  };
  return fieldsOf(EXCHANGE_VIEW)
    .filter((f) => has.has(f))
    .map((f) => {
      const lines = valueOf(f);
      return { key: words(FIELD_WORDS, f), lines: lines.length ? lines : ['Nothing recorded'] };
    });
}

function ukDate(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T12:00:00Z`);
  return Number.isNaN(d.getTime())
    ? iso
    : new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}
