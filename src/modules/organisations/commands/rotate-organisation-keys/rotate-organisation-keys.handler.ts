import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { ForbiddenException } from '@shared/auth/auth.exception.js';
import { hasRole } from '@shared/auth/principal.js';
import { OrganisationKeysRotatedEvent } from '../../domain/organisation-keys-rotated.event.js';
import { OrganisationException, OrganisationExceptionCode } from '../../domain/organisation.exception.js';
import { ORGANISATION_REPOSITORY, type OrganisationRepository } from '../../domain/organisation.repository.port.js';
import { validateKeySet } from '../../domain/validate-jwks.js';
import { RotateOrganisationKeysCommand } from './rotate-organisation-keys.command.js';

@CommandHandler(RotateOrganisationKeysCommand)
export class RotateOrganisationKeysHandler implements ICommandHandler<RotateOrganisationKeysCommand> {
  constructor(
    @Inject(ORGANISATION_REPOSITORY) private readonly repo: OrganisationRepository,
    private readonly events: EventBus,
  ) {}

  async execute({
    principal,
    orgId,
    keys,
  }: RotateOrganisationKeysCommand): Promise<{ added: string[]; revoked: string[] }> {
    // Only the organisation's own system, or the operator, may change its keys: anyone else is
    // 403 (authenticated, not allowed), the same whether the id exists or not, so the answer says
    // nothing about it (which organisations exist is public anyway: GET /organisations).
    const own = principal.org === orgId && hasRole(principal, 'system');
    const admin = hasRole(principal, 'gateway-admin');
    if (!own && !admin) {
      throw new ForbiddenException(
        "Only the organisation's own system or the gateway operator may rotate its keys.",
        'role_required',
      );
    }
    const org = await this.repo.findById(orgId);
    if (!org)
      throw new OrganisationException(OrganisationExceptionCode.NotFound, `Organisation "${orgId}" was not found.`);
    const validated = await validateKeySet(keys, 'keys');
    const result = org.rotateKeys(validated, new Date());
    await this.repo.saveKeys(org);
    this.events.publish(new OrganisationKeysRotatedEvent(orgId, result.added, result.revoked));
    return result;
  }
}
