import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';

export class SignAgreementCommand extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly id: string,
    readonly jws: string,
  ) {
    super();
  }
}
