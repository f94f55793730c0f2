/** PUT /cases/{crn} and assessment bodies for tests; override any member. */

/**
 * The organisation whose system creates a case managed by `managingOrg`: the NPS is the
 * allocating authority and creates CRC cases for the CRC (src/modules/cases/domain/case-allocation.ts);
 * the CRC then pushes updates and assessments itself.
 */
export function creatorOf(managingOrg: string): string {
  return managingOrg.startsWith('crc-') ? 'nps-north-east' : managingOrg;
}

export function caseBody(managingOrg: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    person: { givenName: 'Testy', familyName: 'McTestface', dateOfBirth: '1985-03-14', pncId: '2004/0012345A' },
    managingOrg,
    tier: 'B2',
    rosh: { overall: 'MEDIUM', children: 'LOW', public: 'MEDIUM', knownAdult: 'LOW', staff: 'LOW' },
    mappa: null,
    iom: null,
    licenceConditions: ['Reside at approved premises', 'Do not contact the victim'],
    restricted: false,
    ...over,
  };
}

const need = (severity: string, notes?: string) => ({
  severity,
  linkedToHarm: severity === 'SIGNIFICANT',
  linkedToReoffending: severity !== 'NONE',
  ...(notes ? { notes } : {}),
});

export function assessmentBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    completedAt: new Date(Date.now() - 7 * 86_400_000).toISOString(),
    assessor: 'PO Test Assessor',
    scores: { ogrs3TwoYear: 62, ogp: 48.5, ovp: 21, rsr: 3.2 },
    rosh: { overall: 'MEDIUM', children: 'LOW', public: 'MEDIUM', knownAdult: 'LOW', staff: 'LOW' },
    needs: {
      accommodation: need('SIGNIFICANT', 'No fixed abode since release'),
      educationTrainingEmployability: need('SOME'),
      finance: need('SOME'),
      relationships: need('NONE'),
      lifestyleAssociates: need('SIGNIFICANT', 'Associates with known offenders'),
      drugMisuse: need('SIGNIFICANT', 'Heroin use'),
      alcoholMisuse: need('NONE'),
      emotionalWellbeing: need('SOME'),
      thinkingBehaviour: need('SOME'),
      attitudes: need('NONE'),
    },
    riskManagementPlan: {
      summary: 'Weekly reporting; drug testing; curfew 19:00-07:00',
      actions: ['Refer to drug treatment', 'Joint home visit with IOM police'],
    },
    sensitive: { health: 'Hepatitis C, on treatment', victims: 'Former partner; restraining order in place' },
    ...over,
  };
}
