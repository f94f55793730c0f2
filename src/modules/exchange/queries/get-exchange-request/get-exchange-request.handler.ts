import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ExchangeException } from '../../domain/exchange.exception.js';
import { ExchangeRequestRepository } from '../../domain/exchange-request.repository.port.js';
import { toResponse, type ExchangeRequestResponse } from '../exchange-request.response.js';
import { GetExchangeRequestQuery } from './get-exchange-request.query.js';

@QueryHandler(GetExchangeRequestQuery)
export class GetExchangeRequestHandler implements IQueryHandler<GetExchangeRequestQuery, ExchangeRequestResponse> {
  constructor(private readonly repo: ExchangeRequestRepository) {}

  async execute({ principal: p, id }: GetExchangeRequestQuery): Promise<ExchangeRequestResponse> {
    const r = await this.repo.findById(id);
    if (!r || !r.isPartyOf(p.org)) throw ExchangeException.notFound();
    return toResponse(r, new Date(), true);
  }
}
