import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { AgreementTermsDto } from '../draft-agreement/agreement-terms.dto.js';

export class AmendAgreementCommand extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly id: string,
    readonly input: AgreementTermsDto,
  ) {
    super();
  }
}
