import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { authorise } from '../../domain/agreement-access.js';
import { AgreementException, AgreementExceptionCode } from '../../domain/agreement.exception.js';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from '../../domain/agreement.repository.port.js';
import { GetAgreementDocumentQuery } from './get-agreement-document.query.js';

/** The exact stored bytes a party signs (RFC 8785 canonical JSON), never re-rendered. */
@QueryHandler(GetAgreementDocumentQuery)
export class GetAgreementDocumentHandler implements IQueryHandler<GetAgreementDocumentQuery> {
  constructor(@Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository) {}

  async execute({
    principal,
    id,
    version,
  }: GetAgreementDocumentQuery): Promise<{ version: number; document: string; sha256: string }> {
    const a = await this.repo.findById(id);
    if (!a) throw AgreementException.notFound(id);
    authorise(principal, a, 'read');
    if (version === undefined || version === a.version)
      return { version: a.version, document: a.current.document, sha256: a.current.documentSha256 };
    const v = await this.repo.findVersion(id, version);
    if (!v)
      throw new AgreementException(
        AgreementExceptionCode.VersionNotFound,
        `Agreement "${id}" has no version ${version}.`,
      );
    return { version, document: v.version.document, sha256: v.version.documentSha256 };
  }
}
