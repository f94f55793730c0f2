import { checkTerms } from './agreement-rules.js';
import type { AgreementTerms } from './agreement-terms.js';

const NOW = new Date('2026-06-01T00:00:00Z');

function terms(over: Partial<AgreementTerms> = {}): AgreementTerms {
  return {
    title: 'MAPPA sharing',
    parties: [
      { org: 'nps-north-east', role: 'BOTH', controller: true },
      { org: 'police-cleveland', role: 'BOTH', controller: true },
    ],
    purposes: ['MAPPA'],
    dataCategories: ['IDENTITY', 'MAPPA'],
    lawfulBasis: ['Criminal Justice Act 2003 s.325'],
    lawfulBasisByPurpose: {},
    specialCategoryConditions: {},
    retentionDays: 365,
    securityMeasures: [],
    validFrom: new Date('2026-01-01T00:00:00Z'),
    validTo: new Date('2027-01-01T00:00:00Z'),
    reviewBy: new Date('2026-09-01T00:00:00Z'),
    reviewIntervalMonths: null,
    dpiaReference: null,
    contacts: [],
    termination: null,
    ...over,
  };
}

const fields = (t: AgreementTerms) => checkTerms(t, NOW).map((e) => e.field);

describe(checkTerms.name, () => {
  it('accepts coherent terms', () => {
    expect(checkTerms(terms(), NOW)).toEqual([]);
  });

  it.each(['HEALTH', 'VICTIMS'] as const)('requires a condition for the special category %s', (c) => {
    expect(fields(terms({ dataCategories: ['IDENTITY', c] }))).toEqual([`specialCategoryConditions.${c}`]);
    expect(fields(terms({ dataCategories: ['IDENTITY', c], specialCategoryConditions: { [c]: '   ' } }))).toEqual([
      `specialCategoryConditions.${c}`,
    ]);
    expect(
      fields(
        terms({
          dataCategories: ['IDENTITY', c],
          specialCategoryConditions: { [c]: 'Criminal Justice Act 2003 s.325' },
        }),
      ),
    ).toEqual([]);
  });

  it('refuses a condition for a category the agreement does not include', () => {
    expect(fields(terms({ specialCategoryConditions: { HEALTH: 'DPA 2018 Sch.8 para 1' } }))).toEqual([
      'specialCategoryConditions.HEALTH',
    ]);
  });

  it('requires validFrom < validTo, validTo in the future and reviewBy within validity', () => {
    expect(fields(terms({ validFrom: new Date('2027-01-01T00:00:00Z') }))).toContain('validTo');
    expect(
      fields(terms({ validTo: new Date('2026-05-01T00:00:00Z'), reviewBy: new Date('2026-02-01T00:00:00Z') })),
    ).toEqual(['validTo']);
    expect(fields(terms({ reviewBy: new Date('2027-02-01T00:00:00Z') }))).toEqual(['reviewBy']);
  });

  it('requires the first review within one review interval of validFrom', () => {
    // validFrom 2026-01-01, reviewBy 2026-09-01: eight months.
    expect(fields(terms({ reviewIntervalMonths: 8 }))).toEqual([]);
    expect(fields(terms({ reviewIntervalMonths: 6 }))).toEqual(['reviewBy']);
  });

  it('requires distinct parties, with a provider and a different recipient', () => {
    const p = (org: string, role: 'PROVIDER' | 'RECIPIENT' | 'BOTH') => ({ org, role, controller: true });
    expect(fields(terms({ parties: [p('nps-north-east', 'BOTH'), p('nps-north-east', 'BOTH')] }))).toEqual([
      'parties[1].org',
      'parties',
    ]);
    expect(fields(terms({ parties: [p('nps-north-east', 'PROVIDER'), p('crc-northumbria', 'PROVIDER')] }))).toEqual([
      'parties',
    ]);
    expect(fields(terms({ parties: [p('nps-north-east', 'PROVIDER'), p('crc-northumbria', 'RECIPIENT')] }))).toEqual(
      [],
    );
  });

  it('refuses a lawful basis for a purpose the agreement does not serve, and contacts of non-parties', () => {
    expect(fields(terms({ lawfulBasisByPurpose: { IOM: ['Crime and Disorder Act 1998 s.115'] } }))).toEqual([
      'lawfulBasisByPurpose.IOM',
    ]);
    expect(
      fields(terms({ contacts: [{ org: 'police-durham', name: 'X', email: 'x@example.org', role: null }] })),
    ).toEqual(['contacts[0].org']);
  });
});
