import { ValidationException } from '@shared/errors/index.js';
import { AgreementActivatedEvent } from './agreement-activated.event.js';
import { renderDocument, termsFromDocument } from './agreement-document.js';
import { AgreementSuspendedEvent } from './agreement-suspended.event.js';
import { AgreementTerminatedEvent } from './agreement-terminated.event.js';
import type { AgreementTerms } from './agreement-terms.js';
import { AgreementException, AgreementExceptionCode } from './agreement.exception.js';
import { Agreement, type AgreementSignature } from './agreement.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const ID = '00000000-0000-4000-8000-000000000001';
const by = { org: 'nps-north-east', sub: 'user:signatory' };

function terms(over: Partial<AgreementTerms> = {}): AgreementTerms {
  return {
    title: 'IOM sharing',
    parties: [
      { org: 'nps-north-east', role: 'PROVIDER', controller: true },
      { org: 'police-cleveland', role: 'RECIPIENT', controller: true },
    ],
    purposes: ['IOM'],
    dataCategories: ['IDENTITY', 'ROSH'],
    lawfulBasis: ['Crime and Disorder Act 1998 s.115'],
    lawfulBasisByPurpose: {},
    specialCategoryConditions: {},
    retentionDays: 365,
    securityMeasures: [],
    validFrom: new Date('2026-01-01T00:00:00Z'),
    validTo: new Date('2027-01-01T00:00:00Z'),
    reviewBy: new Date('2026-09-01T00:00:00Z'),
    reviewIntervalMonths: null,
    dpiaReference: null,
    contacts: [],
    termination: null,
    ...over,
  };
}

function sig(org: string, version = 1): AgreementSignature {
  return { version, org, sub: 'user:s', kid: `${org}-k1`, alg: 'ES256', jws: 'a.b.c', signedAt: NOW };
}

function active(): Agreement {
  const a = Agreement.draft({ id: ID, terms: terms(), by, now: NOW });
  a.sign(sig('nps-north-east'), NOW);
  a.sign(sig('police-cleveland'), NOW);
  a.pullEvents();
  return a;
}

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AgreementException ? e.code : e instanceof ValidationException ? 'validation' : String(e);
  }
  return undefined;
}

describe(Agreement.name, () => {
  describe('draft', () => {
    it('starts as version 1 in DRAFT with a canonical document holding id, version and terms', () => {
      const sut = Agreement.draft({ id: ID, terms: terms(), by, now: NOW });
      expect(sut.statusAt(NOW)).toBe('DRAFT');
      expect(sut.version).toBe(1);
      const doc = JSON.parse(sut.current.document);
      expect(doc).toMatchObject({ id: ID, version: 1, title: 'IOM sharing', validFrom: '2026-01-01T00:00:00Z' });
      expect(doc).not.toHaveProperty('status');
      expect(termsFromDocument(sut.current.document)).toEqual(terms());
    });

    it('puts the DPIA reference and review interval in the signed document only when set', () => {
      const without = Agreement.draft({ id: ID, terms: terms(), by, now: NOW }).current.document;
      expect(JSON.parse(without)).not.toHaveProperty('dpiaReference');
      expect(JSON.parse(without)).not.toHaveProperty('reviewIntervalMonths');
      // An older document reads back to terms that render to that same document, byte for byte.
      expect(renderDocument(ID, 1, termsFromDocument(without))).toBe(without);

      const set = terms({ dpiaReference: 'DPIA-2026-014', reviewIntervalMonths: 12 });
      const withIt = Agreement.draft({ id: ID, terms: set, by, now: NOW }).current.document;
      expect(JSON.parse(withIt)).toMatchObject({ dpiaReference: 'DPIA-2026-014', reviewIntervalMonths: 12 });
      expect(termsFromDocument(withIt)).toEqual(set);
    });

    it('refuses terms that break the rules, with a 400 naming the fields', () => {
      expect(
        codeOf(() => Agreement.draft({ id: ID, terms: terms({ dataCategories: ['HEALTH'] }), by, now: NOW })),
      ).toBe('validation');
    });
  });

  describe('signing', () => {
    it('submits a draft on the first signature and activates on the last, raising AgreementActivatedEvent', () => {
      const sut = Agreement.draft({ id: ID, terms: terms(), by, now: NOW });
      sut.sign(sig('nps-north-east'), NOW);
      expect(sut.statusAt(NOW)).toBe('PENDING_SIGNATURES');
      expect(sut.awaitingSignatures()).toEqual(['police-cleveland']);
      sut.sign(sig('police-cleveland'), NOW);
      expect(sut.statusAt(NOW)).toBe('ACTIVE');
      expect(sut.activeVersion).toBe(1);
      expect(sut.pullEvents()).toEqual([expect.any(AgreementActivatedEvent)]);
    });

    it('refuses a second signature by the same party (409)', () => {
      const sut = Agreement.draft({ id: ID, terms: terms(), by, now: NOW });
      sut.sign(sig('nps-north-east'), NOW);
      expect(codeOf(() => sut.sign(sig('nps-north-east'), NOW))).toBe(AgreementExceptionCode.AlreadySigned);
    });

    it('refuses a signature over another version (409) and by a non-party (403)', () => {
      const sut = active();
      sut.amend(terms({ retentionDays: 200 }), by, NOW);
      expect(codeOf(() => sut.sign(sig('nps-north-east', 1), NOW))).toBe(
        AgreementExceptionCode.SignatureVersionMismatch,
      );
      expect(codeOf(() => sut.sign(sig('police-durham', 2), NOW))).toBe(AgreementExceptionCode.NotAParty);
    });

    it('refuses signing a suspended or expired agreement, naming the state', () => {
      const sut = active();
      sut.amend(terms({ retentionDays: 200 }), by, NOW);
      sut.suspend(by, 'breach', NOW);
      expect(() => sut.sign(sig('nps-north-east', 2), NOW)).toThrow(/it is SUSPENDED/);
      const draft = Agreement.draft({ id: ID, terms: terms(), by, now: NOW });
      expect(() => draft.sign(sig('nps-north-east'), new Date('2027-01-01T00:00:00Z'))).toThrow(/it is EXPIRED/);
    });
  });

  describe('lifecycle', () => {
    it('suspends and resumes an active agreement, raising events', () => {
      const sut = active();
      sut.suspend(by, 'investigation', NOW);
      expect(sut.statusAt(NOW)).toBe('SUSPENDED');
      expect(sut.suspendedBy).toBe('nps-north-east');
      sut.resume(by, 'resolved', later(1000));
      expect(sut.statusAt(NOW)).toBe('ACTIVE');
      expect(sut.pullEvents().map((e) => e.constructor.name)).toEqual([
        'AgreementSuspendedEvent',
        'AgreementResumedEvent',
      ]);
    });

    it.each([
      ['suspend', (a: Agreement) => a.suspend(by, 'r', NOW), 'DRAFT'],
      ['resume', (a: Agreement) => a.resume(by, 'r', NOW), 'DRAFT'],
    ])('refuses to %s a DRAFT with 409 naming the state', (_n, act, state) => {
      const sut = Agreement.draft({ id: ID, terms: terms(), by, now: NOW });
      expect(() => act(sut)).toThrow(new RegExp(`it is ${state}`));
      expect(codeOf(() => act(sut))).toBe(AgreementExceptionCode.StateConflict);
    });

    it('refuses to submit anything but a DRAFT, and to resume an ACTIVE agreement', () => {
      const sut = active();
      expect(() => sut.submit(NOW)).toThrow(/it is ACTIVE/);
      expect(() => sut.resume(by, 'r', NOW)).toThrow(/it is ACTIVE/);
    });

    it('terminates from any state but TERMINATED, raising AgreementTerminatedEvent', () => {
      const sut = active();
      sut.suspend(by, 'r', NOW);
      sut.terminate(by, 'ended', NOW);
      expect(sut.statusAt(NOW)).toBe('TERMINATED');
      expect(sut.pullEvents().at(-1)).toBeInstanceOf(AgreementTerminatedEvent);
      expect(() => sut.terminate(by, 'again', NOW)).toThrow(/it is TERMINATED/);
      expect(() => sut.amend(terms(), by, NOW)).toThrow(/it is TERMINATED/);
    });

    it('is EXPIRED from validTo on, without any job', () => {
      const sut = active();
      expect(sut.statusAt(new Date('2026-12-31T23:59:59.999Z'))).toBe('ACTIVE');
      expect(sut.statusAt(new Date('2027-01-01T00:00:00Z'))).toBe('EXPIRED');
      expect(() => sut.suspend(by, 'r', new Date('2027-01-02T00:00:00Z'))).toThrow(/it is EXPIRED/);
    });
  });

  describe('amendment', () => {
    it('keeps the signed version in force while the new version awaits every signature again', () => {
      const sut = active();
      sut.amend(terms({ retentionDays: 200 }), by, NOW);
      expect(sut.statusAt(NOW)).toBe('PENDING_SIGNATURES');
      expect(sut.version).toBe(2);
      expect(sut.activeVersion).toBe(1);
      expect(sut.signatures).toEqual([]);
      expect(sut.awaitingSignatures()).toEqual(['nps-north-east', 'police-cleveland']);
      sut.sign(sig('nps-north-east', 2), NOW);
      sut.sign(sig('police-cleveland', 2), NOW);
      expect(sut.statusAt(NOW)).toBe('ACTIVE');
      expect(sut.activeVersion).toBe(2);
      expect(sut.pendingInserts().versions.map((v) => v.version)).toEqual([1, 2]);
    });

    it('can suspend while an amendment is pending, and resuming returns to PENDING_SIGNATURES', () => {
      const sut = active();
      sut.amend(terms({ retentionDays: 200 }), by, NOW);
      sut.suspend(by, 'r', NOW);
      expect(sut.pullEvents().at(-1)).toEqual(expect.objectContaining({ version: 1 }) as AgreementSuspendedEvent);
      sut.resume(by, 'r', NOW);
      expect(sut.statusAt(NOW)).toBe('PENDING_SIGNATURES');
      expect(sut.activeVersion).toBe(1);
    });

    it('withdraws the version in force when a SUSPENDED agreement is amended, so a suspension cannot be undone that way', () => {
      const sut = active();
      sut.suspend(by, 'r', NOW);
      sut.amend(terms({ retentionDays: 200 }), by, NOW);
      expect(sut.statusAt(NOW)).toBe('PENDING_SIGNATURES');
      expect(sut.activeVersion).toBeNull();
      expect(codeOf(() => sut.suspend(by, 'r', NOW))).toBe(AgreementExceptionCode.StateConflict);
    });

    it('keeps a draft a draft, and records parties of every version', () => {
      const sut = Agreement.draft({ id: ID, terms: terms(), by, now: NOW });
      const parties = [...terms().parties, { org: 'police-durham', role: 'RECIPIENT' as const, controller: true }];
      sut.amend(terms({ parties }), by, NOW);
      expect(sut.statusAt(NOW)).toBe('DRAFT');
      sut.amend(terms(), by, NOW);
      expect(sut.version).toBe(3);
      expect(sut.partyOrgs).toContain('police-durham');
      expect(sut.isParty('police-durham')).toBe(false);
    });
  });
});
