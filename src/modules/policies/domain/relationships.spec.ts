import { forceOf, relationshipsOf, type ActorFacts, type CaseFacts } from './relationships.js';

const actor = (over: Partial<ActorFacts> = {}): ActorFacts => ({ org: 'police-cleveland', orgKind: 'POLICE', roles: ['iom-officer'], attrs: {}, breakGlass: false, ...over });
const aCase = (over: Partial<CaseFacts> = {}): CaseFacts => ({
  crn: 'X123456',
  managingOrg: 'nps-north-east',
  managingOrgKind: 'NPS',
  managingOrgRegion: 'north-east',
  restricted: false,
  iom: null,
  mappa: null,
  transferParties: [],
  escalated: false,
  ...over,
});

describe('forceOf', () => {
  it('is the force named by a police organisation id', () => {
    expect(forceOf(actor())).toBe('cleveland');
  });

  it('accepts a token whose attrs.force agrees with the organisation', () => {
    expect(forceOf(actor({ attrs: { force: 'cleveland' } }))).toBe('cleveland');
  });

  it.each([
    ['another force', 'durham'],
    ['a differently written force', 'Cleveland'],
    ['a list of forces', ['cleveland', 'durham']],
    ['an empty string', ''],
  ])('speaks for no force when attrs.force claims %s', (_what, force) => {
    expect(forceOf(actor({ attrs: { force } }))).toBeNull();
  });

  it('is null for organisations that are not police forces, whatever they claim', () => {
    expect(forceOf(actor({ org: 'crc-durham-tees-valley', orgKind: 'CRC', attrs: { force: 'cleveland' } }))).toBeNull();
    expect(forceOf(actor({ org: 'nps-north-east', orgKind: 'NPS' }))).toBeNull();
  });

  it('is null for a police organisation whose id does not name a force', () => {
    expect(forceOf(actor({ org: 'cleveland-constabulary', attrs: { force: 'cleveland' } }))).toBeNull();
  });
});

describe('relationshipsOf', () => {
  const cohort = (force: string) => aCase({ iom: { cohort: true, force } });

  it('puts a case in the cohort of its own force only', () => {
    expect([...relationshipsOf(actor(), cohort('cleveland'))]).toEqual(['iom-cohort']);
    expect([...relationshipsOf(actor({ org: 'police-durham' }), cohort('cleveland'))]).toEqual([]);
  });

  it('lets no police organisation claim another force via attrs.force', () => {
    const claimsDurham = actor({ attrs: { force: 'durham' } });
    expect(relationshipsOf(claimsDurham, cohort('durham')).has('iom-cohort')).toBe(false);
    expect(relationshipsOf(claimsDurham, cohort('cleveland')).has('iom-cohort')).toBe(false);
  });

  it('needs the case to be in the cohort, not merely tagged with the force', () => {
    expect(relationshipsOf(actor(), aCase({ iom: { cohort: false, force: 'cleveland' } })).size).toBe(0);
  });

  it('gives manages to the managing organisation and never makes it a transfer party of its own case', () => {
    const nps = actor({ org: 'nps-north-east', orgKind: 'NPS', roles: ['offender-manager'] });
    expect([...relationshipsOf(nps, aCase({ transferParties: ['nps-north-east', 'crc-durham-tees-valley'] }))]).toEqual(['manages']);
  });

  it('makes the other side of a pending transfer a transfer party', () => {
    const crc = actor({ org: 'crc-durham-tees-valley', orgKind: 'CRC', roles: ['offender-manager'] });
    expect([...relationshipsOf(crc, aCase({ transferParties: ['nps-north-east', 'crc-durham-tees-valley'] }))]).toEqual(['transfer-party']);
    expect(relationshipsOf(crc, aCase()).size).toBe(0);
  });

  it('ties MAPPA coordinators to MAPPA-managed cases only', () => {
    const coordinator = actor({ org: 'police-durham', roles: ['mappa-coordinator'] });
    expect([...relationshipsOf(coordinator, aCase({ mappa: { category: 1, level: 2 } }))]).toEqual(['mappa']);
    expect(relationshipsOf(coordinator, aCase()).size).toBe(0);
    expect(relationshipsOf(actor(), aCase({ mappa: { category: 1, level: 2 } })).has('mappa')).toBe(false);
  });

  it('opens an escalated CRC case to the NPS of the same region only', () => {
    const escalated = aCase({ managingOrg: 'crc-durham-tees-valley', managingOrgKind: 'CRC', escalated: true });
    const nps = (orgRegion: string) => actor({ org: 'nps-x', orgKind: 'NPS', orgRegion, roles: ['offender-manager'] });
    expect([...relationshipsOf(nps('north-east'), escalated)]).toEqual(['escalation']);
    expect(relationshipsOf(nps('yorkshire'), escalated).size).toBe(0);
    expect(relationshipsOf(actor({ org: 'crc-northumbria', orgKind: 'CRC', orgRegion: 'north-east', roles: ['offender-manager'] }), escalated).size).toBe(0);
    expect(relationshipsOf(nps('north-east'), { ...escalated, escalated: false }).size).toBe(0);
  });

  it('grants break-glass to probation actors who ask for it, never to police', () => {
    expect([...relationshipsOf(actor({ org: 'crc-northumbria', orgKind: 'CRC', roles: ['offender-manager'], breakGlass: true }), aCase())]).toEqual(['break-glass']);
    expect(relationshipsOf(actor({ org: 'nps-yorkshire', orgKind: 'NPS', roles: ['offender-manager'] }), aCase()).size).toBe(0);
    expect(relationshipsOf(actor({ breakGlass: true }), aCase()).size).toBe(0);
  });
});
