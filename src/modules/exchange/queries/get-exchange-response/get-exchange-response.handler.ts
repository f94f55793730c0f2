import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ExchangeLog } from '../../application/exchange-log.js';
import { ExchangeException, ExchangeExceptionCode } from '../../domain/exchange.exception.js';
import { ExchangeRequestRepository } from '../../domain/exchange-request.repository.port.js';
import { GetExchangeResponseQuery } from './get-exchange-response.query.js';

@QueryHandler(GetExchangeResponseQuery)
export class GetExchangeResponseHandler implements IQueryHandler<GetExchangeResponseQuery, string> {
  constructor(
    private readonly repo: ExchangeRequestRepository,
    private readonly log: ExchangeLog,
  ) {}

  async execute({ principal: p, id }: GetExchangeResponseQuery): Promise<string> {
    const r = await this.repo.findById(id);
    if (!r) throw ExchangeException.notFound();
    // The bundle is the requester's: the provider already holds the data and anyone else may
    // not know the request exists, so both get the same 404 (logged, as any denied read).
    if (p.org !== r.state.requester) {
      await this.log.responseRead(p, r, false, ['not the requesting organisation']);
      throw ExchangeException.notFound();
    }
    const release = r.state.release;
    if (r.status !== 'FULFILLED' || !release) {
      await this.log.responseRead(p, r, false, [`request is ${r.status}, not FULFILLED`]);
      throw new ExchangeException(
        ExchangeExceptionCode.NotFulfilled,
        `This request is ${r.status}: there is no response to fetch${r.status === 'REFUSED' ? ` (refused: ${r.state.statusReason ?? 'no reason given'})` : ''}.`,
      );
    }
    await this.log.responseRead(p, r, true, [`release logged at index ${release.logIndex}`]);
    return release.responseJws;
  }
}
