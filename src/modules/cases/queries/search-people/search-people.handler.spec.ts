import type { Principal } from '@shared/auth/principal.js';
import { UnavailableException } from '@shared/errors/index.js';
import type { ReadDecision } from '@modules/policies/index.js';
import type { CaseAccess } from '../../case-access.service.js';
import type { CaseRepository } from '../../domain/case.repository.port.js';
import type { CaseRecord } from '../../domain/case.types.js';
import { SearchPeopleHandler } from './search-people.handler.js';
import { SearchPeopleQuery } from './search-people.query.js';

const principal = (over: Partial<Principal> = {}): Principal => ({
  org: 'police-cleveland',
  orgKind: 'POLICE',
  sub: 'user:pc-1',
  roles: ['iom-officer'],
  claimedRoles: ['iom-officer'],
  attrs: { force: 'cleveland' },
  reason: 'IOM tasking',
  breakGlass: true,
  jti: 'jti-1',
  requestId: 'req-1',
  ...over,
});

const record = (crn: string, managingOrg = 'nps-north-east'): CaseRecord =>
  ({ crn, managingOrg, restricted: false }) as CaseRecord;

const decision = (outcome: ReadDecision['outcome']): ReadDecision => ({
  outcome,
  reasons: [`outcome:${outcome}`],
  fields: [],
  released: outcome === 'allow' ? ['tier'] : [],
  withheld: [],
  agreements: outcome === 'allow' ? [{ id: 'agr-1', version: 2 }] : [],
  relationships: [],
  breakGlassUsed: false,
});

function makeSut(
  outcomes: Record<string, ReadDecision['outcome']>,
  opts: { canRead?: boolean; logFails?: boolean } = {},
) {
  const appended: Record<string, unknown>[] = [];
  const decidedWith: unknown[] = [];
  const cases = {
    findPeople: () => Promise.resolve(Object.keys(outcomes).map((crn) => record(crn))),
  } as unknown as CaseRepository;
  const access = {
    actorFacts: () =>
      Promise.resolve({ org: 'police-cleveland', orgKind: 'POLICE', roles: [], attrs: {}, breakGlass: true }),
    canReadCases: () => opts.canRead ?? true,
    lookUpAsIfDeciding: () => Promise.resolve(),
    decideOn: (actor: unknown, r: CaseRecord) => {
      decidedWith.push(actor);
      return Promise.resolve(decision(outcomes[r.crn]));
    },
    log: {
      append: (e: Record<string, unknown>) => {
        if (opts.logFails) return Promise.reject(new UnavailableException('access_log_unavailable', 'down'));
        appended.push(e);
        return Promise.resolve({ index: appended.length, leafHash: 'x', timestamp: 't' });
      },
    },
  } as unknown as CaseAccess;
  return { sut: new SearchPeopleHandler(cases, access), appended, decidedWith };
}

describe(SearchPeopleHandler.name, () => {
  const query = (p = principal()) => new SearchPeopleQuery(p, { by: 'pnc', pnc: '2004/0012345A' }, 'IOM');

  it('names only the people a summary read would answer, and logs one entry for each', async () => {
    const { sut, appended } = makeSut({ X000001: 'allow', X000002: 'not_found', X000003: 'forbidden' });
    const res = await sut.execute(query());
    expect(res.results).toEqual([{ crn: 'X000001', managingOrg: 'nps-north-east', maySeeSummary: true }]);
    expect(appended.map((e) => e.crn)).toEqual(['X000001']);
    expect(appended[0]).toMatchObject({
      action: 'person.search',
      resource: { type: 'person-search', id: 'pnc' },
      decision: 'ALLOW',
      fieldsReleased: ['crn', 'managingOrg'],
      ownerOrg: 'nps-north-east',
      agreement: { id: 'agr-1', version: 2 },
      breakGlass: false,
    });
  });

  it('writes one entry naming nobody when nobody may be named, as when nobody matches', async () => {
    const hidden = makeSut({ X000002: 'not_found' });
    const none = makeSut({});
    await hidden.sut.execute(query());
    await none.sut.execute(query());
    expect(hidden.appended).toEqual(none.appended);
    expect(hidden.appended).toEqual([
      expect.objectContaining({ crn: null, ownerOrg: null, reasons: ['no one listed'] }),
    ]);
  });

  it('decides without break-glass, whatever the token says', async () => {
    const { sut, decidedWith } = makeSut({ X000001: 'allow' });
    await sut.execute(query());
    expect(decidedWith).toEqual([expect.objectContaining({ breakGlass: false })]);
  });

  it('refuses without a reason, and a caller whose roles read no case data, before looking or logging', async () => {
    const a = makeSut({ X000001: 'allow' });
    await expect(a.sut.execute(query(principal({ reason: undefined })))).rejects.toMatchObject({ kind: 'invalid' });
    const b = makeSut({ X000001: 'allow' }, { canRead: false });
    await expect(b.sut.execute(query())).rejects.toMatchObject({ kind: 'forbidden' });
    expect([...a.appended, ...b.appended]).toEqual([]);
  });

  it('fails closed: when the log cannot be written nobody is named', async () => {
    const { sut } = makeSut({ X000001: 'allow' }, { logFails: true });
    await expect(sut.execute(query())).rejects.toBeInstanceOf(UnavailableException);
  });
});
