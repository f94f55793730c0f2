import path from 'node:path';
import { PolicyEvaluator, type ReadDecision } from './domain/evaluator.js';
import type { PolicySet } from './domain/policy.js';
import { loadPolicies } from './infrastructure/policy-loader.js';
import { loadPolicyTests, type PolicyTestCase } from './infrastructure/policy-test-file.js';

export { loadPolicyTests, parsePolicyTestFile, type PolicyTestCase, type PolicyTestExpectation } from './infrastructure/policy-test-file.js';

export interface PolicyTestResult {
  test: PolicyTestCase;
  decision: ReadDecision;
  /** Rule ids that released at least one field. */
  rulesUsed: string[];
  /** One readable line per unmet expectation; empty when the test passed. */
  problems: string[];
  passed: boolean;
}

export interface PolicyTestRun {
  versions: string[];
  results: PolicyTestResult[];
  /** Rules of the loaded policies that no passing test names under `expect.rules`. */
  uncoveredRules: string[];
}

/** The rule ids that released fields, from the per-field reasons (`rule:<id>`). */
export function rulesUsedBy(d: ReadDecision): string[] {
  const ids = d.fields.filter((f) => f.allowed).flatMap((f) => f.reasons.filter((r) => r.startsWith('rule:')).map((r) => r.slice('rule:'.length)));
  return [...new Set(ids)].sort();
}

const show = (xs: readonly string[]): string => (xs.length ? xs.join(', ') : '(none)');

/** "missing a, b; unexpected c" for two sets, or null when they are equal. */
function setDiff(expected: readonly string[], actual: readonly string[]): string | null {
  const missing = expected.filter((x) => !actual.includes(x));
  const extra = actual.filter((x) => !expected.includes(x));
  if (!missing.length && !extra.length) return null;
  return [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unexpected ${extra.join(', ')}` : ''].filter(Boolean).join('; ');
}

/** Runs one test through the evaluator and compares every expectation it states. */
export function runPolicyTest(evaluator: PolicyEvaluator, test: PolicyTestCase): PolicyTestResult {
  const d = evaluator.decide(test.actor, test.case, test.purpose, test.view, test.agreements);
  const e = test.expect;
  const rulesUsed = rulesUsedBy(d);
  const problems: string[] = [];
  const exact = (label: string, expected: readonly string[] | undefined, actual: readonly string[]): void => {
    const diff = expected && setDiff(expected, actual);
    if (diff) problems.push(`${label}: ${diff}`);
  };
  if (d.outcome !== e.outcome) problems.push(`outcome: expected ${e.outcome}, got ${d.outcome} (${d.reasons.join('; ')})`);
  exact('released', e.released, d.released);
  exact('withheld', e.withheld, d.withheld);
  const notReleased = (e.includes ?? []).filter((f) => !d.released.includes(f));
  if (notReleased.length) problems.push(`should be released but were not: ${notReleased.join(', ')}`);
  const leaked = (e.excludes ?? []).filter((f) => d.released.includes(f));
  if (leaked.length) problems.push(`should be withheld but were released: ${leaked.join(', ')}`);
  exact('rules', e.rules, rulesUsed);
  exact('agreements', e.agreements, d.agreements.map((a) => a.id));
  exact('relationships', e.relationships, d.relationships);
  if (e.breakGlassUsed !== undefined && e.breakGlassUsed !== d.breakGlassUsed) problems.push(`breakGlassUsed: expected ${e.breakGlassUsed}, got ${d.breakGlassUsed}`);
  return { test, decision: d, rulesUsed, problems, passed: problems.length === 0 };
}

/** Rules no passing test relies on by name: each rule needs at least one test showing it releases. */
export function uncoveredRules(policy: PolicySet, results: readonly PolicyTestResult[]): string[] {
  const named = new Set(results.filter((r) => r.passed).flatMap((r) => r.test.expect.rules ?? []));
  return policy.rules.map((r) => r.id).filter((id) => !named.has(id));
}

/** Loads policies/*.yaml and policies/tests/*.yaml and runs every test. */
export function runPolicyTests(policiesDir: string, testsDir = path.join(policiesDir, 'tests')): PolicyTestRun {
  const policy = loadPolicies(policiesDir);
  const evaluator = new PolicyEvaluator(policy);
  const results = loadPolicyTests(testsDir).map((t) => runPolicyTest(evaluator, t));
  return { versions: policy.versions, results, uncoveredRules: uncoveredRules(policy, results) };
}

/**
 * The lines a failure prints: where the test is, expected against actual outcome and fields,
 * each unmet expectation, and the evaluator's reasons.
 */
export function describeFailure(r: PolicyTestResult): string[] {
  const { test: t, decision: d } = r;
  const e = t.expect;
  const lines = [`at ${t.file}:${t.line}`, `outcome   expected ${e.outcome}, actual ${d.outcome}`];
  if (e.released) lines.push(`released  expected ${show(e.released)}`);
  if (e.includes) lines.push(`includes  expected ${show(e.includes)}`);
  if (e.excludes) lines.push(`excludes  expected ${show(e.excludes)}`);
  lines.push(`released  actual   ${show(d.released)}`);
  if (e.withheld) lines.push(`withheld  expected ${show(e.withheld)}`);
  lines.push(`withheld  actual   ${show(d.withheld)}`);
  lines.push(...r.problems.map((p) => `problem   ${p}`));
  lines.push(`reasons   ${show(d.reasons)}`, `rules     ${show(r.rulesUsed)}; relationships ${show(d.relationships)}; breakGlassUsed ${d.breakGlassUsed}`);
  return lines;
}
