import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { RegisterOrganisationDto } from './register-organisation.dto.js';

export class RegisterOrganisationCommand extends Command<string> {
  constructor(
    readonly principal: Principal,
    readonly input: RegisterOrganisationDto,
  ) {
    super();
  }
}
