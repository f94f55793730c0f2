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
    ExchangeException.requireReason(p, 'response');
    const r = await this.repo.findById(id);
    // Anyone but the two parties may not know the request exists: an unknown id and another
    // organisations' request give the same 404 and, in the caller's own IG view, the same entry.
    if (!r || (p.org !== r.state.requester && p.org !== r.state.provider)) {
      await this.log.responseProbe(
        p,
        id,
        r?.state.provider ?? null,
        r ? 'not a party to the request' : 'no such request',
      );
      throw ExchangeException.notFound();
    }
    // The bundle is the requester's: the provider already holds the data, and gets the 404 a
    // stranger gets (logged, as any denied read).
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
