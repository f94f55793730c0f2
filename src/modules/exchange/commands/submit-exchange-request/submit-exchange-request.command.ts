import { Command } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { ExchangeStatus } from '../../domain/exchange-request.js';

export interface SubmitExchangeRequestResult {
  id: string;
  status: ExchangeStatus;
  dueBy: string;
  /** Why a request was refused at once. */
  reason?: string;
}

/**
 * A request JWS as received (the raw body) from the caller. The bearer token's organisation
 * must be the JWS signer. Logs one entry whether accepted, refused or rejected.
 */
export class SubmitExchangeRequestCommand extends Command<SubmitExchangeRequestResult> {
  constructor(
    readonly principal: Principal,
    readonly body: string,
  ) {
    super();
  }
}
