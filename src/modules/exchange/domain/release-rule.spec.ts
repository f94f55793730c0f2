import { planRelease, releasesEveryCategory } from './release-rule.js';

const agreement = { dataCategories: ['IDENTITY', 'ROSH', 'NEEDS', 'HEALTH'] as const, specialCategoryConditions: {} };

describe(planRelease.name, () => {
  it('on a data owner approval releases every field of the requested categories the agreement covers', () => {
    const { released, withheld } = planRelease({
      requested: ['ROSH', 'NEEDS'],
      agreement: { ...agreement, dataCategories: [...agreement.dataCategories] },
    });
    expect(released).toEqual(['rosh', 'needs', 'needs.notes']);
    expect(withheld).toContain('person.givenName');
    expect(withheld).toContain('tier');
  });

  it('never releases a requested category the agreement does not cover, nor a special one without its condition', () => {
    const { released } = planRelease({
      requested: ['ROSH', 'MAPPA', 'HEALTH'],
      agreement: { ...agreement, dataCategories: [...agreement.dataCategories] },
    });
    expect(released).toEqual(['rosh']);
    const withCondition = planRelease({
      requested: ['HEALTH'],
      agreement: { dataCategories: ['HEALTH'], specialCategoryConditions: { HEALTH: 'Sch.8 para 1' } },
    });
    expect(withCondition.released).toEqual(['sensitive.health']);
  });

  it('on an automatic approval releases only what the policies release, of what was requested', () => {
    const { released } = planRelease({
      requested: ['IDENTITY', 'NEEDS'],
      agreement: { ...agreement, dataCategories: [...agreement.dataCategories] },
      policyReleased: ['managingOrg', 'rosh', 'needs', 'tier'],
    });
    expect(released).toEqual(['managingOrg', 'needs']);
  });

  it('withholds everything it does not release, naming each field once', () => {
    const { released, withheld } = planRelease({
      requested: ['ROSH'],
      agreement: { dataCategories: ['ROSH'], specialCategoryConditions: {} },
    });
    expect(new Set([...released, ...withheld]).size).toBe(released.length + withheld.length);
    expect(withheld).toContain('sensitive.victims');
  });
});

describe(releasesEveryCategory.name, () => {
  it('is true only when each requested category has a released field', () => {
    expect(releasesEveryCategory(['ROSH', 'NEEDS'], ['rosh', 'needs'])).toBe(true);
    expect(releasesEveryCategory(['ROSH', 'IDENTITY'], ['rosh'])).toBe(false);
  });
});
