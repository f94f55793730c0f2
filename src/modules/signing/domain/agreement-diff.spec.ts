import { describeChanges, type ReadableTerms } from './agreement-diff.js';

const v1: ReadableTerms = {
  title: 'IOM agreement',
  parties: [
    { org: 'nps-north-east', role: 'PROVIDER', controller: true },
    { org: 'police-cleveland', role: 'RECIPIENT', controller: true },
  ],
  purposes: ['IOM'],
  dataCategories: ['IDENTITY', 'ROSH'],
  lawfulBasis: ['Crime and Disorder Act 1998 s.115'],
  retentionDays: 730,
  validFrom: '2026-01-01T00:00:00Z',
  validTo: '2027-01-01T00:00:00Z',
  reviewBy: '2026-07-01T00:00:00Z',
  dpiaReference: null,
  securityMeasures: [],
};
const names = (id: string) =>
  ({ 'nps-north-east': 'NPS North East', 'police-cleveland': 'Cleveland Police' })[id] ?? id;

describe('describeChanges', () => {
  it('says nothing when nothing a signatory reads changed', () => {
    expect(describeChanges(v1, { ...v1 }, names)).toEqual([]);
  });

  it('says each change in words, with names and plain category names', () => {
    const v2: ReadableTerms = {
      ...v1,
      parties: [...v1.parties, { org: 'police-durham', role: 'RECIPIENT', controller: false }],
      dataCategories: ['IDENTITY', 'NEEDS'],
      retentionDays: 365,
      reviewBy: '2026-10-01T00:00:00Z',
      dpiaReference: 'DPIA-7',
    };
    expect(describeChanges(v1, v2, names)).toEqual([
      'Parties added: police-durham as recipient.',
      'Data categories added: Criminogenic needs.',
      'Data categories removed: Risk of serious harm (RoSH) levels.',
      'Retention changed from 730 to 365 days.',
      'Review date changed from 1 July 2026 to 1 October 2026.',
      'DPIA reference changed from none to DPIA-7.',
    ]);
  });

  it('names the time where a date moved within the same day', () => {
    expect(describeChanges(v1, { ...v1, validFrom: '2026-01-01T09:30:00Z' }, names)).toEqual([
      'Start date changed from 1 January 2026 at 00:00 to 1 January 2026 at 09:30.',
    ]);
  });
});
