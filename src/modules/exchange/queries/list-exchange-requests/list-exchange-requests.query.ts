import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { ExchangeRequestPage } from '../exchange-request.response.js';
import type { ListExchangeRequestsDto } from './list-exchange-requests.dto.js';

/** The caller organisation's incoming and/or outgoing requests, newest first. */
export class ListExchangeRequestsQuery extends Query<ExchangeRequestPage> {
  constructor(
    readonly principal: Principal,
    readonly filter: ListExchangeRequestsDto,
  ) {
    super();
  }
}
