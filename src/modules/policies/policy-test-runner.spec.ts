import { PolicyEvaluator } from './domain/evaluator.js';
import { PolicyFileError } from './domain/policy.js';
import { parsePolicyFile } from './infrastructure/policy-loader.js';
import { describeFailure, parsePolicyTestFile, runPolicyTest, uncoveredRules } from './policy-test-runner.js';

const POLICY = `
policy: sample
version: 1
rules:
  - id: iom.bands
    roles: [iom-officer]
    orgKinds: [POLICE]
    purposes: [IOM]
    relationship: iom-cohort
    fields: [rosh, scores.ogrs3Band]
  - id: unused.rule
    roles: [system]
    orgKinds: [NPS]
    purposes: [IOM]
    relationship: manages
    fields: [tier]
`;
const parsed = parsePolicyFile(POLICY, 'sample.yaml');
const policy = { versions: ['sample@1'], rules: parsed.rules };
const evaluator = new PolicyEvaluator(policy);

const HEAD = `
actors:
  officer: { org: police-cleveland, orgKind: POLICE, roles: [iom-officer] }
cases:
  cohort: { managingOrg: nps-north-east, managingOrgKind: NPS, iom: { cohort: true, force: cleveland } }
agreements:
  rosh-only: { id: dsa-1, version: 2, dataCategories: [ROSH] }
tests:
`;

/** One test on top of HEAD; `test` is the YAML of the list item without its leading "  - ". */
const fileWith = (...tests: string[]): string => HEAD + tests.map((t) => `  - ${t.trim().replace(/\n/g, '\n    ')}\n`).join('');

function errorOf(text: string): PolicyFileError {
  try {
    parsePolicyTestFile(text, 'policies/tests/t.yaml');
  } catch (e) {
    if (e instanceof PolicyFileError) return e;
    throw e;
  }
  throw new Error('expected the test file to be refused');
}

const summaryTest = (expect: string, over = '') => `
name: officer summary
actor: officer
case: cohort
purpose: IOM
view: summary
agreements: [rosh-only]
${over}expect: ${expect}`;

describe('parsePolicyTestFile', () => {
  it('resolves fixtures, `like` overrides and defaults', () => {
    const [t] = parsePolicyTestFile(
      fileWith(`
name: a test
actor: { like: officer, attrs: { force: durham }, breakGlass: true }
case: { like: cohort, restricted: true }
purpose: IOM
view: case
agreements: [rosh-only, { id: dsa-2, dataCategories: [VICTIMS], specialCategoryConditions: { VICTIMS: "why" } }]
expect: { outcome: allow, released: [person.*, rosh], excludes: ["*"] }`),
      'policies/tests/t.yaml',
    );
    expect(t).toMatchObject({
      file: 'policies/tests/t.yaml',
      line: 9,
      actor: { org: 'police-cleveland', orgKind: 'POLICE', roles: ['iom-officer'], attrs: { force: 'durham' }, breakGlass: true },
      case: { crn: 'X123456', managingOrg: 'nps-north-east', restricted: true, iom: { cohort: true, force: 'cleveland' }, mappa: null, transferParties: [], escalated: false },
      agreements: [
        { id: 'dsa-1', version: 2, dataCategories: ['ROSH'], specialCategoryConditions: {} },
        { id: 'dsa-2', version: 1, dataCategories: ['VICTIMS'], specialCategoryConditions: { VICTIMS: 'why' } },
      ],
    });
    expect(t.expect.released).toEqual(['person.givenName', 'person.familyName', 'person.dateOfBirth', 'person.pncId', 'rosh']);
    expect(t.expect.excludes).toHaveLength(23);
  });

  it('expands patterns to the fields of the view only', () => {
    const [t] = parsePolicyTestFile(fileWith(summaryTest('{ outcome: allow, excludes: [person.*, "*"] }')), 'x');
    expect(t.expect.excludes).not.toContain('person.givenName');
    expect(t.expect.excludes).not.toContain('sensitive.health');
    expect(t.expect.excludes).toContain('scores.ogp');
  });

  it.each([
    ['an unknown key in expect', summaryTest('\n  outcome: allow\n  exclude: [rosh]'), 17, /unknown key "exclude" in expect/],
    ['an unknown field', summaryTest('{ outcome: allow, includes: [rosh, scores.ogrs4] }'), 15, /unknown field "scores.ogrs4"/],
    ['an unknown outcome', summaryTest('{ outcome: maybe }'), 15, /"maybe" is not one of allow, not_found, forbidden/],
    ['an unknown actor fixture', summaryTest('{ outcome: allow }').replace('actor: officer', 'actor: constable'), 10, /no actor named "constable"/],
    ['an unknown agreement fixture', summaryTest('{ outcome: allow }').replace('[rosh-only]', '[rosh-only, health]'), 14, /no agreement named "health"/],
    ['an unknown role', summaryTest('{ outcome: allow }').replace('actor: officer', 'actor: { like: officer, roles: [detective] }'), 10, /"detective" is not one of/],
    ['a bad CRN', summaryTest('{ outcome: allow }').replace('case: cohort', 'case: { like: cohort, crn: "123" }'), 11, /crn must be one capital letter and six digits/],
    ['a missing purpose', summaryTest('{ outcome: allow }').replace('purpose: IOM\n', ''), 9, /a test needs purpose/],
    ['a field both included and excluded', summaryTest('{ outcome: allow, includes: [rosh], excludes: [rosh] }'), 15, /rosh both included and excluded/],
  ])('refuses %s, naming file and line', (_what, test, line, message) => {
    const e = errorOf(fileWith(test));
    expect(e.message).toMatch(new RegExp(`^policies/tests/t\\.yaml:${line}: `));
    expect(e.message).toMatch(message);
  });

  it('refuses two tests with one name', () => {
    const e = errorOf(fileWith(summaryTest('{ outcome: allow }'), summaryTest('{ outcome: allow }')));
    expect(e.message).toMatch(/^policies\/tests\/t\.yaml:16: duplicate test name "officer summary"/);
  });

  it('refuses invalid YAML at its line', () => {
    expect(errorOf(fileWith(summaryTest('{ outcome: allow'))).message).toMatch(/^policies\/tests\/t\.yaml:16: invalid YAML/);
  });
});

describe('runPolicyTest', () => {
  const run = (expect: string) => runPolicyTest(evaluator, parsePolicyTestFile(fileWith(summaryTest(expect)), 'policies/tests/t.yaml')[0]);

  it('passes when every stated expectation holds', () => {
    const r = run('{ outcome: allow, released: [rosh], includes: [rosh], excludes: [scores.ogrs3Band], rules: [iom.bands], agreements: [dsa-1], relationships: [iom-cohort], breakGlassUsed: false }');
    expect(r.problems).toEqual([]);
    expect(r.passed).toBe(true);
  });

  it('names each unmet expectation', () => {
    const r = run('{ outcome: forbidden, released: [scores.ogrs3Band], includes: [scores.ogrs3Band], excludes: [rosh], rules: [unused.rule], agreements: [], relationships: [mappa], breakGlassUsed: true }');
    expect(r.passed).toBe(false);
    expect(r.problems).toEqual([
      expect.stringMatching(/^outcome: expected forbidden, got allow \(rule:iom.bands/),
      'released: missing scores.ogrs3Band; unexpected rosh',
      'should be released but were not: scores.ogrs3Band',
      'should be withheld but were released: rosh',
      'rules: missing unused.rule; unexpected iom.bands',
      'agreements: unexpected dsa-1',
      'relationships: missing mappa; unexpected iom-cohort',
      'breakGlassUsed: expected true, got false',
    ]);
  });

  it('prints where the test is, expected and actual outcome and fields', () => {
    const lines = describeFailure(run('{ outcome: allow, released: [scores.ogrs3Band] }'));
    expect(lines[0]).toBe('at policies/tests/t.yaml:9');
    expect(lines).toEqual(
      expect.arrayContaining([
        'outcome   expected allow, actual allow',
        'released  expected scores.ogrs3Band',
        'released  actual   rosh',
        expect.stringMatching(/^withheld {2}actual {3}managingOrg, tier, .*scores\.ogrs3Band/),
        'problem   released: missing scores.ogrs3Band; unexpected rosh',
      ]),
    );
  });

  it('counts a rule as covered only when a passing test names it', () => {
    const passing = run('{ outcome: allow, rules: [iom.bands] }');
    const failing = run('{ outcome: forbidden, rules: [unused.rule] }');
    expect(uncoveredRules(policy, [passing, failing])).toEqual(['unused.rule']);
  });
});
