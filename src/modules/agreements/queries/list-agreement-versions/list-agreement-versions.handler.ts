import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { authorise } from '../../domain/agreement-access.js';
import { AgreementException } from '../../domain/agreement.exception.js';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from '../../domain/agreement.repository.port.js';
import { formatRfc3339 } from '@shared/domain/rfc3339.js';
import type { AgreementVersionSummaryResponse } from '../get-agreement-version/agreement-version.response.js';
import { ListAgreementVersionsQuery } from './list-agreement-versions.query.js';

@QueryHandler(ListAgreementVersionsQuery)
export class ListAgreementVersionsHandler implements IQueryHandler<
  ListAgreementVersionsQuery,
  AgreementVersionSummaryResponse[]
> {
  constructor(@Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository) {}

  async execute({ principal, id }: ListAgreementVersionsQuery): Promise<AgreementVersionSummaryResponse[]> {
    const a = await this.repo.findById(id);
    if (!a) throw AgreementException.notFound(id);
    authorise(principal, a, 'read');
    const inForce = ['ACTIVE', 'PENDING_SIGNATURES'].includes(a.statusAt(new Date())) ? a.activeVersion : null;
    return (await this.repo.listVersions(id)).map((v) => ({
      version: v.version,
      inForce: v.version === inForce,
      current: v.version === a.version,
      documentSha256: v.documentSha256,
      createdAt: formatRfc3339(v.createdAt),
      createdBy: v.createdBy,
      signedBy: v.signedBy,
    }));
  }
}
