import fc from 'fast-check';
import { canonicalJson } from '@shared/crypto/canonical-json.js';
import type { AccessLogEntryInput, StoredAccessLogEntry } from './access-log-entry.js';
import { InvalidAccessLogEntryError, prepareEntry, sealEntry, sealEntryText } from './prepared-entry.js';

const TIMESTAMP = '2025-11-22T10:11:12.345Z';
const SALT = 'AAECAwQFBgcICQoLDA0ODw==';

function input(overrides: Partial<AccessLogEntryInput> = {}): AccessLogEntryInput {
  return {
    actor: { org: 'police-cleveland', sub: 'user:pc-1', roles: ['iom-officer'] },
    action: 'case.summary',
    resource: { type: 'case', id: 'X123456' },
    crn: 'X123456',
    purpose: 'IOM',
    reason: 'IOM panel',
    decision: 'ALLOW',
    reasons: ['rule:iom-summary', 'agreement:a1@v2'],
    agreement: { id: 'a1', version: 2 },
    fieldsReleased: ['tier', 'rosh'],
    fieldsWithheld: ['needs'],
    recipientOrg: 'police-cleveland',
    ownerOrg: 'nps-north-east',
    requestId: 'req-1',
    jti: 'jti-12345678',
    ...overrides,
  };
}

const str = (max: number) => fc.string({ unit: 'binary', minLength: 1, maxLength: max });
/** Members stored in text columns too, which cannot hold NUL. */
const col = (max: number) => str(max).map((s) => s.replaceAll('\u0000', ' '));
const optional = (max: number) => fc.option(str(max), { nil: undefined });

const arbitraryInput: fc.Arbitrary<AccessLogEntryInput> = fc.record({
  actor: fc.record(
    { org: col(64), sub: col(64), roles: fc.array(str(20), { maxLength: 4 }), idp: str(80) },
    { requiredKeys: ['org', 'sub', 'roles'] },
  ),
  action: fc.constantFrom('case.read', 'case.summary', 'agreement.sign', 'access-log.search'),
  resource: fc.record({ type: str(10), id: str(20) }),
  crn: fc.option(col(10), { nil: null }),
  purpose: fc.option(col(20), { nil: undefined }),
  reason: optional(200),
  decision: fc.constantFrom('ALLOW' as const, 'DENY' as const),
  reasons: fc.array(str(40), { maxLength: 5 }),
  agreement: fc.option(fc.record({ id: str(36), version: fc.nat(1000) }), { nil: null }),
  fieldsReleased: fc.option(fc.array(str(30), { maxLength: 6 }), { nil: undefined }),
  fieldsWithheld: fc.option(fc.array(str(30), { maxLength: 6 }), { nil: undefined }),
  recipientOrg: fc.option(col(64), { nil: undefined }),
  ownerOrg: fc.option(col(64), { nil: undefined }),
  requestId: str(64),
  jti: optional(64),
  breakGlass: fc.option(fc.boolean(), { nil: undefined }),
  policyVersion: fc.option(str(70), { nil: undefined }),
  salt: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64')),
});

/** The stored entry written the slow, obvious way. */
function expected(i: AccessLogEntryInput, index: number, timestamp: string): StoredAccessLogEntry {
  return {
    index,
    timestamp,
    actor: {
      org: i.actor.org,
      sub: i.actor.sub,
      roles: [...i.actor.roles],
      ...(i.actor.idp === undefined ? {} : { idp: i.actor.idp }),
    },
    action: i.action,
    resource: { ...i.resource },
    crn: i.crn || null,
    purpose: i.purpose || null,
    reason: i.reason || null,
    decision: i.decision,
    reasons: [...i.reasons],
    agreement: i.agreement ? { ...i.agreement } : null,
    ...(i.policyVersion ? { policyVersion: i.policyVersion } : {}),
    fieldsReleased: [...(i.fieldsReleased ?? [])],
    fieldsWithheld: [...(i.fieldsWithheld ?? [])],
    recipientOrg: i.recipientOrg || null,
    ownerOrg: i.ownerOrg || null,
    requestId: i.requestId,
    jti: i.jti || null,
    breakGlass: i.breakGlass === true,
    salt: i.salt,
  };
}

describe(prepareEntry.name, () => {
  it('seals to exactly the RFC 8785 canonical JSON of the full stored entry', () => {
    fc.assert(
      fc.property(arbitraryInput, fc.nat(Number.MAX_SAFE_INTEGER), (i, index) => {
        expect(sealEntryText(prepareEntry(i), index, TIMESTAMP)).toBe(canonicalJson(expected(i, index, TIMESTAMP)));
      }),
      { numRuns: 500 },
    );
  });

  it('writes absent optional members as null or [] so equal inputs give equal bytes', () => {
    const minimal = prepareEntry({
      actor: { org: 'o', sub: 'system:s', roles: [] },
      action: 'case.read',
      resource: { type: 'case', id: 'X1' },
      decision: 'DENY',
      reasons: [],
      requestId: 'r',
      salt: SALT,
    });
    const parsed = JSON.parse(sealEntry(minimal, 7, TIMESTAMP).toString('utf8')) as StoredAccessLogEntry;
    expect(parsed).toEqual({
      index: 7,
      timestamp: TIMESTAMP,
      actor: { org: 'o', sub: 'system:s', roles: [] },
      action: 'case.read',
      resource: { type: 'case', id: 'X1' },
      crn: null,
      purpose: null,
      reason: null,
      decision: 'DENY',
      reasons: [],
      agreement: null,
      fieldsReleased: [],
      fieldsWithheld: [],
      recipientOrg: null,
      ownerOrg: null,
      requestId: 'r',
      jti: null,
      breakGlass: false,
      salt: SALT,
    });
  });

  it('salts every entry with 16 fresh random bytes, so a leaf hash gives nothing away to a guess', () => {
    const salts = Array.from({ length: 600 }, () => {
      const { salt } = JSON.parse(sealEntryText(prepareEntry(input()), 1, TIMESTAMP)) as StoredAccessLogEntry;
      return salt ?? '';
    });
    for (const salt of salts) expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    // 600 draws cross the 256-entry refills of the pool: no salt repeats across them.
    expect(new Set(salts).size).toBe(salts.length);
  });

  it('names the policy version only when given, so entries without it keep their bytes', () => {
    const without = sealEntryText(prepareEntry(input({ salt: SALT })), 3, TIMESTAMP);
    const withVersion = sealEntryText(prepareEntry(input({ policyVersion: 'sha256:ab12', salt: SALT })), 3, TIMESTAMP);
    expect(without).not.toContain('policyVersion');
    expect(withVersion).toBe(
      without.replace('"ownerOrg":"nps-north-east",', '"ownerOrg":"nps-north-east","policyVersion":"sha256:ab12",'),
    );
    expect(withVersion).toBe(canonicalJson(JSON.parse(withVersion)));
  });

  it('keeps the indexed columns beside the bytes', () => {
    expect(prepareEntry(input({ breakGlass: true })).columns).toEqual({
      action: 'case.summary',
      decision: 'ALLOW',
      actorOrg: 'police-cleveland',
      actorSub: 'user:pc-1',
      ownerOrg: 'nps-north-east',
      recipientOrg: 'police-cleveland',
      crn: 'X123456',
      purpose: 'IOM',
      breakGlass: true,
    });
  });

  it('replaces lone surrogates (not I-JSON) instead of failing the audit', () => {
    const bytes = sealEntry(prepareEntry(input({ reason: 'bad \ud800 claim' })), 0, TIMESTAMP);
    expect((JSON.parse(bytes.toString('utf8')) as StoredAccessLogEntry).reason).toBe('bad \ufffd claim');
  });

  it.each([
    ['action', input({ action: 'Case Read' })],
    ['decision', input({ decision: 'MAYBE' as 'ALLOW' })],
    ['actor.org', input({ actor: { org: '', sub: 'user:x', roles: [] } })],
    ['requestId', input({ requestId: undefined as unknown as string })],
    ['reasons', input({ reasons: 'x' as unknown as string[] })],
    ['agreement', input({ agreement: { id: 'a', version: 1.5 } })],
    ['reason', input({ reason: 'x'.repeat(4001) })],
    ['crn', input({ crn: 'X12\u00003' })],
    ['salt', input({ salt: 'short' })],
    ['salt', input({ salt: 'AAECAwQFBgcICQoLDA0ODxA=' })],
  ])('refuses a malformed %s', (field, bad) => {
    expect(() => prepareEntry(bad)).toThrow(InvalidAccessLogEntryError);
    expect(() => prepareEntry(bad)).toThrow(field);
  });
});
