import { aKey, invalidJwks } from '@test/factories/jwk.factory.js';
import { InMemoryOrganisationRepository, anOrganisation } from '@test/factories/organisation.factory.js';
import { gatewayAdmin } from '@test/factories/principal.factory.js';
import { OrganisationExceptionCode } from '../../domain/organisation.exception.js';
import { RegisterOrganisationCommand } from './register-organisation.command.js';
import type { RegisterOrganisationDto } from './register-organisation.dto.js';
import { RegisterOrganisationHandler } from './register-organisation.handler.js';

describe(RegisterOrganisationHandler.name, () => {
  let repo: InMemoryOrganisationRepository;
  let sut: RegisterOrganisationHandler;

  beforeEach(async () => {
    repo = new InMemoryOrganisationRepository(await anOrganisation('crc-existing').build());
    sut = new RegisterOrganisationHandler(repo);
  });

  const dto = (id: string, keys: Record<string, unknown>[]): RegisterOrganisationDto => ({
    id,
    kind: 'POLICE',
    name: 'Test Police',
    region: 'Wales',
    jwks: { keys },
  });

  it('registers the organisation with its validated keys and returns its id', async () => {
    const key = await aKey('police-wales-k1');
    await expect(
      sut.execute(new RegisterOrganisationCommand(gatewayAdmin(), dto('police-wales', [key.publicJwk]))),
    ).resolves.toBe('police-wales');
    const saved = await repo.findById('police-wales');
    expect([saved?.kind, saved?.status, saved?.activeKeys.map((k) => k.kid)]).toEqual([
      'POLICE',
      'ACTIVE',
      ['police-wales-k1'],
    ]);
  });

  it('refuses an id already registered', async () => {
    const key = await aKey('k1');
    await expect(
      sut.execute(new RegisterOrganisationCommand(gatewayAdmin(), dto('crc-existing', [key.publicJwk]))),
    ).rejects.toMatchObject({ code: OrganisationExceptionCode.AlreadyExists });
  });

  it('refuses invalid keys naming jwks.keys[i], and registers nothing', async () => {
    await expect(
      sut.execute(new RegisterOrganisationCommand(gatewayAdmin(), dto('police-bad', [await invalidJwks.rsa()]))),
    ).rejects.toMatchObject({
      code: OrganisationExceptionCode.InvalidKey,
      options: { errors: [expect.objectContaining({ field: 'jwks.keys[0]' })] },
    });
    expect(await repo.findById('police-bad')).toBeNull();
  });
});
