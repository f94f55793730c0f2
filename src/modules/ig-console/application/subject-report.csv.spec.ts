import type { SubjectAccess } from '@modules/access-log/index.js';
import { subjectReportCsv } from './subject-report.csv.js';

const access = (over: Partial<SubjectAccess> = {}): SubjectAccess => ({
  index: 7,
  timestamp: '2026-01-05T09:00:00.000Z',
  org: 'police-cleveland',
  actor: 'user:pc-1',
  roles: ['iom-officer'],
  action: 'case.summary',
  purpose: 'IOM',
  reason: 'IOM panel',
  agreement: { id: 'a1', version: 2 },
  decision: 'ALLOW',
  reasons: ['rule:x', 'agreement:a1@v2'],
  fieldsReleased: ['tier', 'rosh'],
  fieldsWithheld: [],
  recipientOrg: 'police-cleveland',
  breakGlass: false,
  ...over,
});

describe('subjectReportCsv', () => {
  it('writes one RFC 4180 row per access under a header', () => {
    const lines = subjectReportCsv([access()]).split('\r\n');
    expect(lines[1]).toBe(
      '7,2026-01-05T09:00:00.000Z,police-cleveland,user:pc-1,iom-officer,case.summary,IOM,IOM panel,a1@v2,ALLOW,rule:x; agreement:a1@v2,tier rosh,,police-cleveland,no',
    );
  });

  it('quotes commas and quotes, and defuses spreadsheet formulas in free text', () => {
    const line = subjectReportCsv([access({ reason: '=HYPERLINK("http://x")' }), access({ reason: 'a, "b"' })]).split(
      '\r\n',
    );
    expect(line[1]).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(line[2]).toContain('"a, ""b"""');
  });
});
