import { ExchangeException } from './exchange.exception.js';
import { ExchangeRequest } from './exchange-request.js';

const NOW = new Date('2026-03-02T10:00:00Z');
const claims = {
  iss: 'police-cleveland',
  iat: NOW.getTime() / 1000,
  jti: 'jti-00000001',
  provider: 'nps-north-east',
  crn: 'X123456',
  purpose: 'RECALL' as const,
  dataCategories: ['LICENCE_CONDITIONS' as const],
  justification: 'Recall',
  urgency: 'URGENT' as const,
  agreementId: 'a-1',
};
const owner = { org: 'nps-north-east', sub: 'user:do-1' };
const aRequest = (refusal: string | null = null) =>
  ExchangeRequest.submit({
    id: 'r-1',
    claims,
    jws: { text: 'h.p.s', kid: 'k1', alg: 'ES256' },
    by: { sub: 'user:pc-1', roles: ['iom-officer'] },
    now: NOW,
    refusal,
  });
const release = {
  agreementVersion: 1,
  fieldsReleased: ['licenceConditions'],
  fieldsWithheld: [],
  logIndex: 7,
  responseJws: 'a.b.c',
  at: NOW,
};

describe(ExchangeRequest.name, () => {
  it('is SUBMITTED, due 24 hours later when URGENT, and overdue only after that while open', () => {
    const r = aRequest();
    expect(r.status).toBe('SUBMITTED');
    expect(r.state.dueBy.toISOString()).toBe('2026-03-03T10:00:00.000Z');
    expect(r.isOverdue(new Date('2026-03-03T10:00:00Z'))).toBe(false);
    expect(r.isOverdue(new Date('2026-03-03T10:00:01Z'))).toBe(true);
    r.refuse(owner, 'no', NOW);
    expect(r.isOverdue(new Date('2026-03-09T00:00:00Z'))).toBe(false);
  });

  it('starts REFUSED, decided by the gateway, when refused at submission', () => {
    const r = aRequest('agreement a-1 does not cover the purpose RECALL');
    expect(r.state).toMatchObject({
      status: 'REFUSED',
      statusReason: 'agreement a-1 does not cover the purpose RECALL',
      decidedBy: { org: 'gateway' },
    });
  });

  it('goes SUBMITTED -> APPROVED -> FULFILLED, and no further', () => {
    const r = aRequest();
    expect(() => r.fulfil(release)).toThrow(ExchangeException);
    r.approve(owner, 'ok', NOW);
    expect(r.status).toBe('APPROVED');
    expect(r.isOpen).toBe(true);
    r.fulfil(release);
    expect(r.status).toBe('FULFILLED');
    expect(() => r.refuse(owner, 'late', NOW)).toThrow(ExchangeException);
    expect(() => r.approve(owner, 'again', NOW)).toThrow(ExchangeException);
  });

  it('can be refused or expired while open (an approved request not yet released is still open)', () => {
    const a = aRequest();
    a.approve(owner, 'ok', NOW);
    a.refuse(owner, 'agreement suspended', NOW);
    expect(a.state).toMatchObject({ status: 'REFUSED', statusReason: 'agreement suspended' });
    const b = aRequest();
    b.expire('agreement expired', NOW);
    expect(b.status).toBe('EXPIRED');
    expect(() => b.expire('again', NOW)).toThrow(ExchangeException);
  });

  it('is known only to its two parties', () => {
    const r = aRequest();
    expect(['police-cleveland', 'nps-north-east', 'police-durham'].map((o) => r.isPartyOf(o))).toEqual([
      true,
      true,
      false,
    ]);
  });
});
