import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { ExchangeStatus } from '../../domain/exchange-request.js';

export interface DecideExchangeRequestResult {
  id: string;
  status: ExchangeStatus;
  reason: string | null;
}

/** A data owner of the provider approves (and so releases) or refuses a request. */
export class DecideExchangeRequestCommand extends Command<DecideExchangeRequestResult> {
  constructor(
    readonly principal: Principal,
    readonly id: string,
    readonly decision: 'APPROVE' | 'REFUSE',
    readonly reason: string,
  ) {
    super();
  }
}
