import { aValidatedKey, anOrganisation } from '@test/factories/organisation.factory.js';
import { Organisation, OPERATOR_ORG_ID } from './organisation.js';
import { OrganisationException, OrganisationExceptionCode } from './organisation.exception.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof OrganisationException) return e.code;
    throw e;
  }
  return undefined;
}

describe(Organisation.name, () => {
  const t0 = new Date('2025-01-01T00:00:00Z');
  const t1 = new Date('2025-06-01T00:00:00Z');

  describe('register', () => {
    it('starts ACTIVE with every key active from registration', async () => {
      const sut = await anOrganisation('crc-a').withKeys('k1', 'k2').registeredAt(t0).build();
      expect(sut.status).toBe('ACTIVE');
      expect(sut.activeKeys.map((k) => [k.kid, k.addedAt, k.revokedAt])).toEqual([
        ['k1', t0, null],
        ['k2', t0, null],
      ]);
    });

    it('refuses kind GATEWAY for any id but the operator', async () => {
      const key = await aValidatedKey('k1');
      expect(
        codeOf(() =>
          Organisation.register({ id: 'fake-operator', kind: 'GATEWAY', name: 'x', region: 'y', keys: [key], now: t0 }),
        ),
      ).toBe(OrganisationExceptionCode.ReservedId);
    });

    it('refuses no keys and repeated kids', async () => {
      const key = await aValidatedKey('k1');
      expect(
        codeOf(() => Organisation.register({ id: 'crc-b', kind: 'CRC', name: 'x', region: 'y', keys: [], now: t0 })),
      ).toBe(OrganisationExceptionCode.NoActiveKey);
      expect(
        codeOf(() =>
          Organisation.register({ id: 'crc-b', kind: 'CRC', name: 'x', region: 'y', keys: [key, key], now: t0 }),
        ),
      ).toBe(OrganisationExceptionCode.DuplicateKid);
    });

    it('creates the operator, which may start without keys', () => {
      const op = Organisation.createOperator([], t0);
      expect([op.id, op.kind, op.keys.length]).toEqual([OPERATOR_ORG_ID, 'GATEWAY', 0]);
    });
  });

  describe('rotateKeys', () => {
    it('adds new kids, keeps those sent again and revokes the ones left out, from now', async () => {
      const k1 = await aValidatedKey('k1');
      const k2 = await aValidatedKey('k2');
      const k3 = await aValidatedKey('k3');
      const sut = await anOrganisation('crc-a').withKey(k1).withKey(k2).registeredAt(t0).build();

      expect(sut.rotateKeys([k2, k3], t1)).toEqual({ added: ['k3'], revoked: ['k1'] });
      expect(sut.keys.map((k) => [k.kid, k.addedAt, k.revokedAt])).toEqual([
        ['k1', t0, t1],
        ['k2', t0, null],
        ['k3', t1, null],
      ]);
    });

    it('is a no-op when the same set is sent again', async () => {
      const k1 = await aValidatedKey('k1');
      const sut = await anOrganisation('crc-a').withKey(k1).build();
      expect(sut.rotateKeys([k1], t1)).toEqual({ added: [], revoked: [] });
    });

    it('refuses a kid that already names another key, and changes nothing', async () => {
      const sut = await anOrganisation('crc-a').withKeys('k1').build();
      const impostor = await aValidatedKey('k1');
      expect(codeOf(() => sut.rotateKeys([impostor], t1))).toBe(OrganisationExceptionCode.KidReused);
      expect(sut.activeKeys.map((k) => k.kid)).toEqual(['k1']);
    });

    it('refuses to bring back a revoked kid, even with its own key', async () => {
      const k1 = await aValidatedKey('k1');
      const k2 = await aValidatedKey('k2');
      const sut = await anOrganisation('crc-a').withKey(k1).build();
      sut.rotateKeys([k2], t1);
      expect(codeOf(() => sut.rotateKeys([k2, k1], t1))).toBe(OrganisationExceptionCode.KidReused);
      expect(sut.activeKeys.map((k) => k.kid)).toEqual(['k2']);
    });

    it('refuses an empty set (an organisation keeps at least one active key)', async () => {
      const sut = await anOrganisation('crc-a').build();
      expect(codeOf(() => sut.rotateKeys([], t1))).toBe(OrganisationExceptionCode.NoActiveKey);
    });

    it('names the offending position of a repeated kid', async () => {
      const k1 = await aValidatedKey('k1');
      const sut = await anOrganisation('crc-a').withKey(k1).build();
      try {
        sut.rotateKeys([k1, k1], t1);
        throw new Error('expected a refusal');
      } catch (e) {
        expect((e as OrganisationException).options.errors).toEqual([
          { field: 'keys[1].kid', message: 'must be unique' },
        ]);
      }
    });
  });
});
