import { DEMO_SEED, pickExamples } from './demo-cases.js';
import { generateCases } from './synthetic/index.js';

describe(pickExamples.name, () => {
  // The README points at these: the default demo data set (300 cases) must hold every kind.
  const cases = [...generateCases(300, { seed: DEMO_SEED })];
  const byCrn = new Map(cases.map((c) => [c.crn, c]));
  const examples = pickExamples(cases);

  it('finds every kind of example in the 300 demo cases', () => {
    expect(Object.keys(examples)).toEqual([
      'iomClevelandNps',
      'iomClevelandCrc',
      'iomClevelandSensitive',
      'iomDurham',
      'crcCase',
      'npsHighRosh',
      'mappa',
      'restricted',
    ]);
  });

  it('picks cases that have the property their name promises', () => {
    const c = (k: string) => byCrn.get(examples[k].crn)!.body;
    expect(c('iomClevelandNps')).toMatchObject({
      managingOrg: 'nps-north-east',
      iom: { cohort: true, force: 'cleveland' },
      restricted: false,
    });
    expect(c('iomClevelandCrc')).toMatchObject({
      managingOrg: 'crc-durham-tees-valley',
      iom: { cohort: true, force: 'cleveland' },
      restricted: false,
    });
    expect(byCrn.get(examples.iomClevelandSensitive.crn)!.assessments.at(-1)!.body.sensitive).toBeDefined();
    expect(c('iomDurham').iom).toEqual({ cohort: true, force: 'durham' });
    expect(c('crcCase')).toMatchObject({ managingOrg: 'crc-durham-tees-valley', iom: null, restricted: false });
    expect(['HIGH', 'VERY_HIGH']).toContain(c('npsHighRosh').rosh.overall);
    expect(c('mappa').mappa).not.toBeNull();
    expect(c('restricted').restricted).toBe(true);
    for (const e of Object.values(examples)) expect(e.managingOrg).toBe(byCrn.get(e.crn)!.body.managingOrg);
  });
});
