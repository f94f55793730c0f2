import type { Purpose } from '@shared/domain/vocabulary.js';
import { FIELD_WORDS, NEED_WORDS, PURPOSE_WORDS, ukDay } from '@shared/domain/plain-words.js';
import { LEVEL_TEXT, OGRS3_BAND_WORDS, ROSH_WORDS, SEVERITY_TEXT, withheldWhy } from './plain-words.js';

interface Summary {
  crn: string;
  managingOrg?: string;
  tier?: string;
  assessedAt?: string;
  rosh?: Record<string, string>;
  scores?: Record<string, unknown>;
  needs?: { area: string; severity: string; linkedToHarm: boolean; linkedToReoffending: boolean }[];
  riskManagementPlan?: { summary?: string; actions?: string[] };
  licenceConditions?: string[];
  mappa?: { category?: number; level?: number } | null;
  agreementId: string | null;
  accessLogIndex: number;
  fieldsWithheld: string[];
  withheldBecause?: { field: string; because: 'policy' | 'agreement' | 'condition' }[];
}

const ROSH_GROUPS: [string, string][] = [
  ['children', 'Children'],
  ['public', 'The public'],
  ['knownAdult', 'A known adult'],
  ['staff', 'Staff'],
];

/**
 * What the summary page shows of a summary read: only members present in it (a withheld field is
 * absent and so shows nothing), in plain words, with the withheld fields named and why.
 */
export function summaryView(raw: Record<string, unknown>, purpose: Purpose, managerName: string | null) {
  const s = raw as unknown as Summary;
  const purposeText = PURPOSE_WORDS[purpose].text;
  const manager = managerName ?? 'the managing organisation';
  const level = (l: string) => ({ text: LEVEL_TEXT[l] ?? l, meaning: ROSH_WORDS[l] ?? '' });
  const band = typeof s.scores?.ogrs3Band === 'string' ? s.scores.ogrs3Band : null;
  const percentages = (
    [
      ['ogrs3TwoYear', 'OGRS3: proven reoffending within two years'],
      ['ogp', 'OGP: general reoffending'],
      ['ovp', 'OVP: violent reoffending'],
      ['rsr', 'RSR: serious reoffending'],
    ] as const
  )
    .filter(([k]) => typeof s.scores?.[k] === 'number')
    .map(([k, text]) => ({ text, value: `${String(s.scores?.[k])}%` }));
  const because = new Map((s.withheldBecause ?? []).map((w) => [w.field, w.because]));
  return {
    crn: s.crn,
    purpose: purposeText,
    manager: managerName ?? false,
    tier: s.tier ?? false,
    assessedAt: s.assessedAt ? ukDay(s.assessedAt) : false,
    rosh: s.rosh
      ? {
          overall: level(s.rosh.overall),
          groups: ROSH_GROUPS.filter(([k]) => s.rosh?.[k]).map(([k, text]) => ({ text, level: level(s.rosh![k]) })),
        }
      : false,
    band: band ? { text: LEVEL_TEXT[band] ?? band, meaning: OGRS3_BAND_WORDS[band] ?? '' } : false,
    percentages,
    needs: s.needs
      ? s.needs.map((n) => ({
          area: NEED_WORDS[n.area] ?? n.area,
          severity: SEVERITY_TEXT[n.severity] ?? n.severity,
          linked:
            [n.linkedToHarm ? 'harm' : '', n.linkedToReoffending ? 'reoffending' : ''].filter(Boolean).join(' and ') ||
            'Neither',
        }))
      : false,
    plan: s.riskManagementPlan
      ? { summary: s.riskManagementPlan.summary ?? false, actions: s.riskManagementPlan.actions ?? [] }
      : false,
    licenceConditions: s.licenceConditions ?? false,
    mappa: mappaText(s.mappa),
    withheld: s.fieldsWithheld.map((f) => ({
      what: FIELD_WORDS[f] ?? f,
      why: withheldWhy(because.get(f) ?? 'policy', purposeText, manager),
    })),
    agreementId: s.agreementId ?? false,
    accessLogIndex: s.accessLogIndex,
    // The summary named the managing organisation (when released): "ask for more" asks them.
    askHref: s.managingOrg
      ? `/requests/new?crn=${s.crn}&provider=${encodeURIComponent(s.managingOrg)}`
      : `/requests/new?crn=${s.crn}`,
    roshLevels: Object.keys(ROSH_WORDS).map(level),
    bands: Object.keys(OGRS3_BAND_WORDS).map((b) => ({ text: LEVEL_TEXT[b], meaning: OGRS3_BAND_WORDS[b] })),
  };
}

/** The MAPPA line: false where withheld (absent), else what was released of it. */
function mappaText(m: Summary['mappa']): string | false {
  if (m === undefined) return false;
  if (m === null) return 'Not managed under MAPPA';
  return [m.category !== undefined ? `Category ${m.category}` : '', m.level !== undefined ? `Level ${m.level}` : '']
    .filter(Boolean)
    .join(', ');
}
