import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { AgreementTermsDto } from './agreement-terms.dto.js';

/** Returns the new agreement's id. `id` is for the demo seed, which needs stable ids. */
export class DraftAgreementCommand extends Command<string> {
  constructor(
    readonly principal: Principal,
    readonly input: AgreementTermsDto,
    readonly id?: string,
  ) {
    super();
  }
}
