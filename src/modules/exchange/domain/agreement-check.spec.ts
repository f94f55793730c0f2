import { checkAgreement, type InForce, type NamedAgreement } from './agreement-check.js';

const scope = {
  agreementId: 'a-1',
  requester: 'police-cleveland',
  provider: 'nps-north-east',
  purpose: 'IOM' as const,
  categories: ['ROSH' as const, 'NEEDS' as const],
};
const inForce = (over: Partial<InForce> = {}): InForce => ({
  id: 'a-1',
  version: 3,
  dataCategories: ['ROSH', 'NEEDS'],
  specialCategoryConditions: {},
  retentionDays: 90,
  ...over,
});
const named = (over: Partial<NamedAgreement> = {}): NamedAgreement => ({
  id: 'a-1',
  status: 'ACTIVE',
  parties: [
    { org: 'nps-north-east', role: 'PROVIDER' },
    { org: 'police-cleveland', role: 'RECIPIENT' },
  ],
  purposes: ['IOM'],
  dataCategories: ['ROSH', 'NEEDS'],
  specialCategoryConditions: {},
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validTo: new Date('2027-01-01T00:00:00Z'),
  ...over,
});

describe(checkAgreement.name, () => {
  it('passes when the version in force covers every requested category', () => {
    expect(checkAgreement(null, inForce(), scope)).toEqual({
      ok: true,
      version: 3,
      retentionDays: 90,
      covered: ['ROSH', 'NEEDS'],
    });
  });

  it('names each category the version in force does not cover', () => {
    expect(
      checkAgreement(null, inForce({ dataCategories: ['ROSH'] }), { ...scope, categories: ['ROSH', 'NEEDS', 'MAPPA'] }),
    ).toEqual({
      ok: false,
      problems: [
        'agreement a-1 does not cover the data category NEEDS',
        'agreement a-1 does not cover the data category MAPPA',
      ],
    });
  });

  it('refuses a special category named without its condition', () => {
    const r = checkAgreement(
      null,
      inForce({ dataCategories: ['HEALTH'], specialCategoryConditions: { HEALTH: ' ' } }),
      { ...scope, categories: ['HEALTH'] },
    );
    expect(r).toEqual({
      ok: false,
      problems: ['agreement a-1 names the special category HEALTH without the condition relied on'],
    });
    expect(
      checkAgreement(
        null,
        inForce({ dataCategories: ['HEALTH'], specialCategoryConditions: { HEALTH: 'DPA 2018 Sch.8 para 1' } }),
        { ...scope, categories: ['HEALTH'] },
      ).ok,
    ).toBe(true);
  });

  it('explains, from the current terms, a provider or requester in the wrong role and a purpose not covered', () => {
    const r = checkAgreement(
      named({
        parties: [
          { org: 'nps-north-east', role: 'RECIPIENT' },
          { org: 'police-cleveland', role: 'PROVIDER' },
        ],
        purposes: ['MAPPA'],
      }),
      null,
      scope,
    );
    expect(r).toEqual({
      ok: false,
      problems: [
        'agreement a-1 does not name nps-north-east as a provider',
        'agreement a-1 does not name police-cleveland as a recipient',
        'agreement a-1 does not cover the purpose IOM',
      ],
    });
  });

  it('accepts BOTH as either role', () => {
    const r = checkAgreement(
      named({
        status: 'SUSPENDED',
        parties: [
          { org: 'nps-north-east', role: 'BOTH' },
          { org: 'police-cleveland', role: 'BOTH' },
        ],
      }),
      null,
      scope,
    );
    expect(r).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^agreement a-1 is not in force \(status SUSPENDED/)],
    });
  });

  it('describes an agreement the requester is not party to exactly as a missing one', () => {
    const notParty = checkAgreement(
      named({
        parties: [
          { org: 'nps-north-east', role: 'PROVIDER' },
          { org: 'police-durham', role: 'RECIPIENT' },
        ],
      }),
      null,
      scope,
    );
    expect(notParty).toEqual(checkAgreement(null, null, scope));
    expect(notParty).toEqual({
      ok: false,
      problems: ['agreement a-1 is not a data-sharing agreement to which police-cleveland is a party'],
    });
  });
});
