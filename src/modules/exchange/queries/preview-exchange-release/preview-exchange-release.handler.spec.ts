import type { Principal } from '@shared/auth/principal.js';
import type { CaseRecord } from '@modules/cases/index.js';
import type { ExchangeRelease, ReleaseCheck } from '../../application/exchange-release.js';
import { ExchangeException, ExchangeExceptionCode } from '../../domain/exchange.exception.js';
import { ExchangeRequest } from '../../domain/exchange-request.js';
import type { ExchangeRequestRepository } from '../../domain/exchange-request.repository.port.js';
import { PreviewExchangeReleaseHandler } from './preview-exchange-release.handler.js';
import { PreviewExchangeReleaseQuery } from './preview-exchange-release.query.js';

const NOW = new Date();
const ID = '6f1c2a4e-0000-4000-8000-000000000001';
const principal = (org: string, roles: string[] = ['data-owner']): Principal =>
  ({ org, orgKind: 'NPS', sub: `user:${org}-1`, roles, claimedRoles: roles, attrs: {} }) as unknown as Principal;

function aRequest(): ExchangeRequest {
  return ExchangeRequest.submit({
    id: ID,
    claims: {
      iss: 'police-cleveland',
      iat: NOW.getTime() / 1000,
      jti: 'jti-00000001',
      provider: 'nps-north-east',
      crn: 'X123456',
      purpose: 'IOM',
      dataCategories: ['ROSH', 'IDENTITY'],
      justification: 'IOM',
      urgency: 'ROUTINE',
      agreementId: 'a-1',
    },
    jws: { text: 'h.p.s', kid: 'k1', alg: 'ES256' },
    by: { sub: 'user:pc-1', roles: [] },
    now: NOW,
    refusal: null,
  });
}

const record = {
  crn: 'X123456',
  person: { givenName: 'Alex', familyName: 'Example', dateOfBirth: '1990-04-12', pncId: null },
  managingOrg: 'nps-north-east',
  rosh: { overall: 'HIGH', children: 'LOW', public: 'HIGH', knownAdult: 'LOW', staff: 'LOW' },
} as unknown as CaseRecord;

function sut(check: () => Promise<ReleaseCheck>, request = aRequest()) {
  const calls: string[] = [];
  const repo = {
    findById: (id: string) => Promise.resolve(id === ID ? request : null),
    transaction: <T>(work: (tx: unknown) => Promise<T>) => work({}),
  } as unknown as ExchangeRequestRepository;
  const release = {
    check: () => {
      calls.push('check');
      return check();
    },
    release: () => {
      calls.push('release');
      return Promise.resolve();
    },
  } as unknown as ExchangeRelease;
  return { handler: new PreviewExchangeReleaseHandler(repo, release), calls };
}

const ready = (): Promise<ReleaseCheck> =>
  Promise.resolve({
    kind: 'release',
    agreement: { id: 'a-1', version: 2, title: 'IOM', retentionDays: 30 },
    plan: { released: ['person.givenName', 'person.pncId', 'rosh'], withheld: ['tier'] },
    record,
    assessment: null,
  } as unknown as ReleaseCheck);

describe(PreviewExchangeReleaseHandler.name, () => {
  it("answers the release's own plan, and which of its fields the case holds, without releasing", async () => {
    const { handler, calls } = sut(ready);
    await expect(handler.execute(new PreviewExchangeReleaseQuery(principal('nps-north-east'), ID))).resolves.toEqual({
      kind: 'release',
      agreement: { id: 'a-1', version: 2, title: 'IOM' },
      released: ['person.givenName', 'person.pncId', 'rosh'],
      held: ['person.givenName', 'rosh'],
      withheld: ['tier'],
    });
    expect(calls).toEqual(['check']);
  });

  it('says when approving would close the request, or when the provider holds no such case', async () => {
    const close = sut(() => Promise.resolve({ kind: 'close', status: 'EXPIRED', reason: 'agreement expired' }));
    await expect(
      close.handler.execute(new PreviewExchangeReleaseQuery(principal('nps-north-east'), ID)),
    ).resolves.toEqual({ kind: 'close', status: 'EXPIRED', reason: 'agreement expired' });
    const notHeld = sut(() =>
      Promise.reject(new ExchangeException(ExchangeExceptionCode.CaseNotHeld, 'nps-north-east does not manage it')),
    );
    await expect(
      notHeld.handler.execute(new PreviewExchangeReleaseQuery(principal('nps-north-east'), ID)),
    ).resolves.toEqual({ kind: 'not-held', reason: 'nps-north-east does not manage it' });
  });

  it('answers a closed request without checking anything', async () => {
    const refused = aRequest();
    refused.refuse({ org: 'nps-north-east', sub: 'user:x' }, 'no', NOW);
    const { handler, calls } = sut(ready, refused);
    await expect(handler.execute(new PreviewExchangeReleaseQuery(principal('nps-north-east'), ID))).resolves.toEqual({
      kind: 'closed',
    });
    expect(calls).toEqual([]);
  });

  it('answers anyone but the parties as an unknown id, and the requester or a non-data-owner 403', async () => {
    const { handler, calls } = sut(ready);
    const outsider = handler.execute(new PreviewExchangeReleaseQuery(principal('crc-northumbria'), ID));
    await expect(outsider).rejects.toMatchObject({ code: ExchangeExceptionCode.NotFound });
    await expect(
      handler.execute(
        new PreviewExchangeReleaseQuery(principal('nps-north-east'), '6f1c2a4e-0000-4000-8000-000000000009'),
      ),
    ).rejects.toMatchObject({ code: ExchangeExceptionCode.NotFound });
    await expect(
      handler.execute(new PreviewExchangeReleaseQuery(principal('police-cleveland'), ID)),
    ).rejects.toMatchObject({ code: ExchangeExceptionCode.DecisionForbidden });
    await expect(
      handler.execute(new PreviewExchangeReleaseQuery(principal('nps-north-east', ['offender-manager']), ID)),
    ).rejects.toMatchObject({ code: ExchangeExceptionCode.DecisionForbidden });
    expect(calls).toEqual([]);
  });
});
