import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { AgreementChanges } from '../../agreement-changes.js';
import { authorise } from '../../domain/agreement-access.js';
import { AgreementException, AgreementExceptionCode } from '../../domain/agreement.exception.js';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from '../../domain/agreement.repository.port.js';
import { SignAgreementCommand } from './sign-agreement.command.js';
import { verifyAgreementSignature } from './verify-agreement-signature.js';

/**
 * A party's signature of the current version. The cryptography runs before the row lock; the
 * aggregate then re-checks, under the lock, that the signed version is still current and the
 * party has not signed it already. The last signature activates the agreement.
 */
@CommandHandler(SignAgreementCommand)
export class SignAgreementHandler implements ICommandHandler<SignAgreementCommand> {
  constructor(
    @Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository,
    private readonly directory: OrganisationDirectory,
    private readonly changes: AgreementChanges,
  ) {}

  async execute({ principal, id, jws }: SignAgreementCommand): Promise<void> {
    const at = new Date();
    const existing = await this.repo.findById(id);
    if (!existing) throw AgreementException.notFound(id);
    authorise(principal, existing, 'sign');
    const v = await verifyAgreementSignature(jws, principal, at, this.directory);
    const version =
      v.payloadSha256 === existing.current.documentSha256
        ? existing.version
        : await this.repo.findVersionByDocumentHash(id, v.payloadSha256);
    if (version === null) {
      throw new AgreementException(
        AgreementExceptionCode.SignatureDocumentMismatch,
        `The JWS payload is not a document of this agreement; sign exactly the bytes of GET /agreements/${id}/document (version ${existing.version}).`,
      );
    }
    await this.changes.apply(
      principal,
      id,
      'sign',
      (a, now) => {
        authorise(principal, a, 'sign');
        a.sign({ version, org: principal.org, sub: principal.sub, kid: v.kid, alg: v.alg, jws, signedAt: now }, now);
      },
      { detail: [`signed-by:${principal.org}`, `kid:${v.kid}`] },
    );
  }
}
