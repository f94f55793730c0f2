import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { authorise } from '../../domain/agreement-access.js';
import { AgreementException, AgreementExceptionCode } from '../../domain/agreement.exception.js';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from '../../domain/agreement.repository.port.js';
import { formatRfc3339 } from '@shared/domain/rfc3339.js';
import { signatureResponse, termsResponse } from '../get-agreement/agreement.response.js';
import type { AgreementVersionResponse } from './agreement-version.response.js';
import { GetAgreementVersionQuery } from './get-agreement-version.query.js';

/** Any version, superseded ones included: what was agreed, and who signed it, stays readable. */
@QueryHandler(GetAgreementVersionQuery)
export class GetAgreementVersionHandler implements IQueryHandler<GetAgreementVersionQuery, AgreementVersionResponse> {
  constructor(@Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository) {}

  async execute({ principal, id, version }: GetAgreementVersionQuery): Promise<AgreementVersionResponse> {
    const a = await this.repo.findById(id);
    if (!a) throw AgreementException.notFound(id);
    authorise(principal, a, 'read');
    const v = await this.repo.findVersion(id, version);
    if (!v)
      throw new AgreementException(
        AgreementExceptionCode.VersionNotFound,
        `Agreement "${id}" has no version ${version}.`,
      );
    return {
      id,
      version,
      inForce: a.activeVersion === version && ['ACTIVE', 'PENDING_SIGNATURES'].includes(a.statusAt(new Date())),
      current: a.version === version,
      ...termsResponse(v.version.terms),
      documentSha256: v.version.documentSha256,
      createdAt: formatRfc3339(v.version.createdAt),
      createdBy: { ...v.version.createdBy },
      signatures: v.signatures.map(signatureResponse),
    };
  }
}
