import type { PersonSession } from '../domain/person-session.js';
import { formTokenOf, SignedInPerson } from './signed-in-people.js';

const session: PersonSession = {
  org: 'police-cleveland',
  orgKind: 'POLICE',
  orgName: 'Cleveland Police',
  issuer: 'https://idp.cleveland.police.example',
  sub: 'sam.hardy',
  name: 'PC Sam Hardy',
  roles: ['iom-officer'],
  attributes: { force: 'cleveland' },
  createdAt: new Date('2026-12-05T09:00:00Z'),
  lastSeenAt: new Date('2026-12-05T09:00:00Z'),
  expiresAt: new Date('2026-12-05T19:00:00Z'),
};

describe('SignedInPerson', () => {
  const person = new SignedInPerson('secret-session-id', session, 'req-1');

  it('acts as the principal a signed request of the organisation would be, naming the IdP', () => {
    const p = person.principal('  IOM tasking meeting  ');
    expect(p).toMatchObject({
      org: 'police-cleveland',
      orgKind: 'POLICE',
      sub: 'user:sam.hardy',
      roles: ['iom-officer'],
      attrs: { force: 'cleveland' },
      reason: 'IOM tasking meeting',
      breakGlass: false,
      requestId: 'req-1',
      idp: 'https://idp.cleveland.police.example',
    });
    expect(person.principal('   ').reason).toBeUndefined();
  });

  it('names the session in the log by a hash, never by its secret id', () => {
    const { jti } = person.principal();
    expect(jti).toMatch(/^session:[\w-]{22}$/);
    expect(jti).not.toContain('secret-session-id');
    expect(new SignedInPerson('another', session, 'req-1').principal().jti).not.toBe(jti);
  });

  it('accepts a form only with this session’s form token', () => {
    expect(person.formCameFromSession({ formToken: formTokenOf('secret-session-id') })).toBe(true);
    expect(person.formCameFromSession({ formToken: formTokenOf('another') })).toBe(false);
    expect(person.formCameFromSession({ formToken: ['x'] })).toBe(false);
    expect(person.formCameFromSession({})).toBe(false);
    expect(person.formCameFromSession(undefined)).toBe(false);
  });
});
