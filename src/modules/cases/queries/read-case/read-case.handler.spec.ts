import { UnavailableException } from '@shared/errors/index.js';
import type { Principal } from '@shared/auth/principal.js';
import type { ReadDecision } from '@modules/policies/index.js';
import type { CaseAccess } from '../../case-access.service.js';
import type { Assessment, CaseRecord } from '../../domain/case.types.js';
import { ReadCaseHandler } from './read-case.handler.js';
import { ReadCaseQuery } from './read-case.query.js';

const principal = (over: Partial<Principal> = {}): Principal => ({
  org: 'police-cleveland',
  orgKind: 'POLICE',
  sub: 'user:pc-1',
  roles: ['iom-officer'],
  claimedRoles: ['iom-officer'],
  attrs: { force: 'cleveland' },
  reason: 'IOM tasking',
  breakGlass: false,
  jti: 'jti-123456',
  requestId: 'req-1',
  ...over,
});

const record: CaseRecord = {
  crn: 'X123456',
  managingOrg: 'nps-north-east',
  person: { givenName: 'Ann', familyName: 'Example', dateOfBirth: '1980-01-01', pncId: null },
  tier: 'B2',
  rosh: { overall: 'HIGH', children: 'LOW', public: 'HIGH', knownAdult: 'LOW', staff: 'LOW' },
  mappa: null,
  iom: { cohort: true, force: 'cleveland' },
  licenceConditions: ['Curfew'],
  restricted: false,
  escalation: null,
  pendingTransfer: null,
  updatedAt: new Date(),
};

const decision = (over: Partial<ReadDecision> = {}): ReadDecision => ({
  outcome: 'allow',
  reasons: ['rule:police.iom.summary'],
  fields: [],
  released: ['tier', 'rosh'],
  withheld: ['scores.ogp'],
  agreements: [{ id: 'agr-1', version: 3 }],
  relationships: ['iom-cohort'],
  breakGlassUsed: false,
  ...over,
});

function makeSut(
  d: ReadDecision,
  append: (e: unknown) => Promise<{ index: number; leafHash: string; timestamp: string }>,
) {
  const calls: string[] = [];
  const access = {
    actorFacts: () =>
      Promise.resolve({
        org: 'police-cleveland',
        orgKind: 'POLICE',
        roles: ['iom-officer'],
        attrs: {},
        breakGlass: false,
      }),
    decide: () =>
      Promise.resolve({
        decision: d,
        record: d.outcome === 'not_found' ? null : record,
        assessment: null as Assessment | null,
      }),
    log: {
      append: async (e: unknown) => {
        calls.push('append');
        const r = await append(e);
        calls.push('durable');
        return r;
      },
    },
  } as unknown as CaseAccess;
  return { sut: new ReadCaseHandler(access), calls };
}

describe(ReadCaseHandler.name, () => {
  it('returns only released fields, with the index of the entry it waited for', async () => {
    const entries: Record<string, unknown>[] = [];
    const { sut, calls } = makeSut(decision(), (e) => {
      entries.push(e as Record<string, unknown>);
      return Promise.resolve({ index: 41, leafHash: 'x', timestamp: 't' });
    });
    const res = await sut.execute(new ReadCaseQuery(principal(), 'X123456', 'IOM', 'summary'));
    expect(calls).toEqual(['append', 'durable']);
    expect(res).toMatchObject({
      crn: 'X123456',
      tier: 'B2',
      rosh: record.rosh,
      fieldsWithheld: ['scores.ogp'],
      accessLogIndex: 41,
      agreementId: 'agr-1',
    });
    expect(res).not.toHaveProperty('licenceConditions');
    expect(entries[0]).toMatchObject({
      decision: 'ALLOW',
      fieldsReleased: ['tier', 'rosh'],
      agreement: { id: 'agr-1', version: 3 },
      ownerOrg: 'nps-north-east',
      jti: 'jti-123456',
    });
  });

  it('says why each withheld field was withheld only when asked (pages), never in the API body', async () => {
    const d = decision({
      withheld: ['scores.ogp', 'needs', 'sensitive.health'],
      fields: [
        { field: 'tier', category: 'RISK_SUMMARY', allowed: true, reasons: ['rule:r', 'agreement:a@v1'] },
        {
          field: 'scores.ogp',
          category: 'RISK_SUMMARY',
          allowed: false,
          reasons: ['no policy rule allows this field'],
        },
        { field: 'needs', category: 'NEEDS', allowed: false, reasons: ['rule:r', 'no active agreement covers NEEDS'] },
        {
          field: 'sensitive.health',
          category: 'HEALTH',
          allowed: false,
          reasons: ['rule:r', 'special category HEALTH named without a condition'],
        },
      ],
    });
    const ok = () => Promise.resolve({ index: 1, leafHash: 'x', timestamp: 't' });
    const api = await makeSut(d, ok).sut.execute(new ReadCaseQuery(principal(), 'X123456', 'IOM', 'summary'));
    expect(api).not.toHaveProperty('withheldBecause');
    const page = await makeSut(d, ok).sut.execute(new ReadCaseQuery(principal(), 'X123456', 'IOM', 'summary', true));
    expect(page.withheldBecause).toEqual([
      { field: 'scores.ogp', because: 'policy' },
      { field: 'needs', because: 'agreement' },
      { field: 'sensitive.health', because: 'condition' },
    ]);
  });

  it('fails closed: when the log cannot be written nothing is returned', async () => {
    const { sut } = makeSut(decision(), () =>
      Promise.reject(new UnavailableException('access_log_unavailable', 'down')),
    );
    await expect(sut.execute(new ReadCaseQuery(principal(), 'X123456', 'IOM', 'summary'))).rejects.toBeInstanceOf(
      UnavailableException,
    );
  });

  it('logs a denial, marked not_found first, before answering 404, with no fields', async () => {
    const entries: Record<string, unknown>[] = [];
    const { sut } = makeSut(decision({ outcome: 'not_found', released: [], reasons: ['no relationship'] }), (e) => {
      entries.push(e as Record<string, unknown>);
      return Promise.resolve({ index: 1, leafHash: 'x', timestamp: 't' });
    });
    await expect(sut.execute(new ReadCaseQuery(principal(), 'X123456', 'IOM', 'summary'))).rejects.toMatchObject({
      kind: 'not_found',
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      decision: 'DENY',
      fieldsReleased: [],
      reasons: ['not_found', 'no relationship'],
    });
  });

  it('refuses a read without a reason before deciding or logging anything', async () => {
    let appended = false;
    const { sut } = makeSut(decision(), () => {
      appended = true;
      return Promise.resolve({ index: 1, leafHash: 'x', timestamp: 't' });
    });
    await expect(
      sut.execute(new ReadCaseQuery(principal({ reason: undefined }), 'X123456', 'IOM', 'summary')),
    ).rejects.toMatchObject({ kind: 'invalid' });
    expect(appended).toBe(false);
  });
});
