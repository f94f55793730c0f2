/**
 * Deterministic synthetic persons, case records and OASys-style assessments, in the API's
 * payload shapes (PUT /cases/{crn}, PUT /cases/{crn}/assessments/{id}), so the same data can be
 * pushed over HTTP or bulk-loaded. Case i of a seed is always the same (for the same reference
 * day), whatever the number of cases or the batch size.
 *
 * Distributions follow how probation is organised (docs/domain.md): CRCs manage about two thirds
 * of cases, all at LOW or MEDIUM risk of serious harm; the NPS manages the rest, including every
 * HIGH and VERY_HIGH one and every MAPPA case. The tier letter follows harm, its digit the
 * likelihood of reoffending, and the predictor scores follow both.
 */
import type { OrgKind } from '@shared/auth/roles.js';
import { NEED_AREAS, RISK_LEVELS, type NeedArea, type RiskLevel, type Tier } from '@modules/cases/domain/case.types.js';
import type { RecordAssessmentDto } from '@modules/cases/commands/record-assessment/record-assessment.dto.js';
import type { UpsertCaseDto } from '@modules/cases/commands/upsert-case/upsert-case.dto.js';
import { DEMO_ORGANISATIONS } from '../demo-organisations.js';
import { Random, mix32, streamSeed } from './prng.js';
import {
  FAMILY_NAMES,
  GIVEN_NAMES,
  HEALTH_NOTES,
  LICENCE_CONDITIONS,
  NEED_NOTES,
  PLAN_ACTIONS,
  VICTIM_NOTES,
} from './vocabulary.js';

export interface SyntheticOrganisation {
  id: string;
  kind: OrgKind;
  /** Police only: the force name (the organisation id without `police-`). */
  force?: string;
}

export interface SyntheticAssessment {
  assessmentId: string;
  /** The body of PUT /cases/{crn}/assessments/{assessmentId}. */
  body: RecordAssessmentDto;
}

export interface SyntheticCase {
  crn: string;
  /** The body of PUT /cases/{crn}. */
  body: UpsertCaseDto;
  /** Oldest first; the last one matches the case's RoSH. */
  assessments: SyntheticAssessment[];
}

export interface GeneratorOptions {
  seed: number;
  /** The reference instant: dates of birth and assessments lie before it. Default: the start of today (UTC). */
  now?: Date;
  /** Managing organisations and police forces to spread cases over. Default: the demo organisations. */
  organisations?: readonly SyntheticOrganisation[];
  /**
   * Which forces' IOM cohorts a managing organisation's cases join (their areas overlap). Default:
   * the North East demo CRCs' areas; organisations not listed use every force.
   */
  forcesByOrg?: Readonly<Record<string, readonly string[]>>;
}

export const DEFAULT_FORCES_BY_ORG: Readonly<Record<string, readonly string[]>> = {
  'crc-durham-tees-valley': ['cleveland', 'durham'],
  'crc-northumbria': ['northumbria'],
};

const DAY_MS = 86_400_000;
const CRN_SPACE = 26_000_000; // one capital letter and six digits

/** The start of the current UTC day: the default reference instant, so a day's runs agree. */
export function startOfTodayUtc(): Date {
  const now = Date.now();
  return new Date(now - (now % DAY_MS));
}

/**
 * CRN of case `index`: an affine permutation of the 26 million possible CRNs keyed by the seed,
 * so CRNs are unique within a seed without remembering them.
 */
export function crnAt(seed: number, index: number): string {
  if (!(index >= 0 && index < CRN_SPACE && Number.isInteger(index)))
    throw new RangeError(`case index must be an integer in [0, ${CRN_SPACE})`);
  // CRN_SPACE = 2^7 x 5^6 x 13: any multiplier prime to 2, 5 and 13 makes the map a bijection.
  let a = (mix32(seed ^ 0xa5a5a5a5) % CRN_SPACE) | 1;
  while (a % 5 === 0 || a % 13 === 0) a += 2;
  const b = mix32(seed ^ 0x3c6ef372) % CRN_SPACE;
  const x = (a * index + b) % CRN_SPACE; // < 2^53: exact
  return String.fromCharCode(65 + Math.floor(x / 1_000_000)) + String(x % 1_000_000).padStart(6, '0');
}

interface Context {
  now: number;
  nps: string[];
  crc: string[];
  forces: string[];
  forcesByOrg: Readonly<Record<string, readonly string[]>>;
}

const contexts = new WeakMap<GeneratorOptions, Context>();

function contextOf(o: GeneratorOptions): Context {
  let c = contexts.get(o);
  if (c) return c;
  const orgs = o.organisations ?? DEMO_ORGANISATIONS;
  const nps = orgs.filter((x) => x.kind === 'NPS').map((x) => x.id);
  const crc = orgs.filter((x) => x.kind === 'CRC').map((x) => x.id);
  const forces = orgs.filter((x) => x.kind === 'POLICE').map((x) => x.force ?? x.id.replace(/^police-/, ''));
  if (!nps.length)
    throw new Error('synthetic cases need at least one NPS organisation (it manages every HIGH and VERY_HIGH case)');
  c = {
    now: (o.now ?? startOfTodayUtc()).getTime(),
    nps,
    crc,
    forces,
    forcesByOrg: o.forcesByOrg ?? DEFAULT_FORCES_BY_ORG,
  };
  contexts.set(o, c);
  return c;
}

const level = (i: number): RiskLevel => RISK_LEVELS[Math.max(0, Math.min(3, i))];
const rank = (l: RiskLevel): number => RISK_LEVELS.indexOf(l);
const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;
const pct = (x: number, places = 1) => round(Math.min(99, Math.max(0.1, x)), places);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Every area at or below the overall level, at least one equal to it (overall is the highest). */
function roshFor(r: Random, overall: RiskLevel): UpsertCaseDto['rosh'] {
  const o = rank(overall);
  const below = () =>
    level(
      o -
        r.weighted([
          [0, 0.35],
          [1, 0.4],
          [2, 0.25],
        ] as const),
    );
  const rosh = { overall, children: below(), public: below(), knownAdult: below(), staff: below() };
  rosh[r.pick(['children', 'public', 'knownAdult', 'staff'] as const)] = overall;
  return rosh;
}

function tierLetter(r: Random, overall: RiskLevel): string {
  switch (overall) {
    case 'VERY_HIGH':
      return 'A';
    case 'HIGH':
      return r.chance(0.7) ? 'A' : 'B';
    case 'MEDIUM':
      return r.chance(0.5) ? 'B' : 'C';
    default:
      return r.chance(0.4) ? 'C' : 'D';
  }
}

function ogrs3For(r: Random, digit: number): number {
  const [lo, hi] = (
    [
      [4, 25],
      [25, 50],
      [50, 75],
      [75, 96],
    ] as const
  )[digit];
  return r.between(lo, hi);
}

const OVP_RANGE: Record<string, readonly [number, number]> = { A: [35, 80], B: [20, 55], C: [8, 35], D: [2, 20] };
const RSR_RANGE: Record<RiskLevel, readonly [number, number]> = {
  LOW: [0.2, 2.9],
  MEDIUM: [1.5, 5.9],
  HIGH: [3, 9.9],
  VERY_HIGH: [6.9, 18],
};
const HARM_LINK: Record<RiskLevel, number> = { LOW: 0.1, MEDIUM: 0.3, HIGH: 0.55, VERY_HIGH: 0.7 };
const MAPPA_CHANCE_NPS: Record<RiskLevel, number> = { LOW: 0.02, MEDIUM: 0.08, HIGH: 0.18, VERY_HIGH: 0.3 };
const IOM_CHANCE_BY_DIGIT = [0.05, 0.12, 0.25, 0.4];

const GROUP_WORDS: Record<'children' | 'public' | 'knownAdult' | 'staff', string> = {
  children: 'children',
  public: 'the public',
  knownAdult: 'a known adult',
  staff: 'staff',
};

/** Severity odds by the tier digit: the likelier the reoffending, the more and greater the needs. */
const SEVERITY_BY_DIGIT = [0, 1, 2, 3].map((d) => {
  const significant = 0.08 + 0.08 * d;
  const some = 0.25 + 0.03 * d;
  return [
    ['SIGNIFICANT', significant],
    ['SOME', some],
    ['NONE', 1 - significant - some],
  ] as const;
});

function needsFor(r: Random, digit: number, overall: RiskLevel): RecordAssessmentDto['needs'] {
  const odds = SEVERITY_BY_DIGIT[digit];
  const needs = {} as Record<NeedArea, RecordAssessmentDto['needs'][NeedArea]>;
  for (const area of NEED_AREAS) {
    const severity = r.weighted(odds);
    const present = severity !== 'NONE';
    const need: RecordAssessmentDto['needs'][NeedArea] = {
      severity,
      linkedToHarm: present && r.chance(HARM_LINK[overall]),
      linkedToReoffending: present && r.chance(0.8),
    };
    if (severity === 'SIGNIFICANT' && r.chance(0.4)) need.notes = r.pick(NEED_NOTES[area]);
    needs[area] = need;
  }
  return needs;
}

function planFor(
  r: Random,
  rosh: UpsertCaseDto['rosh'],
  needs: RecordAssessmentDto['needs'],
  mappa: boolean,
): RecordAssessmentDto['riskManagementPlan'] {
  const groups = (['children', 'public', 'knownAdult', 'staff'] as const)
    .filter((g) => rosh[g] === rosh.overall)
    .map((g) => GROUP_WORDS[g]);
  const priorities = NEED_AREAS.filter((a) => needs[a].severity === 'SIGNIFICANT').map((a) =>
    a.replace(/([A-Z])/g, ' $1').toLowerCase(),
  );
  const words = rosh.overall.toLowerCase().replace('_', ' ');
  const summary =
    `${words[0].toUpperCase()}${words.slice(1)} risk of serious harm, chiefly to ${groups.join(' and ')}. ` +
    (priorities.length
      ? `Priorities: ${priorities.slice(0, 3).join(', ')}.`
      : 'No significant criminogenic needs identified.');
  const actions = r.sample(
    PLAN_ACTIONS.filter((a) => mappa || !a.includes('MAPPA')),
    r.int(1, 4),
  );
  return { summary, actions };
}

function pncFor(r: Random, birthYear: number, nowYear: number): string {
  const year = r.int(Math.min(nowYear, Math.max(1995, birthYear + 16)), nowYear);
  return `${year}/${String(r.int(0, 9_999_999)).padStart(7, '0')}${String.fromCharCode(65 + r.int(0, 25))}`;
}

/** Case `index` of the data set `options.seed`. */
export function generateCase(index: number, options: GeneratorOptions): SyntheticCase {
  const ctx = contextOf(options);
  const r = new Random(streamSeed(options.seed, index));
  const crn = crnAt(options.seed, index);

  // Who manages the case decides the possible harm levels: CRCs hold LOW and MEDIUM only.
  const byNps = !ctx.crc.length || r.chance(0.35);
  const managingOrg = byNps ? r.pick(ctx.nps) : r.pick(ctx.crc);
  const overall: RiskLevel = byNps
    ? r.weighted([
        ['LOW', 0.05],
        ['MEDIUM', 0.35],
        ['HIGH', 0.45],
        ['VERY_HIGH', 0.15],
      ] as const)
    : r.weighted([
        ['LOW', 0.6],
        ['MEDIUM', 0.4],
      ] as const);
  const rosh = roshFor(r, overall);
  const digit = r.weighted([
    [0, 0.2],
    [1, 0.3],
    [2, 0.3],
    [3, 0.2],
  ] as const);
  const letter = tierLetter(r, overall);
  const tier = `${letter}${digit}` as Tier;

  // Ages skew young, as on a real caseload: 18 to 75.
  const ageDays = Math.floor(18 * 365.25 + 1 + (57 * 365.25 - 2) * r.float() ** 1.6);
  const dateOfBirth = isoDay(ctx.now - ageDays * DAY_MS);
  const person: UpsertCaseDto['person'] = {
    givenName: r.pick(GIVEN_NAMES),
    familyName: r.pick(FAMILY_NAMES),
    dateOfBirth,
  };
  if (r.chance(0.7)) person.pncId = pncFor(r, Number(dateOfBirth.slice(0, 4)), new Date(ctx.now).getUTCFullYear());

  const mappa =
    byNps && r.chance(MAPPA_CHANCE_NPS[overall])
      ? {
          category: r.weighted([
            [1, 0.45],
            [2, 0.45],
            [3, 0.1],
          ] as const),
          level:
            overall === 'VERY_HIGH'
              ? r.weighted([
                  [1, 0.4],
                  [2, 0.45],
                  [3, 0.15],
                ] as const)
              : r.weighted([
                  [1, 0.8],
                  [2, 0.18],
                  [3, 0.02],
                ] as const),
        }
      : null;

  // IOM takes the most prolific: the reoffending digit drives cohort membership.
  let iom: UpsertCaseDto['iom'] = null;
  const forces = (ctx.forcesByOrg[managingOrg] ?? ctx.forces).filter((f) => ctx.forces.includes(f));
  const pool = forces.length ? forces : ctx.forces;
  if (pool.length) {
    if (r.chance(IOM_CHANCE_BY_DIGIT[digit])) iom = { cohort: true, force: r.pick(pool) };
    else if (r.chance(0.03)) iom = { cohort: false, force: r.pick(pool) }; // left the cohort
  }

  const licenceConditions = r.chance(0.7) ? r.sample(LICENCE_CONDITIONS, r.int(1, 5)) : [];
  const restricted = r.chance(0.02);
  const body: UpsertCaseDto = { person, managingOrg, tier, rosh, mappa, iom, licenceConditions, restricted };

  return { crn, body, assessments: assessmentsFor(r, crn, body, digit, letter, ctx.now) };
}

function assessmentsFor(
  r: Random,
  crn: string,
  c: UpsertCaseDto,
  digit: number,
  letter: string,
  now: number,
): SyntheticAssessment[] {
  const count = r.weighted([
    [1, 0.45],
    [2, 0.35],
    [3, 0.2],
  ] as const);
  const ogrs3 = ogrs3For(r, digit);
  const out: SyntheticAssessment[] = [];
  // The latest is up to six months old; earlier ones are four to nine months apart; all in office hours.
  const officeHours = () => (8 * 3600 + r.int(0, 10 * 3600 - 1)) * 1000;
  let day = now - r.int(1, 180) * DAY_MS;
  const dates: number[] = [day + officeHours()];
  for (let k = 1; k < count; k++) dates.unshift((day -= r.int(120, 270) * DAY_MS) + officeHours());
  const health = r.chance(0.25) ? r.pick(HEALTH_NOTES) : undefined;
  const victimsLikely = rank(c.rosh.overall) >= 1 && (rank(c.rosh.knownAdult) >= 1 || rank(c.rosh.children) >= 1);
  const victims = r.chance(victimsLikely ? 0.3 : 0.05) ? r.pick(VICTIM_NOTES) : undefined;

  for (let k = 0; k < count; k++) {
    const latest = k === count - 1;
    // Risk fluctuates: an earlier assessment may have been a level lower, never higher (a CRC
    // case that had reached HIGH would have gone to the NPS).
    const overall = latest ? c.rosh.overall : level(rank(c.rosh.overall) - (r.chance(0.25) ? 1 : 0));
    const rosh = latest ? c.rosh : roshFor(r, overall);
    const drift = latest ? 0 : r.normal(4);
    const ovpRange = OVP_RANGE[letter];
    const rsrRange = RSR_RANGE[overall];
    const g = pct(ogrs3 + drift);
    const needs = needsFor(r, digit, overall);
    const body: RecordAssessmentDto = {
      completedAt: new Date(dates[k]).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      assessor: `PO ${String.fromCharCode(65 + r.int(0, 25))}. ${r.pick(FAMILY_NAMES)}`,
      scores: {
        ogrs3TwoYear: g,
        ogp: pct(g * r.between(0.7, 1.0)),
        ovp: pct(r.between(ovpRange[0], ovpRange[1]) + drift / 2),
        rsr: pct(r.between(rsrRange[0], rsrRange[1]), 2),
        algorithmVersion: 'OGRS3/OGP1/OVP1/RSR1',
      },
      rosh,
      needs,
      riskManagementPlan: planFor(r, rosh, needs, c.mappa !== null),
    };
    if (health || victims) body.sensitive = { ...(health ? { health } : {}), ...(victims ? { victims } : {}) };
    out.push({ assessmentId: `OAS-${crn}-${k + 1}`, body });
  }
  return out;
}

/** Cases `from` .. `from + count - 1` of the data set. */
export function* generateCases(count: number, options: GeneratorOptions & { from?: number }): Generator<SyntheticCase> {
  const from = options.from ?? 0;
  for (let i = from; i < from + count; i++) yield generateCase(i, options);
}
