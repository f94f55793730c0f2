import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { authorise } from '../../domain/agreement-access.js';
import { AgreementException } from '../../domain/agreement.exception.js';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from '../../domain/agreement.repository.port.js';
import { agreementResponse, type AgreementResponse } from './agreement.response.js';
import { GetAgreementQuery } from './get-agreement.query.js';

@QueryHandler(GetAgreementQuery)
export class GetAgreementHandler implements IQueryHandler<GetAgreementQuery, AgreementResponse> {
  constructor(@Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository) {}

  async execute({ principal, id }: GetAgreementQuery): Promise<AgreementResponse> {
    const a = await this.repo.findById(id);
    if (!a) throw AgreementException.notFound(id);
    authorise(principal, a, 'read');
    return agreementResponse(a, new Date());
  }
}
