import type { PublicJwk } from '@shared/crypto/jwk.js';
import { aPrincipal } from '@test/factories/principal.factory.js';
import { PersonKey, personKeyRefusal, type PersonKeyHolder } from './person-key.js';

const holder: PersonKeyHolder = {
  org: 'police-cleveland',
  issuer: 'https://idp.example',
  sub: 'user:pc-1',
  name: 'PC One',
  role: 'iom-officer',
};
const signer = (over: Record<string, unknown> = {}) => ({
  ...aPrincipal().build(),
  org: 'police-cleveland',
  sub: 'user:pc-1',
  idp: 'https://idp.example',
  roles: ['iom-officer' as const],
  ...over,
});

describe('personKeyRefusal', () => {
  it('lets only the holder, signed in through the same IdP, in the role, sign what the role signs', () => {
    expect(personKeyRefusal(holder, signer(), 'exchange-request')).toBeNull();
    expect(personKeyRefusal(holder, signer({ sub: 'user:pc-2' }), 'exchange-request')).toMatch(/someone else/);
    expect(personKeyRefusal(holder, signer({ idp: undefined }), 'exchange-request')).toMatch(/someone else/);
    expect(personKeyRefusal(holder, signer({ idp: 'https://other.example' }), 'exchange-request')).toMatch(
      /someone else/,
    );
    expect(personKeyRefusal(holder, signer({ org: 'police-durham' }), 'exchange-request')).toMatch(/someone else/);
    expect(personKeyRefusal(holder, signer(), 'agreement-signature')).toMatch(/does not sign agreements/);
    expect(personKeyRefusal(holder, signer({ roles: ['data-owner'] }), 'exchange-request')).toMatch(/no longer holds/);
  });
});

describe(PersonKey.name, () => {
  const jwk: PublicJwk = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k', alg: 'ES256', use: 'sig' };
  const now = new Date('2026-01-01T00:00:00Z');
  const later = new Date('2026-01-02T00:00:00Z');

  it('is pending until approved, verifies from its approval, and never comes back once revoked', () => {
    const k = PersonKey.register({ jwk, thumbprint: 'T', holder, now });
    expect(k.kid).toBe('person-T');
    expect(k.jwk.kid).toBe('person-T');
    expect(k.status).toBe('PENDING');
    expect(k.activeAt(later)).toBe(false);
    k.approve('police-cleveland/system:x', now);
    expect(k.activeAt(now)).toBe(true);
    expect(() => k.approve('police-cleveland/system:x', now)).toThrow(/only a pending key/);
    k.revoke('police-cleveland/user:pc-1', later);
    expect(k.status).toBe('REVOKED');
    expect(k.activeAt(now)).toBe(true);
    expect(k.activeAt(later)).toBe(false);
    expect(() => k.revoke('x', later)).toThrow(/already revoked/);
  });

  it('is only for a role that signs something', () => {
    expect(() => PersonKey.register({ jwk, thumbprint: 'T', holder: { ...holder, role: 'ig-reviewer' }, now })).toThrow(
      /signs nothing/,
    );
  });
});
