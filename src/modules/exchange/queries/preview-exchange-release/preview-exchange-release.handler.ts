import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { project } from '@modules/cases/index.js';
import { authoriseDecider } from '../../application/decider.js';
import { ExchangeRelease } from '../../application/exchange-release.js';
import { ExchangeException, ExchangeExceptionCode } from '../../domain/exchange.exception.js';
import { OPEN_STATUSES } from '../../domain/exchange-request.js';
import { ExchangeRequestRepository } from '../../domain/exchange-request.repository.port.js';
import { EXCHANGE_VIEW } from '../../domain/release-rule.js';
import { fieldsHeld } from '../../domain/release-preview.js';
import { PreviewExchangeReleaseQuery, type ReleasePreview } from './preview-exchange-release.query.js';

@QueryHandler(PreviewExchangeReleaseQuery)
export class PreviewExchangeReleaseHandler implements IQueryHandler<PreviewExchangeReleaseQuery, ReleasePreview> {
  constructor(
    private readonly repo: ExchangeRequestRepository,
    private readonly release: ExchangeRelease,
  ) {}

  async execute({ principal: p, id }: PreviewExchangeReleaseQuery): Promise<ReleasePreview> {
    const r = await this.repo.findById(id);
    if (!r) throw ExchangeException.notFound();
    authoriseDecider(p, r);
    if (!OPEN_STATUSES.includes(r.status)) return { kind: 'closed' };
    // The same check the decision makes before releasing, in a transaction of its own that
    // changes nothing (no lock: a decision made meanwhile checks again under its lock).
    try {
      const check = await this.repo.transaction((tx) => this.release.check(r, new Date(), tx));
      if (check.kind === 'close') return check;
      const data = project(EXCHANGE_VIEW, check.record, check.assessment, new Set(check.plan.released));
      return {
        kind: 'release',
        agreement: { id: check.agreement.id, version: check.agreement.version, title: check.agreement.title },
        released: check.plan.released,
        held: fieldsHeld(data, check.plan.released),
        withheld: check.plan.withheld,
      };
    } catch (e) {
      if (ExchangeException.is(e, ExchangeExceptionCode.CaseNotHeld, ExchangeExceptionCode.CaseRestricted))
        return { kind: 'not-held', reason: e.message };
      throw e;
    }
  }
}
