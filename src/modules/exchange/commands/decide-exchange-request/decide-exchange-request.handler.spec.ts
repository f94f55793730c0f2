import type { Principal } from '@shared/auth/principal.js';
import type { ExchangeLog } from '../../application/exchange-log.js';
import type { ExchangeRelease, ReleaseCheck } from '../../application/exchange-release.js';
import { ExchangeException } from '../../domain/exchange.exception.js';
import { ExchangeRequest } from '../../domain/exchange-request.js';
import type { ExchangeRequestRepository } from '../../domain/exchange-request.repository.port.js';
import { DecideExchangeRequestCommand } from './decide-exchange-request.command.js';
import { DecideExchangeRequestHandler } from './decide-exchange-request.handler.js';

const NOW = new Date();
const principal = (org: string, roles: string[] = ['data-owner']): Principal =>
  ({
    org,
    orgKind: 'NPS',
    sub: `user:${org}-1`,
    roles,
    claimedRoles: roles,
    attrs: {},
    reason: undefined,
    breakGlass: false,
    jti: 'jti-1',
    requestId: 'req-1',
  }) as Principal;

function aRequest(): ExchangeRequest {
  return ExchangeRequest.submit({
    id: '6f1c2a4e-0000-4000-8000-000000000001',
    claims: {
      iss: 'police-cleveland',
      iat: NOW.getTime() / 1000,
      jti: 'jti-00000001',
      provider: 'nps-north-east',
      crn: 'X123456',
      purpose: 'IOM',
      dataCategories: ['ROSH'],
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

/** An in-memory repository with the real one's contract: what was saved in a transaction is kept only if it commits. */
function fakeRepo(initial: ExchangeRequest) {
  let stored = initial.state;
  const saves: string[] = [];
  const tx: { open: boolean; manager: unknown } = { open: false, manager: null };
  const repo = {
    findById() {
      return Promise.resolve(ExchangeRequest.restore(stored));
    },
    async transaction<T>(work: (m: unknown) => Promise<T>): Promise<T> {
      const written: ExchangeRequest[] = [];
      tx.open = true;
      tx.manager = { save: (r: ExchangeRequest) => written.push(r), query: () => Promise.resolve([]) };
      try {
        const result = await work(tx.manager);
        for (const r of written) {
          stored = r.state;
          saves.push(r.status);
        }
        return result;
      } finally {
        tx.open = false;
      }
    },
    lock() {
      return Promise.resolve(ExchangeRequest.restore(stored));
    },
    save(m: { save: (r: ExchangeRequest) => void }, r: ExchangeRequest) {
      m.save(r);
      return Promise.resolve();
    },
  };
  return { repo: repo as unknown as ExchangeRequestRepository, saves, current: () => stored, tx };
}

const releasable: ReleaseCheck = {
  kind: 'release',
  agreement: { id: 'a-1', version: 2, retentionDays: 30 } as Extract<ReleaseCheck, { kind: 'release' }>['agreement'],
  plan: { released: ['rosh'], withheld: [] },
  record: {} as Extract<ReleaseCheck, { kind: 'release' }>['record'],
  assessment: null,
};

describe(DecideExchangeRequestHandler.name, () => {
  let logged: string[];
  let checks: ReleaseCheck[];
  let checked: number;
  let log: ExchangeLog;
  let release: ExchangeRelease;

  beforeEach(() => {
    logged = [];
    checks = [releasable, releasable];
    checked = 0;
    log = {
      decided: (_tx: unknown, _p: unknown, _r: unknown, d: string) => {
        logged.push(`decide:${d}`);
        return Promise.resolve();
      },
      closedByGateway: (_tx: unknown, r: ExchangeRequest) => {
        logged.push(`closed:${r.status}`);
        return Promise.resolve();
      },
      integrate: () => Promise.resolve(undefined),
    } as unknown as ExchangeLog;
    release = {
      check: () => {
        checked++;
        const next = checks.shift();
        if (!next) return Promise.reject(new Error('an unexpected release check'));
        return Promise.resolve(next);
      },
      release: (_p: unknown, r: ExchangeRequest) => {
        logged.push('release');
        r.fulfil({
          agreementVersion: 2,
          fieldsReleased: ['rosh'],
          fieldsWithheld: [],
          logIndex: 9,
          responseJws: 'a.b.c',
          at: new Date(),
        });
        return Promise.resolve();
      },
    } as unknown as ExchangeRelease;
  });

  const sutWith = (r = aRequest()) => {
    const f = fakeRepo(r);
    // The release check reads under the row lock, on the locking transaction itself: never on
    // another pooled connection while that transaction holds one (that deadlocks a busy pool).
    const check = release.check.bind(release);
    release.check = async (...args) => {
      if (!f.tx.open || args[2] !== f.tx.manager) throw new Error('release check ran outside the row-lock transaction');
      return check(...args);
    };
    return { sut: new DecideExchangeRequestHandler(f.repo, release, log), ...f };
  };
  const decide = (p: Principal, decision: 'APPROVE' | 'REFUSE', reason = 'because') =>
    new DecideExchangeRequestCommand(p, aRequest().id, decision, reason);

  it('approves (logged, committed APPROVED) and then releases (committed FULFILLED)', async () => {
    const { sut, saves } = sutWith();
    await expect(sut.execute(decide(principal('nps-north-east'), 'APPROVE', ' Proportionate '))).resolves.toEqual({
      id: aRequest().id,
      status: 'FULFILLED',
      reason: 'Proportionate',
    });
    expect(logged).toEqual(['decide:APPROVE', 'release']);
    expect(saves).toEqual(['APPROVED', 'FULFILLED']);
    // Two checks, each under the request's lock: the approval's, and the release's of the case as
    // it stands then (a restriction committed between the two is seen).
    expect(checked).toBe(2);
  });

  it('releases nothing when the release finds the case changed since the approval (say, restricted)', async () => {
    checks = [releasable, { kind: 'close', status: 'REFUSED', reason: 'agreement a-1 no longer covers it' }];
    const { sut, saves } = sutWith();
    await expect(sut.execute(decide(principal('nps-north-east'), 'APPROVE'))).resolves.toMatchObject({
      status: 'REFUSED',
    });
    expect(logged).toEqual(['decide:APPROVE', 'closed:REFUSED']);
    expect(saves).toEqual(['APPROVED', 'REFUSED']);
  });

  it('refuses with the reason, logged, releasing nothing', async () => {
    const { sut, current } = sutWith();
    await sut.execute(decide(principal('nps-north-east'), 'REFUSE', 'Not proportionate'));
    expect(current()).toMatchObject({
      status: 'REFUSED',
      statusReason: 'Not proportionate',
      decidedBy: { org: 'nps-north-east' },
    });
    expect(logged).toEqual(['decide:REFUSE']);
  });

  it('closes instead of approving when the agreement is no longer in force', async () => {
    checks = [{ kind: 'close', status: 'EXPIRED', reason: 'agreement a-1 expired' }];
    const { sut, current } = sutWith();
    await expect(sut.execute(decide(principal('nps-north-east'), 'APPROVE'))).resolves.toMatchObject({
      status: 'EXPIRED',
      reason: 'agreement a-1 expired',
    });
    expect(current().decidedBy).toEqual({ org: 'gateway', sub: 'system:exchange' });
    expect(logged).toEqual(['closed:EXPIRED']);
    expect(checked).toBe(1);
  });

  it('leaves the request APPROVED when the release fails, and a second APPROVE retries only the release', async () => {
    const failing = release.release.bind(release);
    release.release = () => Promise.reject(new Error('access log unavailable'));
    const { sut, saves } = sutWith();
    await expect(sut.execute(decide(principal('nps-north-east'), 'APPROVE'))).rejects.toThrow('access log unavailable');
    expect(saves).toEqual(['APPROVED']);
    expect(checked).toBe(2);
    release.release = failing;
    checks = [releasable];
    checked = 0;
    await expect(sut.execute(decide(principal('nps-north-east'), 'APPROVE'))).resolves.toMatchObject({
      status: 'FULFILLED',
    });
    expect(logged).toEqual(['decide:APPROVE', 'release']);
    expect(saves).toEqual(['APPROVED', 'FULFILLED']); // the retry saves only the release
    // The retry checks once (the request is already APPROVED: nothing was checked with the approval).
    expect(checked).toBe(1);
  });

  it("answers another data owner's APPROVE of an approved request with 409: only the approver retries the release", async () => {
    const failing = release.release.bind(release);
    release.release = () => Promise.reject(new Error('access log unavailable'));
    const { sut, saves } = sutWith();
    await expect(sut.execute(decide(principal('nps-north-east'), 'APPROVE'))).rejects.toThrow('access log unavailable');
    release.release = failing;
    checks = [releasable];
    const colleague = { ...principal('nps-north-east'), sub: 'user:nps-north-east-2' };
    await expect(sut.execute(decide(colleague, 'APPROVE'))).rejects.toMatchObject({ kind: 'conflict' });
    expect(saves).toEqual(['APPROVED']);
    expect(logged).toEqual(['decide:APPROVE']);
  });

  it('answers 404 to an organisation that is not a party and 403 to the requester, changing nothing', async () => {
    const { sut, saves } = sutWith();
    await expect(sut.execute(decide(principal('crc-northumbria'), 'APPROVE'))).rejects.toMatchObject({
      kind: 'not_found',
    });
    await expect(sut.execute(decide(principal('police-cleveland'), 'REFUSE'))).rejects.toMatchObject({
      kind: 'forbidden',
    });
    await expect(
      sut.execute(decide(principal('nps-north-east', ['offender-manager']), 'REFUSE')),
    ).rejects.toBeInstanceOf(ExchangeException);
    expect(saves).toEqual([]);
    expect(logged).toEqual([]);
    expect(checked).toBe(0);
  });

  it('refuses a second decision on a closed request with 409', async () => {
    const { sut } = sutWith();
    await sut.execute(decide(principal('nps-north-east'), 'REFUSE'));
    await expect(sut.execute(decide(principal('nps-north-east'), 'APPROVE'))).rejects.toMatchObject({
      kind: 'conflict',
    });
  });
});
