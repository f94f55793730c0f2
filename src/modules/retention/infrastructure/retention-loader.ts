import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { lineOfPath, yamlFilesIn } from '@modules/policies/index.js';
import {
  RETENTION_FROM,
  RETENTION_KINDS,
  RetentionFileError,
  type RetentionKind,
  type RetentionRule,
  type RetentionSchedule,
} from '../domain/retention-schedule.js';

const TOP_KEYS = new Set(['schedule', 'version', 'description', 'rules']);
const RULE_KEYS = new Set(['id', 'kind', 'org', 'from', 'days', 'description']);
/** Ten years and a day: a longer period is a typo more often than a decision, and needs a code change. */
const MAX_DAYS = 3_654;

/** Parses and validates one retention file's text; errors name the file and line. */
export function parseRetentionFile(
  text: string,
  file: string,
): { name: string; version: string; rules: RetentionRule[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new RetentionFileError(file, lc.linePos(e.pos[0]).line, `invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const fail = (p: (string | number)[], problem: string): never => {
    throw new RetentionFileError(file, lineOfPath(doc, lc, p), problem);
  };
  const data = doc.toJS() as unknown;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    fail([], 'a retention file must be a mapping with schedule, version and rules');
  const top = data as Record<string, unknown>;
  for (const k of Object.keys(top))
    if (!TOP_KEYS.has(k)) fail([k], `unknown key "${k}" (expected ${[...TOP_KEYS].join(', ')})`);
  if (typeof top.schedule !== 'string' || !/^[a-z0-9-]+$/.test(top.schedule))
    fail(['schedule'], 'schedule must be a lowercase name');
  if (typeof top.version !== 'string' && typeof top.version !== 'number') fail(['version'], 'version is required');
  if (!Array.isArray(top.rules) || top.rules.length === 0) fail(['rules'], 'rules must be a non-empty list');
  const rules: RetentionRule[] = [];
  (top.rules as unknown[]).forEach((raw, i) => {
    const at = (k?: string): (string | number)[] => (k ? ['rules', i, k] : ['rules', i]);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(at(), 'each rule must be a mapping');
    const r = raw as Record<string, unknown>;
    for (const k of Object.keys(r))
      if (!RULE_KEYS.has(k)) fail(at(k), `unknown key "${k}" in rule (expected ${[...RULE_KEYS].join(', ')})`);
    if (typeof r.id !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/.test(r.id))
      fail(at('id'), 'rule id must be a lowercase dotted name');
    const id = r.id as string;
    if (typeof r.kind !== 'string' || !(RETENTION_KINDS as readonly string[]).includes(r.kind))
      fail(at('kind'), `rule ${id}: kind must be one of ${RETENTION_KINDS.join(', ')}`);
    const kind = r.kind as RetentionKind;
    if (r.from !== RETENTION_FROM[kind])
      fail(
        at('from'),
        `rule ${id}: a ${kind} is kept from its ${RETENTION_FROM[kind]} (from: ${RETENTION_FROM[kind]})`,
      );
    if (r.org !== undefined && (typeof r.org !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(r.org)))
      fail(at('org'), `rule ${id}: org must be an organisation id (omit it for every organisation)`);
    if (typeof r.days !== 'number' || !Number.isInteger(r.days) || r.days < 0 || r.days > MAX_DAYS)
      fail(at('days'), `rule ${id}: days must be a whole number from 0 to ${MAX_DAYS}`);
    if (rules.some((x) => x.id === id)) fail(at('id'), `duplicate rule id "${id}"`);
    const org = (r.org as string | undefined) ?? null;
    if (rules.some((x) => x.kind === kind && x.org === org))
      fail(at(), `rule ${id}: a second rule for ${kind} of ${org ?? 'every organisation'}`);
    rules.push({
      id,
      kind,
      org,
      days: r.days as number,
      description: typeof r.description === 'string' ? r.description : '',
      source: `${file}:${lineOfPath(doc, lc, at())}`,
    });
  });
  return { name: top.schedule as string, version: String(top.version), rules };
}

/**
 * Loads every `*.yaml` of the retention folder (not its tests/), stopping at the first bad file.
 * Every kind must have a rule for every organisation (one without `org`): nothing is kept for
 * ever because a rule was left out.
 */
export function loadRetentionSchedule(dir: string): RetentionSchedule {
  const files = yamlFilesIn(
    dir,
    { folder: 'retention', files: 'retention' },
    (problem) => new RetentionFileError(dir, 0, problem),
  );
  const schedule: RetentionSchedule = { versions: [], rules: [] };
  const folder = path.basename(dir);
  for (const name of files) {
    const rel = path.join(folder, name);
    const parsed = parseRetentionFile(readFileSync(path.join(dir, name), 'utf8'), rel);
    for (const r of parsed.rules) {
      const line = Number(r.source.split(':').pop());
      if (schedule.rules.some((x) => x.id === r.id))
        throw new RetentionFileError(rel, line, `rule id "${r.id}" is already defined in another file`);
      if (schedule.rules.some((x) => x.kind === r.kind && x.org === r.org))
        throw new RetentionFileError(
          rel,
          line,
          `rule ${r.id}: another file already has a rule for ${r.kind} of ${r.org ?? 'every organisation'}`,
        );
    }
    schedule.versions.push(`${parsed.name}@${parsed.version}`);
    schedule.rules.push(...parsed.rules);
  }
  const missing = RETENTION_KINDS.filter((k) => !schedule.rules.some((r) => r.kind === k && r.org === null));
  if (missing.length)
    throw new RetentionFileError(folder, 0, `no rule for every organisation (without org) for ${missing.join(', ')}`);
  return schedule;
}
