import type { Principal } from '@shared/auth/principal.js';
import type { ReadDecision } from '@modules/policies/index.js';
import type { CaseAccess } from '../../case-access.service.js';
import type { CaseRepository, LoadedCase } from '../../domain/case.repository.port.js';
import type { Assessment, CaseRecord } from '../../domain/case.types.js';
import { ListCohortHandler } from './list-cohort.handler.js';
import { ListCohortQuery } from './list-cohort.query.js';

const principal: Principal = {
  org: 'police-cleveland',
  orgKind: 'POLICE',
  sub: 'user:pc-1',
  roles: ['iom-officer'],
  claimedRoles: ['iom-officer'],
  attrs: { force: 'cleveland' },
  reason: 'IOM tasking',
  breakGlass: false,
  jti: 'jti-1',
  requestId: 'req-1',
};

const rosh = { overall: 'HIGH', children: 'LOW', public: 'HIGH', knownAdult: 'LOW', staff: 'LOW' } as const;
const loaded = (crn: string, assessed: boolean): LoadedCase => ({
  record: {
    crn,
    managingOrg: 'nps-north-east',
    rosh: { ...rosh, overall: 'LOW' },
    restricted: false,
  } as unknown as CaseRecord,
  assessment: assessed ? ({ completedAt: new Date('2026-11-05T10:00:00Z'), rosh } as unknown as Assessment) : null,
});

function makeSut(members: [LoadedCase, Partial<ReadDecision>][]) {
  const appended: Record<string, unknown>[] = [];
  const cases = { listIomCohort: () => Promise.resolve(members.map(([m]) => m)) } as unknown as CaseRepository;
  const byCrn = new Map(members.map(([m, d]) => [m.record.crn, d]));
  const access = {
    actorFacts: () =>
      Promise.resolve({ org: 'police-cleveland', orgKind: 'POLICE', roles: [], attrs: {}, breakGlass: false }),
    canReadCases: () => true,
    lookUpAsIfDeciding: () => Promise.resolve(),
    decideOn: (_a: unknown, r: CaseRecord) =>
      Promise.resolve({
        outcome: 'allow',
        reasons: ['rule:x'],
        fields: [],
        released: [],
        withheld: [],
        agreements: [],
        relationships: [],
        breakGlassUsed: false,
        ...byCrn.get(r.crn),
      }),
    log: {
      append: (e: Record<string, unknown>) => {
        appended.push(e);
        return Promise.resolve({ index: 1, leafHash: 'x', timestamp: 't' });
      },
    },
  } as unknown as CaseAccess;
  return { sut: new ListCohortHandler(cases, access), appended };
}

describe(ListCohortHandler.name, () => {
  it('shows the latest assessment’s overall RoSH and its date only where released, and names what it withheld', async () => {
    const { sut, appended } = makeSut([
      [loaded('X000001', true), { released: ['rosh', 'assessedAt', 'tier'] }],
      [loaded('X000002', true), { released: ['assessedAt'] }],
      [loaded('X000003', false), { released: ['rosh', 'assessedAt'] }],
      [loaded('X000004', true), { outcome: 'not_found', released: [] }],
      [loaded('X000005', true), { outcome: 'forbidden', released: [] }],
    ]);
    const res = await sut.execute(new ListCohortQuery(principal, 'cleveland', 'IOM'));
    expect(res.members).toEqual([
      {
        crn: 'X000001',
        managingOrg: 'nps-north-east',
        maySeeSummary: true,
        roshLevel: 'HIGH',
        assessedAt: '2026-11-05T10:00:00.000Z',
        fieldsWithheld: [],
      },
      {
        crn: 'X000002',
        managingOrg: 'nps-north-east',
        maySeeSummary: true,
        assessedAt: '2026-11-05T10:00:00.000Z',
        fieldsWithheld: ['rosh'],
      },
      {
        crn: 'X000003',
        managingOrg: 'nps-north-east',
        maySeeSummary: true,
        roshLevel: 'LOW',
        assessedAt: null,
        fieldsWithheld: [],
      },
      // X000004 and X000005: any decision but "allow" leaves the member out, as if unknown.
    ]);
    expect(appended.map((e) => [e.crn, e.fieldsReleased])).toEqual([
      ['X000001', ['crn', 'managingOrg', 'rosh', 'assessedAt']],
      ['X000002', ['crn', 'managingOrg', 'assessedAt']],
      ['X000003', ['crn', 'managingOrg', 'rosh', 'assessedAt']],
    ]);
    expect(appended.every((e) => e.action === 'cohort.list')).toBe(true);
  });
});
