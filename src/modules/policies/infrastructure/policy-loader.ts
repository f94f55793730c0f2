import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ORG_KINDS, ROLES } from '@shared/auth/roles.js';
import { PURPOSES } from '@shared/domain/vocabulary.js';
import { ALL_FIELDS, expandFields } from '../domain/fields.js';
import { PolicyFileError, type PolicyRule, type PolicySet } from '../domain/policy.js';
import { RELATIONSHIPS } from '../domain/relationships.js';

const RULE_KEYS = new Set(['id', 'description', 'roles', 'orgKinds', 'purposes', 'relationship', 'views', 'fields']);
const TOP_KEYS = new Set(['policy', 'version', 'description', 'rules']);

/** Parses and validates one policy file's text; errors name the file and line. */
export function parsePolicyFile(text: string, file: string): { name: string; version: string; rules: PolicyRule[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const lineOf = (p: (string | number)[]): number => lineOfPath(doc, lc, p);
  if (doc.errors.length) {
    // With prettyErrors off the parser leaves linePos unset: the offset is what it always sets.
    const e = doc.errors[0];
    throw new PolicyFileError(file, lc.linePos(e.pos[0]).line, `invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const data = doc.toJS() as unknown;
  const fail = (p: (string | number)[], problem: string): never => {
    throw new PolicyFileError(file, lineOf(p), problem);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail([], 'a policy file must be a mapping with policy, version and rules');
  const top = data as Record<string, unknown>;
  for (const k of Object.keys(top)) if (!TOP_KEYS.has(k)) fail([k], `unknown key "${k}" (expected ${[...TOP_KEYS].join(', ')})`);
  if (typeof top.policy !== 'string' || !/^[a-z0-9-]+$/.test(top.policy)) fail(['policy'], 'policy must be a lowercase name');
  if (typeof top.version !== 'string' && typeof top.version !== 'number') fail(['version'], 'version is required');
  if (!Array.isArray(top.rules) || top.rules.length === 0) fail(['rules'], 'rules must be a non-empty list');
  const rules: PolicyRule[] = [];
  (top.rules as unknown[]).forEach((raw, i) => {
    const at = (k?: string): (string | number)[] => (k ? ['rules', i, k] : ['rules', i]);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(at(), 'each rule must be a mapping');
    const r = raw as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) fail(at(k), `unknown key "${k}" in rule`);
    if (typeof r.id !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/.test(r.id)) fail(at('id'), 'rule id must be a lowercase dotted name');
    const list = (k: string, allowed: readonly string[]): string[] => {
      const v = r[k];
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) fail(at(k), `rule ${String(r.id)}: ${k} must be a non-empty list`);
      (v as string[]).forEach((x, j) => {
        if (!allowed.includes(x)) fail(['rules', i, k, j], `rule ${String(r.id)}: unknown ${k.replace(/s$/, '')} "${x}" (expected one of ${allowed.join(', ')})`);
      });
      return v as string[];
    };
    const roles = list('roles', ROLES);
    const orgKinds = list('orgKinds', ORG_KINDS);
    const purposes = list('purposes', PURPOSES);
    if (typeof r.relationship !== 'string' || !(RELATIONSHIPS as readonly string[]).includes(r.relationship)) {
      fail(at('relationship'), `rule ${String(r.id)}: relationship must be one of ${RELATIONSHIPS.join(', ')}`);
    }
    const views = r.views === undefined ? ['summary', 'case'] : list('views', ['summary', 'case']);
    const patterns = r.fields;
    if (!Array.isArray(patterns) || patterns.length === 0) fail(at('fields'), `rule ${String(r.id)}: fields must be a non-empty list`);
    (patterns as unknown[]).forEach((f, j) => {
      const ok = typeof f === 'string' && (f === '*' || (f.endsWith('.*') ? ALL_FIELDS.some((x) => x.startsWith(f.slice(0, -1))) : ALL_FIELDS.includes(f)));
      if (!ok) fail(['rules', i, 'fields', j], `rule ${String(r.id)}: unknown field "${String(f)}"`);
    });
    if (rules.some((x) => x.id === r.id)) fail(at('id'), `duplicate rule id "${String(r.id)}"`);
    rules.push({
      id: r.id as string,
      description: typeof r.description === 'string' ? r.description : '',
      roles: roles as PolicyRule['roles'],
      orgKinds: orgKinds as PolicyRule['orgKinds'],
      purposes: purposes as PolicyRule['purposes'],
      relationship: r.relationship as PolicyRule['relationship'],
      views: views as PolicyRule['views'],
      fields: expandFields(patterns as string[]),
      source: `${file}:${lineOf(at())}`,
    });
  });
  return { name: top.policy as string, version: String(top.version), rules };
}

/**
 * The line of the node at `path`: of the key when the path ends at a mapping key (a block value
 * starts on the next line), and of the nearest enclosing node when the key is missing.
 */
export function lineOfPath(doc: Document, lc: LineCounter, path: readonly (string | number)[]): number {
  const lineAt = (node: unknown): number | null => {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return range ? lc.linePos(range[0]).line : null;
  };
  for (let n = path.length; n > 0; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    const last = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((x) => (isScalar(x.key) ? x.key.value : x.key) === last);
      const line = pair ? (lineAt(pair.key) ?? lineAt(pair.value)) : null;
      if (line) return line;
    } else if (isSeq(parent) && typeof last === 'number') {
      const line = lineAt(parent.items[last]);
      if (line) return line;
    }
  }
  return lineAt(doc.contents) ?? 1;
}

/**
 * The `*.yaml` files directly in `dir`, sorted by name: the files of a versioned rule set (policies,
 * the retention schedule). `refuse` makes the error for a folder that cannot be read or holds none.
 */
export function yamlFilesIn(
  dir: string,
  names: { folder: string; files: string },
  refuse: (problem: string) => Error,
): string[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  } catch {
    throw refuse(`the ${names.folder} folder cannot be read`);
  }
  if (!files.length) throw refuse(`no ${names.files} files (*.yaml) found`);
  return files;
}

/** Loads every `*.yaml` in the policies folder (not its tests/), stopping at the first bad file. */
export function loadPolicies(dir: string): PolicySet {
  const files = yamlFilesIn(dir, { folder: 'policies', files: 'policy' }, (problem) => new PolicyFileError(dir, 0, problem));
  return policySetOf(
    files.map((name) => ({ name, bytes: readFileSync(path.join(dir, name)) })),
    path.basename(dir),
  );
}

/**
 * Validates and merges policy files given as bytes (`folder` names them in errors and rule
 * sources): the files of the policies folder at start-up, or a stored policy version.
 */
export function policySetOf(files: readonly { name: string; bytes: Uint8Array }[], folder: string): PolicySet {
  if (!files.length) throw new PolicyFileError(folder, 0, 'no policy files (*.yaml) found');
  const set: PolicySet = { versions: [], rules: [] };
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const rel = path.join(folder, f.name);
    const parsed = parsePolicyFile(Buffer.from(f.bytes).toString('utf8'), rel);
    for (const r of parsed.rules)
      if (set.rules.some((x) => x.id === r.id))
        throw new PolicyFileError(rel, Number(r.source.split(':').pop()), `rule id "${r.id}" is already defined in another file`);
    set.versions.push(`${parsed.name}@${parsed.version}`);
    set.rules.push(...parsed.rules);
  }
  return set;
}

export type { Document };
