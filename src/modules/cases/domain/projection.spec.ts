import { NEED_AREAS, ogrs3Band, type Assessment, type CaseRecord } from './case.types.js';
import { project } from './projection.js';

const record: CaseRecord = {
  crn: 'X123456',
  managingOrg: 'nps-north-east',
  person: { givenName: 'Ann', familyName: 'Example', dateOfBirth: '1980-01-01', pncId: '2004/0012345A' },
  tier: 'A1',
  rosh: { overall: 'HIGH', children: 'LOW', public: 'HIGH', knownAdult: 'LOW', staff: 'LOW' },
  mappa: { category: 2, level: 3 },
  iom: null,
  licenceConditions: ['Curfew'],
  restricted: false,
  escalation: null,
  pendingTransfer: null,
  updatedAt: new Date(),
};
const need = { severity: 'SOME' as const, linkedToHarm: true, linkedToReoffending: false, notes: 'private note' };
const assessment: Assessment = {
  assessmentId: 'A1',
  completedAt: new Date('2026-01-02T03:04:05Z'),
  assessor: 'PO',
  authoredByOrg: 'nps-north-east',
  scores: { ogrs3TwoYear: 77, ogp: 40, ovp: 20, rsr: 4.1, algorithmVersion: 'OGRS3' },
  rosh: { overall: 'VERY_HIGH', children: 'HIGH', public: 'VERY_HIGH', knownAdult: 'LOW', staff: 'LOW' },
  needs: Object.fromEntries(NEED_AREAS.map((a) => [a, need])) as Assessment['needs'],
  riskManagementPlan: { summary: 'Plan', actions: ['Act'] },
  sensitive: { health: 'Diabetes', victims: 'Neighbour' },
};

describe('project', () => {
  it('releases nothing when nothing is allowed', () => {
    expect(project('case', record, assessment, new Set())).toEqual({});
  });

  it('gives a band without the raw score, and needs without notes in the summary', () => {
    const out = project(
      'summary',
      record,
      assessment,
      new Set(['scores.ogrs3Band', 'needs', 'needs.notes', 'mappa.level', 'sensitive.health']),
    );
    expect(out.scores).toEqual({ ogrs3Band: 'HIGH' });
    expect(out.mappa).toEqual({ level: 3 });
    expect((out.needs as Record<string, unknown>[])[0]).toEqual({
      area: 'accommodation',
      severity: 'SOME',
      linkedToHarm: true,
      linkedToReoffending: false,
    });
    // Sensitive data belongs to the case view only.
    expect(out).not.toHaveProperty('sensitive');
  });

  it('takes RoSH from the latest assessment and shows only released sensitive parts', () => {
    const out = project('case', record, assessment, new Set(['rosh', 'sensitive.victims', 'person.familyName']));
    expect(out).toEqual({
      rosh: assessment.rosh,
      sensitive: { victims: 'Neighbour' },
      person: { familyName: 'Example' },
    });
  });

  it.each([
    [49.99, 'LOW'],
    [50, 'MEDIUM'],
    [74.9, 'MEDIUM'],
    [75, 'HIGH'],
    [89.99, 'HIGH'],
    [90, 'VERY_HIGH'],
  ])('bands OGRS3 %p as %s', (pct, band) => {
    expect(ogrs3Band(pct)).toBe(band);
  });
});
