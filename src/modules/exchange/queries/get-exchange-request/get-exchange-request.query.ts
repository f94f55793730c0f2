import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { ExchangeRequestResponse } from '../exchange-request.response.js';

/** One request, with its JWS as received, for either party; 404 for anyone else. */
export class GetExchangeRequestQuery extends Query<ExchangeRequestResponse> {
  constructor(
    readonly principal: Principal,
    readonly id: string,
  ) {
    super();
  }
}
