import type { Principal } from '@shared/auth/principal.js';
import type { OrgKind, Role } from '@shared/auth/roles.js';
import { authorise, may, type AgreementAction } from './agreement-access.js';
import { AgreementException } from './agreement.exception.js';
import { Agreement } from './agreement.js';

const NOW = new Date('2026-06-01T00:00:00Z');

function principal(org: string, roles: Role[], orgKind: OrgKind = 'NPS'): Principal {
  return {
    org,
    orgKind,
    sub: 'user:x',
    roles,
    claimedRoles: roles,
    attrs: {},
    reason: undefined,
    breakGlass: false,
    jti: 'j',
    requestId: 'r',
  };
}

function agreement(): Agreement {
  const a = Agreement.draft({
    id: '00000000-0000-4000-8000-000000000002',
    terms: {
      title: 'Risk management',
      parties: [
        { org: 'nps-north-east', role: 'BOTH', controller: true },
        { org: 'crc-northumbria', role: 'BOTH', controller: true },
      ],
      purposes: ['RISK_MANAGEMENT'],
      dataCategories: ['IDENTITY'],
      lawfulBasis: ['Offender Management Act 2007 s.14'],
      lawfulBasisByPurpose: {},
      specialCategoryConditions: {},
      retentionDays: 100,
      securityMeasures: [],
      validFrom: NOW,
      validTo: new Date('2027-06-01T00:00:00Z'),
      reviewBy: NOW,
      reviewIntervalMonths: null,
      dpiaReference: null,
      contacts: [],
      termination: null,
    },
    by: { org: 'nps-north-east', sub: 'user:x' },
    now: NOW,
  });
  for (const org of ['nps-north-east', 'crc-northumbria'])
    a.sign({ version: 1, org, sub: 'user:x', kid: 'k', alg: 'ES256', jws: 'a.b.c', signedAt: NOW }, NOW);
  return a;
}

const signatory = principal('nps-north-east', ['dsa-signatory']);
const partyIg = principal('nps-north-east', ['ig-reviewer']);
const stranger = principal('police-durham', ['dsa-signatory'], 'POLICE');
const admin = principal('gateway', ['gateway-admin'], 'GATEWAY');
const operatorIg = principal('gateway', ['ig-reviewer'], 'GATEWAY');

describe(may.name, () => {
  it.each<[string, Principal, AgreementAction, boolean]>([
    ['a party signatory reads', signatory, 'read', true],
    ['a party IG reviewer reads', partyIg, 'read', true],
    ['the operator IG reads', operatorIg, 'read', true],
    ['a stranger cannot read', stranger, 'read', false],
    ['a party signatory amends', signatory, 'amend', true],
    ['a party IG reviewer cannot amend', partyIg, 'amend', false],
    ['the operator admin amends', admin, 'amend', true],
    ['the operator IG cannot amend', operatorIg, 'amend', false],
    ['the operator admin cannot sign for a party', admin, 'sign', false],
    ['the operator IG suspends', operatorIg, 'suspend', true],
    ['a party IG reviewer cannot suspend', partyIg, 'suspend', false],
    ['the operator IG cannot terminate', operatorIg, 'terminate', false],
    ['a party signatory terminates', signatory, 'terminate', true],
  ])('%s', (_name, p, action, expected) => {
    expect(may(p, agreement(), action)).toBe(expected);
  });

  it('lets only the suspending organisation or the operator resume', () => {
    const a = agreement();
    a.suspend({ org: 'crc-northumbria', sub: 'user:y' }, 'breach', NOW);
    expect(may(signatory, a, 'resume')).toBe(false);
    expect(may(principal('crc-northumbria', ['dsa-signatory'], 'CRC'), a, 'resume')).toBe(true);
    expect(may(operatorIg, a, 'resume')).toBe(true);
  });
});

describe(authorise.name, () => {
  it('answers 404 to a caller who may not know the agreement exists, 403 to a reader who may not act', () => {
    const a = agreement();
    expect(() => authorise(stranger, a, 'suspend')).toThrow(
      expect.objectContaining({ kind: 'not_found' }) as AgreementException,
    );
    expect(() => authorise(partyIg, a, 'suspend')).toThrow(
      expect.objectContaining({ kind: 'forbidden' }) as AgreementException,
    );
    expect(() => authorise(admin, a, 'sign')).toThrow(
      expect.objectContaining({ code: 'not_a_party' }) as AgreementException,
    );
  });
});
