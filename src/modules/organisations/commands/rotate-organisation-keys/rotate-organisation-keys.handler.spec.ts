import { jest } from '@jest/globals';
import type { EventBus } from '@nestjs/cqrs';
import { ForbiddenException } from '@shared/auth/auth.exception.js';
import { aKey } from '@test/factories/jwk.factory.js';
import { InMemoryOrganisationRepository, aValidatedKey, anOrganisation } from '@test/factories/organisation.factory.js';
import { aPrincipal, gatewayAdmin, systemOf } from '@test/factories/principal.factory.js';
import { OrganisationKeysRotatedEvent } from '../../domain/organisation-keys-rotated.event.js';
import { OrganisationException, OrganisationExceptionCode } from '../../domain/organisation.exception.js';
import { RotateOrganisationKeysCommand } from './rotate-organisation-keys.command.js';
import { RotateOrganisationKeysHandler } from './rotate-organisation-keys.handler.js';

describe(RotateOrganisationKeysHandler.name, () => {
  let repo: InMemoryOrganisationRepository;
  let publish: jest.Mock<(e: unknown) => void>;
  let sut: RotateOrganisationKeysHandler;

  beforeEach(async () => {
    const crc = await anOrganisation('crc-a')
      .ofKind('CRC')
      .withKey(await aValidatedKey('crc-a-k1'))
      .build();
    repo = new InMemoryOrganisationRepository(crc);
    publish = jest.fn();
    sut = new RotateOrganisationKeysHandler(repo, { publish } as unknown as EventBus);
  });

  const rotate = async (principal = systemOf('crc-a', 'CRC'), orgId = 'crc-a', kids = ['crc-a-k2']) =>
    sut.execute(
      new RotateOrganisationKeysCommand(
        principal,
        orgId,
        await Promise.all(kids.map(async (k) => (await aKey(k)).publicJwk)),
      ),
    );

  it("lets the organisation's own system replace its keys, announcing it so caches drop the old keys", async () => {
    await expect(rotate()).resolves.toEqual({ added: ['crc-a-k2'], revoked: ['crc-a-k1'] });
    expect(repo.saved).toEqual(['crc-a']);
    expect((await repo.findById('crc-a'))!.activeKeys.map((k) => k.kid)).toEqual(['crc-a-k2']);
    expect(publish).toHaveBeenCalledWith(new OrganisationKeysRotatedEvent('crc-a', ['crc-a-k2'], ['crc-a-k1']));
  });

  it('lets gateway-admin replace the keys of any organisation', async () => {
    await expect(rotate(gatewayAdmin())).resolves.toEqual({ added: ['crc-a-k2'], revoked: ['crc-a-k1'] });
  });

  it("refuses another organisation's system (403), whether or not the organisation exists", async () => {
    const e = await rotate(systemOf('police-x', 'POLICE')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ForbiddenException);
    expect(repo.saved).toEqual([]);
    expect(publish).not.toHaveBeenCalled();
  });

  it('is forbidden for a person of the organisation without the system role', async () => {
    await expect(rotate(aPrincipal().of('crc-a', 'CRC').withRoles('offender-manager').build())).rejects.toBeInstanceOf(
      ForbiddenException,
    );
    expect(repo.saved).toEqual([]);
  });

  it('is not found for an unknown organisation, even for gateway-admin', async () => {
    const e = await rotate(gatewayAdmin(), 'crc-none').catch((x: unknown) => x);
    expect((e as OrganisationException).code).toBe(OrganisationExceptionCode.NotFound);
  });

  it('saves and announces nothing when the new set is refused', async () => {
    await expect(rotate(undefined, 'crc-a', ['crc-a-k1'])).rejects.toMatchObject({
      code: OrganisationExceptionCode.KidReused,
    });
    expect(repo.saved).toEqual([]);
    expect(publish).not.toHaveBeenCalled();
  });
});
