import { Case, type CaseActor, type PushedCase } from './case.js';
import { CaseExceptionCode } from './case.exception.js';
import type { Assessment, CaseRecord, RiskLevel } from './case.types.js';

const crc: CaseActor = { org: 'crc-durham-tees-valley', orgKind: 'CRC' };
const nps: CaseActor = { org: 'nps-north-east', orgKind: 'NPS' };
const otherCrc: CaseActor = { org: 'crc-london', orgKind: 'CRC' };

const rosh = (overall: RiskLevel) =>
  ({ overall, children: 'LOW', public: 'LOW', knownAdult: 'LOW', staff: 'LOW' }) as const;

function pushed(over: Partial<PushedCase> = {}): PushedCase {
  return {
    crn: 'X123456',
    managingOrg: crc.org,
    person: { givenName: 'A', familyName: 'B', dateOfBirth: '1990-01-01', pncId: null },
    tier: 'B2',
    rosh: rosh('MEDIUM'),
    mappa: null,
    iom: null,
    licenceConditions: ['curfew', 'exclusion zone'],
    restricted: false,
    ...over,
  };
}

function managedBy(actor: CaseActor, over: Partial<CaseRecord> = {}): Case {
  return Case.restore({
    ...pushed({ managingOrg: actor.org }),
    escalation: null,
    pendingTransfer: null,
    updatedAt: new Date(0),
    ...over,
  });
}

function assessment(overall: RiskLevel): Assessment {
  return {
    assessmentId: 'oasys-1',
    completedAt: new Date('2026-11-01T00:00:00Z'),
    assessor: 'PO 1',
    authoredByOrg: crc.org,
    scores: {} as Assessment['scores'],
    rosh: rosh(overall),
    needs: {} as Assessment['needs'],
    riskManagementPlan: { summary: '', actions: [] },
    sensitive: null,
  };
}

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'no refusal';
};

describe('Case aggregate', () => {
  describe('push', () => {
    it('a CRC gets one answer for an unknown CRN and a case managed elsewhere, restricted or not', () => {
      const answers = [
        code(() => Case.push(null, crc, pushed())),
        code(() => Case.push(managedBy(otherCrc), crc, pushed())),
        code(() => Case.push(managedBy(otherCrc, { restricted: true }), crc, pushed())),
      ];
      expect(new Set(answers)).toEqual(new Set([CaseExceptionCode.NotManagingOrganisation]));
    });

    it('the allocating authority creates an unused CRN, and is told a taken one is taken', () => {
      expect(Case.push(null, nps, pushed({ managingOrg: nps.org }))).toEqual(['updated']);
      expect(code(() => Case.push(managedBy(crc), nps, pushed({ managingOrg: nps.org })))).toBe(
        CaseExceptionCode.CrnAllocated,
      );
    });

    it('a change of manager is a transfer, never a push', () => {
      expect(code(() => Case.push(managedBy(crc), crc, pushed({ managingOrg: nps.org })))).toBe(
        CaseExceptionCode.ManagingOrgChange,
      );
    });

    it('names each watched attribute that changed, and ignores the order of licence conditions', () => {
      const c = managedBy(crc);
      expect(Case.push(c, crc, pushed({ licenceConditions: ['exclusion zone', 'curfew'] }))).toEqual(['updated']);
      expect(
        Case.push(c, crc, pushed({ rosh: rosh('HIGH'), mappa: { category: 1, level: 2 }, licenceConditions: [] })),
      ).toEqual(['updated', 'rosh', 'mappa', 'licence-conditions']);
    });
  });

  describe('assessments', () => {
    it('only the managing organisation records one, and anyone else sees no case', () => {
      expect(code(() => managedBy(otherCrc).recordAssessment(crc, assessment('LOW'), new Date()))).toBe(
        CaseExceptionCode.NotFound,
      );
    });

    it('HIGH or VERY_HIGH RoSH on a CRC case escalates it once; an NPS case never', () => {
      const c = managedBy(crc);
      const now = new Date('2026-12-01T10:00:00Z');
      expect(c.recordAssessment(crc, assessment('MEDIUM'), now)).toBe(false);
      expect(c.recordAssessment(crc, assessment('VERY_HIGH'), now)).toBe(true);
      expect(c.record.escalation).toEqual({
        raisedAt: now.toISOString(),
        reason: 'RoSH assessed VERY_HIGH: the case needs transfer to the NPS',
        assessmentId: 'oasys-1',
      });
      expect(c.recordAssessment(crc, assessment('HIGH'), now)).toBe(false);
      expect(managedBy(nps).recordAssessment(nps, assessment('VERY_HIGH'), now)).toBe(false);
    });
  });

  describe('transfers', () => {
    it('the manager offers the case once at a time; anyone else sees no case', () => {
      const c = managedBy(crc);
      expect(code(() => c.offerTransfer(otherCrc, 't0', nps.org, 'why'))).toBe(CaseExceptionCode.NotFound);
      const t = c.offerTransfer(crc, 't1', nps.org, 'high risk');
      expect(t).toEqual({
        id: 't1',
        crn: 'X123456',
        fromOrg: crc.org,
        toOrg: nps.org,
        reason: 'high risk',
        status: 'PENDING',
      });
      expect(c.record.pendingTransfer).toEqual({ id: 't1', fromOrg: crc.org, toOrg: nps.org });
      expect(code(() => c.offerTransfer(crc, 't2', nps.org, 'again'))).toBe(CaseExceptionCode.TransferPending);
    });

    it('only the receiver accepts a pending offer; management moves and the escalation ends', () => {
      const c = managedBy(crc, { escalation: { raisedAt: 'x', reason: 'y', assessmentId: 'z' } });
      const offer = c.offerTransfer(crc, 't1', nps.org, 'high risk');
      expect(code(() => c.acceptTransfer(otherCrc, offer))).toBe(CaseExceptionCode.TransferNotFound);
      expect(code(() => c.acceptTransfer(nps, { ...offer, crn: 'Y999999' }))).toBe(CaseExceptionCode.TransferNotFound);
      expect(code(() => c.acceptTransfer(nps, { ...offer, status: 'CANCELLED' }))).toBe(
        CaseExceptionCode.TransferNotPending,
      );
      expect(c.acceptTransfer(nps, offer).status).toBe('ACCEPTED');
      expect(c.record).toMatchObject({ managingOrg: nps.org, pendingTransfer: null, escalation: null });
    });
  });
});

describe('Case aggregate: rectification, erasure and restriction (DPA 2018 s.46-47)', () => {
  it('rectifies only what changed, and names the released fields it changed', () => {
    const c = managedBy(crc);
    expect(c.rectify(crc, { person: { givenName: 'A', dateOfBirth: '1990-01-02' }, tier: 'A1' })).toEqual([
      'person.dateOfBirth',
      'tier',
    ]);
    expect(c.record.person).toMatchObject({ givenName: 'A', dateOfBirth: '1990-01-02' });
    expect(c.rectify(crc, { tier: 'A1' })).toEqual([]);
  });

  it('erases parts, naming every released field each part holds', () => {
    const c = managedBy(crc, { mappa: { category: 1, level: 2 }, person: { ...pushed().person, pncId: '2004/1' } });
    expect(c.eraseParts(crc, ['mappa', 'person.pncId', 'sensitive'])).toEqual([
      'mappa.category',
      'mappa.level',
      'person.pncId',
      'sensitive.health',
      'sensitive.victims',
    ]);
    expect(c.record).toMatchObject({
      mappa: null,
      person: { pncId: null },
      licenceConditions: ['curfew', 'exclusion zone'],
    });
  });

  it('restricts once and lifts once; the case reads as restricted while it holds', () => {
    const c = managedBy(crc);
    expect(c.restrict({ ...crc, sub: 'user:dpo' }, 'contested', new Date(0))).toBe(true);
    expect(c.record).toMatchObject({ restricted: true, restriction: { byOrg: crc.org, reason: 'contested' } });
    expect(c.restrict({ ...crc, sub: 'user:dpo' }, 'again', new Date(1))).toBe(false);
    expect(c.record.restriction?.reason).toBe('contested');
    expect(c.liftRestriction(crc)).toBe(true);
    expect(c.liftRestriction(crc)).toBe(false);
  });

  it('gives any other organisation the one "not found" answer, whichever right it tries', () => {
    const c = managedBy(crc);
    const attempts = [
      () => c.rectify(otherCrc, { tier: 'A1' }),
      () => c.eraseParts(nps, ['mappa']),
      () => c.assertErasableBy(nps),
      () => c.restrict({ ...otherCrc, sub: 'x' }, 'r', new Date(0)),
      () => c.liftRestriction(nps),
    ];
    for (const a of attempts) expect(code(a)).toBe(CaseExceptionCode.NotFound);
    expect(c.record).toMatchObject({ tier: 'B2', restricted: false });
  });
});
