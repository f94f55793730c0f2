import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PolicyFileError } from '../domain/policy.js';
import { loadPolicies, parsePolicyFile } from './policy-loader.js';

// Line numbers in these texts are counted by hand: the assertions pin them.
const GOOD = [
  'policy: sample', //                        1
  'version: "1"', //                           2
  'rules:', //                                 3
  '  - id: sample.one', //                     4
  '    roles: [iom-officer]', //               5
  '    orgKinds: [POLICE]', //                 6
  '    purposes: [IOM]', //                    7
  '    relationship: iom-cohort', //           8
  '    fields: [rosh, person.*]', //           9
  '  - id: sample.two', //                     10
  '    roles:', //                             11
  '      - offender-manager', //               12
  '      - system', //                         13
  '    orgKinds: [NPS, CRC]', //               14
  '    purposes: [RISK_MANAGEMENT]', //        15
  '    relationship: manages', //              16
  '    views: [case]', //                      17
  '    fields: ["*"]', //                      18
];

/** GOOD with line n (1-based) replaced by `line`, or removed when `line` is null. */
function withLine(n: number, line: string | null): string {
  const lines = [...GOOD];
  if (line === null) lines.splice(n - 1, 1);
  else lines[n - 1] = line;
  return lines.join('\n') + '\n';
}

function errorOf(text: string, file = 'policies/bad.yaml'): PolicyFileError {
  try {
    parsePolicyFile(text, file);
  } catch (e) {
    if (e instanceof PolicyFileError) return e;
    throw e;
  }
  throw new Error('expected the file to be refused');
}

describe('parsePolicyFile', () => {
  it('reads a valid file, expanding field patterns and defaulting views to both', () => {
    const parsed = parsePolicyFile(GOOD.join('\n'), 'policies/sample.yaml');
    expect(parsed).toMatchObject({ name: 'sample', version: '1' });
    expect(parsed.rules.map((r) => [r.id, r.source, r.views])).toEqual([
      ['sample.one', 'policies/sample.yaml:4', ['summary', 'case']],
      ['sample.two', 'policies/sample.yaml:10', ['case']],
    ]);
    expect(parsed.rules[0].fields).toEqual(['rosh', 'person.givenName', 'person.familyName', 'person.dateOfBirth', 'person.pncId']);
    expect(parsed.rules[1].fields).toContain('sensitive.victims');
  });

  it.each([
    ['invalid YAML (an unclosed flow list)', withLine(9, '    fields: [rosh, person.*'), 10, /invalid YAML/],
    ['invalid YAML (a tab for indentation)', withLine(16, '\trelationship: manages'), 16, /invalid YAML/],
    ['a duplicate key inside a rule', withLine(17, '    relationship: manages'), 17, /invalid YAML: Map keys must be unique/],
    ['an unknown top-level key', withLine(2, 'versoin: "1"'), 2, /unknown key "versoin"/],
    ['an unknown rule key with a scalar value', withLine(17, '    view: [case]'), 17, /unknown key "view" in rule/],
    ['an unknown rule key whose value is a block list', withLine(11, '    role:'), 11, /unknown key "role" in rule/],
    ['an unknown role in a flow list', withLine(5, '    roles: [iom-officer, detective]'), 5, /rule sample.one: unknown role "detective"/],
    ['an unknown role in a block list', withLine(13, '      - sytsem'), 13, /rule sample.two: unknown role "sytsem"/],
    ['an unknown organisation kind', withLine(14, '    orgKinds: [NPS, PROBATION]'), 14, /unknown orgKind "PROBATION"/],
    ['an unknown purpose', withLine(7, '    purposes: [IOM, CURIOSITY]'), 7, /unknown purpose "CURIOSITY"/],
    ['an unknown field', withLine(9, '    fields: [rosh, sensitive.address]'), 9, /rule sample.one: unknown field "sensitive.address"/],
    ['a field pattern matching nothing', withLine(9, '    fields: [rosh, address.*]'), 9, /unknown field "address.\*"/],
    ['an unknown relationship', withLine(8, '    relationship: friend-of-the-force'), 8, /rule sample.one: relationship must be one of manages, iom-cohort/],
    ['an unknown view', withLine(17, '    views: [full]'), 17, /unknown view "full"/],
    ['a duplicate rule id', withLine(10, '  - id: sample.one'), 10, /duplicate rule id "sample.one"/],
    ['a rule id that is not a lowercase dotted name', withLine(10, '  - id: Sample Two'), 10, /rule id must be a lowercase dotted name/],
    ['a missing relationship (points at the rule)', withLine(8, null), 4, /rule sample.one: relationship must be one of/],
    ['empty rules', 'policy: sample\nversion: 1\nrules: []\n', 3, /rules must be a non-empty list/],
  ])('refuses %s, naming file and line', (_what, text, line, message) => {
    const e = errorOf(text);
    expect(e.file).toBe('policies/bad.yaml');
    expect(e.line).toBe(line);
    expect(e.message).toMatch(new RegExp(`^policies/bad\\.yaml:${line}: `));
    expect(e.message).toMatch(message);
  });

  it('refuses a file that is not a mapping', () => {
    expect(errorOf('- just\n- a list\n').message).toMatch(/^policies\/bad\.yaml:1: a policy file must be a mapping/);
  });
});

describe('loadPolicies', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'policies-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the default policies of the repository', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../policies');
    const set = loadPolicies(root);
    expect(set.versions).toEqual([expect.stringMatching(/^default@/)]);
    expect(set.rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(['own.full-record', 'police.iom.summary', 'police.iom.sensitive', 'mappa.coordination', 'transfer.receiving-view', 'nps.escalation-review', 'emergency.break-glass']),
    );
  });

  it('merges every *.yaml of the folder and ignores other files and folders', () => {
    writeFileSync(path.join(dir, 'a.yaml'), GOOD.join('\n'));
    writeFileSync(path.join(dir, 'b.yaml'), GOOD.join('\n').replace('policy: sample', 'policy: other').replace(/sample\./g, 'other.'));
    writeFileSync(path.join(dir, 'notes.md'), 'not a policy');
    expect(loadPolicies(dir)).toMatchObject({ versions: ['sample@1', 'other@1'] });
    expect(loadPolicies(dir).rules).toHaveLength(4);
  });

  it('refuses a rule id already defined in another file, naming the second file and line', () => {
    writeFileSync(path.join(dir, 'a.yaml'), GOOD.join('\n'));
    writeFileSync(path.join(dir, 'b.yaml'), GOOD.join('\n').replace('policy: sample', 'policy: other').replace('sample.two', 'other.two'));
    expect(() => loadPolicies(dir)).toThrow(`${path.basename(dir)}/b.yaml:4: rule id "sample.one" is already defined in another file`);
  });

  it('refuses a bad file by name among good ones', () => {
    writeFileSync(path.join(dir, 'a.yaml'), GOOD.join('\n'));
    writeFileSync(path.join(dir, 'z.yaml'), withLine(5, '    roles: [constable]'));
    expect(() => loadPolicies(dir)).toThrow(`${path.basename(dir)}/z.yaml:5: rule sample.one: unknown role "constable"`);
  });

  it('refuses a folder with no policy files', () => {
    expect(() => loadPolicies(dir)).toThrow(/no policy files/);
  });
});
