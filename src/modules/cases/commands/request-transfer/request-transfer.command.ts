import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';

export class RequestTransferCommand extends Command<{ id: string; status: 'PENDING' }> {
  constructor(
    readonly principal: Principal,
    readonly crn: string,
    readonly toOrg: string,
    readonly reason: string,
  ) {
    super();
  }
}
