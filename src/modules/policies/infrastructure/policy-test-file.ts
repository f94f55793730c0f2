import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ORG_KINDS, ROLES } from '@shared/auth/roles.js';
import { DATA_CATEGORIES, PURPOSES, type DataCategory, type Purpose } from '@shared/domain/vocabulary.js';
import type { AgreementTerms, Outcome } from '../domain/evaluator.js';
import { ALL_FIELDS, expandFields, fieldsOf, type CaseView } from '../domain/fields.js';
import { PolicyFileError } from '../domain/policy.js';
import { RELATIONSHIPS, type ActorFacts, type CaseFacts, type Relationship } from '../domain/relationships.js';
import { lineOfPath } from './policy-loader.js';

/** What a policy test expects of the decision; every key but `outcome` is optional. */
export interface PolicyTestExpectation {
  outcome: Outcome;
  /** Exactly these fields are released (patterns already expanded to the fields of the view). */
  released?: string[];
  /** Exactly these fields are withheld. */
  withheld?: string[];
  /** Each of these must be released. */
  includes?: string[];
  /** None of these may be released. */
  excludes?: string[];
  /** Exactly these rule ids released the fields. */
  rules?: string[];
  /** Exactly these agreement ids were relied on. */
  agreements?: string[];
  /** Exactly these relationships hold between actor and case. */
  relationships?: Relationship[];
  breakGlassUsed?: boolean;
}

/** One test of policies/tests/*.yaml, resolved (fixtures applied, defaults filled). */
export interface PolicyTestCase {
  file: string;
  line: number;
  name: string;
  actor: ActorFacts;
  case: CaseFacts;
  purpose: Purpose;
  view: CaseView;
  agreements: AgreementTerms[];
  expect: PolicyTestExpectation;
}

type Path = (string | number)[];
type Raw = Record<string, unknown>;

const TOP_KEYS = ['description', 'actors', 'cases', 'agreements', 'tests'];
const TEST_KEYS = ['name', 'actor', 'case', 'purpose', 'view', 'agreements', 'expect'];
const ACTOR_KEYS = ['like', 'org', 'orgKind', 'orgRegion', 'roles', 'attrs', 'breakGlass'];
const CASE_KEYS = ['like', 'crn', 'managingOrg', 'managingOrgKind', 'managingOrgRegion', 'restricted', 'iom', 'mappa', 'transferParties', 'escalated'];
const AGREEMENT_KEYS = ['id', 'version', 'dataCategories', 'specialCategoryConditions'];
const EXPECT_KEYS = ['outcome', 'released', 'withheld', 'includes', 'excludes', 'rules', 'agreements', 'relationships', 'breakGlassUsed'];
const FIELD_LIST_KEYS = ['released', 'withheld', 'includes', 'excludes'] as const;
const OUTCOMES: readonly Outcome[] = ['allow', 'not_found', 'forbidden'];
const VIEWS: readonly CaseView[] = ['summary', 'case'];

/**
 * Parses one test file. Unknown keys, values and field names are errors naming file and line:
 * a misspelt expectation would otherwise pass silently.
 */
export function parsePolicyTestFile(text: string, file: string): PolicyTestCase[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) throw new PolicyFileError(file, lc.linePos(doc.errors[0].pos[0]).line, `invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const fail = (p: Path, problem: string): never => {
    throw new PolicyFileError(file, lineOfPath(doc, lc, p), problem);
  };
  const mapping = (v: unknown, p: Path, keys: readonly string[] | null, what: string): Raw => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, `${what} must be a mapping`);
    if (keys) for (const k of Object.keys(v)) if (!keys.includes(k)) fail([...p, k], `unknown key "${k}" in ${what} (expected ${keys.join(', ')})`);
    return v as Raw;
  };
  const str = (v: unknown, p: Path): string => (typeof v === 'string' && v.trim() ? v : fail(p, 'must be a non-empty string'));
  const bool = (v: unknown, p: Path): boolean => (typeof v === 'boolean' ? v : fail(p, 'must be true or false'));
  const oneOf =
    <T extends string>(allowed: readonly T[]) =>
    (v: unknown, p: Path): T =>
      (allowed as readonly unknown[]).includes(v) ? (v as T) : fail(p, `"${String(v)}" is not one of ${allowed.join(', ')}`);
  const list = <T>(v: unknown, p: Path, item: (x: unknown, p: Path) => T): T[] => (Array.isArray(v) ? v.map((x, i) => item(x, [...p, i])) : fail(p, 'must be a list'));
  const int = (min: number, max: number) => (v: unknown, p: Path) => (Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : fail(p, `must be a whole number from ${min} to ${max}`));

  const top = mapping(doc.toJS(), [], TOP_KEYS, 'a policy test file');
  const fixtures = (k: string): Raw => (top[k] === undefined ? {} : mapping(top[k], [k], null, k));
  const fixtureActors = fixtures('actors');
  const fixtureCases = fixtures('cases');
  const fixtureAgreements = fixtures('agreements');

  // An actor or case is a fixture name, or a mapping that may start `like` a fixture and override keys.
  const resolve = (v: unknown, p: Path, pool: Raw, poolKey: string, keys: readonly string[], what: string, seen: string[] = []): { raw: Raw; paths: Record<string, Path> } => {
    if (typeof v === 'string') {
      if (!(v in pool)) return fail(p, `no ${what} named "${v}" under ${poolKey}`);
      if (seen.includes(v)) return fail(p, `${what} "${v}" is defined in terms of itself`);
      return resolve(pool[v], [poolKey, v], pool, poolKey, keys, what, [...seen, v]);
    }
    const m = mapping(v, p, keys, what);
    const base = m.like === undefined ? { raw: {}, paths: {} } : resolve(str(m.like, [...p, 'like']), [...p, 'like'], pool, poolKey, keys, what, seen);
    const own = Object.fromEntries(Object.keys(m).filter((k) => k !== 'like').map((k) => [k, [...p, k]]));
    return { raw: { ...base.raw, ...m, like: undefined }, paths: { ...base.paths, ...own } };
  };
  const need = (r: { raw: Raw; paths: Record<string, Path> }, k: string, at: Path, what: string): [unknown, Path] =>
    r.raw[k] === undefined ? fail(at, `${what} needs ${k}`) : [r.raw[k], r.paths[k]];
  const opt = <T>(r: { raw: Raw; paths: Record<string, Path> }, k: string, read: (v: unknown, p: Path) => T, fallback: T): T =>
    r.raw[k] === undefined ? fallback : read(r.raw[k], r.paths[k]);

  const actorAt = (v: unknown, p: Path): ActorFacts => {
    const r = resolve(v, p, fixtureActors, 'actors', ACTOR_KEYS, 'actor');
    return {
      org: str(...need(r, 'org', p, 'actor')),
      orgKind: oneOf(ORG_KINDS)(...need(r, 'orgKind', p, 'actor')),
      orgRegion: opt(r, 'orgRegion', str, undefined),
      roles: list(...need(r, 'roles', p, 'actor'), oneOf(ROLES)),
      attrs: opt(r, 'attrs', (x, q) => mapping(x, q, null, 'attrs'), {}),
      breakGlass: opt(r, 'breakGlass', bool, false),
    };
  };
  const caseAt = (v: unknown, p: Path): CaseFacts => {
    const r = resolve(v, p, fixtureCases, 'cases', CASE_KEYS, 'case');
    const crn = opt(r, 'crn', str, 'X123456');
    if (!/^[A-Z]\d{6}$/.test(crn)) fail(r.paths.crn, 'crn must be one capital letter and six digits');
    const iom = (x: unknown, q: Path): CaseFacts['iom'] => {
      if (x === null) return null;
      const m = mapping(x, q, ['cohort', 'force'], 'iom');
      return { cohort: bool(m.cohort, [...q, 'cohort']), force: str(m.force, [...q, 'force']) };
    };
    const mappa = (x: unknown, q: Path): CaseFacts['mappa'] => {
      if (x === null) return null;
      const m = mapping(x, q, ['category', 'level'], 'mappa');
      return { category: int(1, 3)(m.category, [...q, 'category']), level: int(1, 3)(m.level, [...q, 'level']) };
    };
    return {
      crn,
      managingOrg: str(...need(r, 'managingOrg', p, 'case')),
      managingOrgKind: oneOf(ORG_KINDS)(...need(r, 'managingOrgKind', p, 'case')),
      managingOrgRegion: opt(r, 'managingOrgRegion', str, undefined),
      restricted: opt(r, 'restricted', bool, false),
      iom: opt(r, 'iom', iom, null),
      mappa: opt(r, 'mappa', mappa, null),
      transferParties: opt(r, 'transferParties', (x, q) => list(x, q, str), []),
      escalated: opt(r, 'escalated', bool, false),
    };
  };
  const agreementAt = (v: unknown, p: Path): AgreementTerms => {
    if (typeof v === 'string') {
      if (!(v in fixtureAgreements)) return fail(p, `no agreement named "${v}" under agreements`);
      return agreementAt(fixtureAgreements[v], ['agreements', v]);
    }
    const m = mapping(v, p, AGREEMENT_KEYS, 'agreement');
    if (m.id === undefined) fail(p, 'an agreement needs id');
    if (m.dataCategories === undefined) fail(p, 'an agreement needs dataCategories');
    const conditions = m.specialCategoryConditions === undefined ? {} : mapping(m.specialCategoryConditions, [...p, 'specialCategoryConditions'], DATA_CATEGORIES, 'specialCategoryConditions');
    for (const [k, text] of Object.entries(conditions)) if (typeof text !== 'string') fail([...p, 'specialCategoryConditions', k], 'a condition is text');
    return {
      id: str(m.id, [...p, 'id']),
      version: m.version === undefined ? 1 : int(1, 1_000_000)(m.version, [...p, 'version']),
      dataCategories: list(m.dataCategories, [...p, 'dataCategories'], oneOf<DataCategory>(DATA_CATEGORIES)),
      specialCategoryConditions: conditions,
    };
  };
  // `*` and `group.*` stand for the fields of the test's view they match; exact names stay as
  // written, so expecting a field the view does not have fails rather than vanishing.
  const fieldsAt = (view: CaseView) => (v: unknown, p: Path): string[] =>
    list(v, p, (x, q) => {
      const f = str(x, q);
      const pattern = f === '*' || f.endsWith('.*');
      const expanded = pattern ? expandFields([f]).filter((n) => ALL_FIELDS.includes(n)) : [f];
      if (!expanded.length || !expanded.every((n) => ALL_FIELDS.includes(n))) fail(q, `unknown field "${f}"`);
      return pattern ? expanded.filter((n) => fieldsOf(view).includes(n)) : expanded;
    }).flat();
  const expectAt = (v: unknown, p: Path, view: CaseView): PolicyTestExpectation => {
    const m = mapping(v, p, EXPECT_KEYS, 'expect');
    if (m.outcome === undefined) fail(p, 'expect needs outcome');
    const e: PolicyTestExpectation = { outcome: oneOf(OUTCOMES)(m.outcome, [...p, 'outcome']) };
    for (const k of FIELD_LIST_KEYS) if (m[k] !== undefined) e[k] = [...new Set(fieldsAt(view)(m[k], [...p, k]))];
    if (m.rules !== undefined) e.rules = list(m.rules, [...p, 'rules'], str);
    if (m.agreements !== undefined) e.agreements = list(m.agreements, [...p, 'agreements'], str);
    if (m.relationships !== undefined) e.relationships = list(m.relationships, [...p, 'relationships'], oneOf(RELATIONSHIPS));
    if (m.breakGlassUsed !== undefined) e.breakGlassUsed = bool(m.breakGlassUsed, [...p, 'breakGlassUsed']);
    const both = (e.includes ?? []).filter((f) => e.excludes?.includes(f));
    if (both.length) fail([...p, 'excludes'], `${both.join(', ')} both included and excluded`);
    return e;
  };

  if (top.tests === undefined) fail([], 'a policy test file needs tests');
  const names = new Set<string>();
  return list(top.tests, ['tests'], (raw, p): PolicyTestCase => {
    const t = mapping(raw, p, TEST_KEYS, 'test');
    for (const k of ['name', 'actor', 'case', 'purpose', 'view', 'expect']) if (t[k] === undefined) fail(p, `a test needs ${k}`);
    const name = str(t.name, [...p, 'name']);
    if (names.has(name)) fail([...p, 'name'], `duplicate test name "${name}"`);
    names.add(name);
    const view = oneOf(VIEWS)(t.view, [...p, 'view']);
    return {
      file,
      line: lineOfPath(doc, lc, p),
      name,
      actor: actorAt(t.actor, [...p, 'actor']),
      case: caseAt(t.case, [...p, 'case']),
      purpose: oneOf(PURPOSES)(t.purpose, [...p, 'purpose']),
      view,
      agreements: t.agreements === undefined ? [] : list(t.agreements, [...p, 'agreements'], agreementAt),
      expect: expectAt(t.expect, [...p, 'expect'], view),
    };
  });
}

/** Every `*.yaml` of the tests folder, in name order. */
export function loadPolicyTests(dir: string): PolicyTestCase[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  } catch {
    throw new PolicyFileError(dir, 0, 'the policy tests folder cannot be read');
  }
  if (!files.length) throw new PolicyFileError(dir, 0, 'no policy tests (*.yaml) found');
  return files.flatMap((f) => parsePolicyTestFile(readFileSync(path.join(dir, f), 'utf8'), path.join(path.basename(path.dirname(dir)), path.basename(dir), f)));
}
