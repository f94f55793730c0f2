import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Organisation } from '../../domain/organisation.js';
import { ORGANISATION_REPOSITORY, type OrganisationRepository } from '../../domain/organisation.repository.port.js';
import { validateKeySet } from '../../domain/validate-jwks.js';
import { RegisterOrganisationCommand } from './register-organisation.command.js';

@CommandHandler(RegisterOrganisationCommand)
export class RegisterOrganisationHandler implements ICommandHandler<RegisterOrganisationCommand, string> {
  constructor(@Inject(ORGANISATION_REPOSITORY) private readonly repo: OrganisationRepository) {}

  async execute({ input }: RegisterOrganisationCommand): Promise<string> {
    const keys = await validateKeySet(input.jwks.keys, 'jwks.keys');
    const org = Organisation.register({
      id: input.id,
      kind: input.kind,
      name: input.name,
      region: input.region,
      keys,
      now: new Date(),
    });
    await this.repo.insert(org);
    return org.id;
  }
}
