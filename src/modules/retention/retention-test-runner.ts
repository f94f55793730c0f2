import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  dueAt,
  RETENTION_KINDS,
  RetentionFileError,
  ruleFor,
  type RetentionKind,
  type RetentionSchedule,
} from './domain/retention-schedule.js';

/** One case of retention/tests/*.yaml. */
export interface RetentionTest {
  file: string;
  name: string;
  kind: RetentionKind;
  org: string;
  from: Date;
  rule: string;
  dueAt: Date;
}

const TEST_KEYS = ['name', 'kind', 'org', 'from', 'rule', 'dueAt'];

function instant(v: unknown, where: string): Date {
  const d = v instanceof Date ? v : new Date(typeof v === 'string' ? v : NaN);
  if (Number.isNaN(d.getTime())) throw new RetentionFileError(where, 0, 'from and dueAt must be RFC 3339 times');
  return d;
}

/** Reads every test file of `dir`; a malformed test stops with its file and name. */
export function loadRetentionTests(dir: string): RetentionTest[] {
  const out: RetentionTest[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => /\.ya?ml$/.test(x))
    .sort()) {
    const file = path.join(dir, f);
    const doc = parse(readFileSync(file, 'utf8')) as { tests?: Record<string, unknown>[] } | null;
    if (!doc || !Array.isArray(doc.tests) || !doc.tests.length)
      throw new RetentionFileError(file, 0, 'a test file needs a non-empty tests list');
    for (const t of doc.tests) {
      const where = `${file} (${String(t.name)})`;
      for (const k of Object.keys(t))
        if (!TEST_KEYS.includes(k)) throw new RetentionFileError(where, 0, `unknown key "${k}"`);
      if (!(RETENTION_KINDS as readonly string[]).includes(String(t.kind)))
        throw new RetentionFileError(where, 0, `kind must be one of ${RETENTION_KINDS.join(', ')}`);
      out.push({
        file,
        name: String(t.name),
        kind: t.kind as RetentionKind,
        org: String(t.org),
        from: instant(t.from, where),
        rule: String(t.rule),
        dueAt: instant(t.dueAt, where),
      });
    }
  }
  return out;
}

/** What the schedule answers for one test: null when it passes, else what differed. */
export function runRetentionTest(s: RetentionSchedule, t: RetentionTest): string | null {
  const rule = ruleFor(s, t.kind, t.org);
  const due = dueAt(s, t.kind, t.org, t.from);
  const problems: string[] = [];
  if (rule.id !== t.rule) problems.push(`rule ${rule.id} (${rule.source}) applies, expected ${t.rule}`);
  if (due.getTime() !== t.dueAt.getTime())
    problems.push(`due at ${due.toISOString()}, expected ${t.dueAt.toISOString()}`);
  return problems.length ? `${t.name}: ${problems.join('; ')}` : null;
}

/** Rules of the schedule no test names: each rule needs a test that shows it applies. */
export function untestedRules(s: RetentionSchedule, tests: readonly RetentionTest[]): string[] {
  return s.rules.filter((r) => !tests.some((t) => t.rule === r.id)).map((r) => `${r.id} (${r.source})`);
}
