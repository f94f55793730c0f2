import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from '../../domain/agreement.repository.port.js';
import { agreementResponse, type AgreementResponse } from '../get-agreement/agreement.response.js';
import { ListAgreementsQuery } from './list-agreements.query.js';

/** The agreements the caller's organisation is or was party to; the operator sees all. */
@QueryHandler(ListAgreementsQuery)
export class ListAgreementsHandler implements IQueryHandler<ListAgreementsQuery, AgreementResponse[]> {
  constructor(@Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository) {}

  async execute({ principal, filter }: ListAgreementsQuery): Promise<AgreementResponse[]> {
    const now = new Date();
    const all = await this.repo.list({ org: principal.orgKind === 'GATEWAY' ? null : principal.org });
    return all
      .filter(
        (a) =>
          (!filter.status || a.statusAt(now) === filter.status) &&
          (!filter.party || a.partyOrgs.includes(filter.party)),
      )
      .map((a) => agreementResponse(a, now));
  }
}
