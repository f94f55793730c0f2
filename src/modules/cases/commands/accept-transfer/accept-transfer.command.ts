import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';

export class AcceptTransferCommand extends Command<{ id: string; status: 'ACCEPTED'; managingOrg: string }> {
  constructor(
    readonly principal: Principal,
    readonly crn: string,
    readonly transferId: string,
  ) {
    super();
  }
}
