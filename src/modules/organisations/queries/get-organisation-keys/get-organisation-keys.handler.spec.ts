import { InMemoryOrganisationRepository, aValidatedKey, anOrganisation } from '@test/factories/organisation.factory.js';
import { aPrincipal } from '@test/factories/principal.factory.js';
import type { PersonKeyRepository } from '../../domain/person-key.repository.port.js';
import { OrganisationExceptionCode } from '../../domain/organisation.exception.js';
import { GetOrganisationKeysHandler } from './get-organisation-keys.handler.js';
import { GetOrganisationKeysQuery } from './get-organisation-keys.query.js';

const noPersonKeys = { list: () => Promise.resolve([]) } as unknown as PersonKeyRepository;

describe(GetOrganisationKeysHandler.name, () => {
  const t0 = new Date('2025-01-01T00:00:00Z');
  const t1 = new Date('2025-06-01T00:00:00Z');
  let sut: GetOrganisationKeysHandler;

  beforeEach(async () => {
    const org = await anOrganisation('nps-a')
      .ofKind('NPS')
      .withKey(await aValidatedKey('k1'))
      .registeredAt(t0)
      .build();
    org.rotateKeys([await aValidatedKey('k2')], t1);
    sut = new GetOrganisationKeysHandler(new InMemoryOrganisationRepository(org), noPersonKeys);
  });

  const keysAt = async (at?: Date) =>
    (await sut.execute(new GetOrganisationKeysQuery(aPrincipal().build(), 'nps-a', at))).keys.map((k) => k.kid);

  it('returns the whole history without an instant', async () => {
    const r = await sut.execute(new GetOrganisationKeysQuery(aPrincipal().build(), 'nps-a', undefined));
    expect(r.keys).toEqual([
      {
        kid: 'k1',
        jwk: expect.objectContaining({ kid: 'k1', kty: 'EC' }),
        addedAt: t0.toISOString(),
        revokedAt: t1.toISOString(),
      },
      { kid: 'k2', jwk: expect.objectContaining({ kid: 'k2' }), addedAt: t1.toISOString(), revokedAt: null },
    ]);
  });

  it('returns the keys active at an instant (revocation is exclusive, addition inclusive)', async () => {
    expect(await keysAt(new Date(t0.getTime() - 1))).toEqual([]);
    expect(await keysAt(t0)).toEqual(['k1']);
    expect(await keysAt(new Date(t1.getTime() - 1))).toEqual(['k1']);
    expect(await keysAt(t1)).toEqual(['k2']);
  });

  it('is not found for an unknown organisation', async () => {
    await expect(
      sut.execute(new GetOrganisationKeysQuery(aPrincipal().build(), 'nps-none', undefined)),
    ).rejects.toMatchObject({ code: OrganisationExceptionCode.NotFound });
  });
});
