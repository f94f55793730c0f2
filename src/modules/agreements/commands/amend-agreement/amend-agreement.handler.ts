import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { actorOf, AgreementChanges } from '../../agreement-changes.js';
import { authorise } from '../../domain/agreement-access.js';
import { AgreementException } from '../../domain/agreement.exception.js';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from '../../domain/agreement.repository.port.js';
import { assertProposable } from '../draft-agreement/check-parties.js';
import { toTerms } from '../draft-agreement/to-terms.js';
import { AmendAgreementCommand } from './amend-agreement.command.js';

/**
 * A new version with new terms; every party signs again. The version in force (if any) keeps
 * covering until the new one is fully signed, unless the agreement was suspended or expired.
 */
@CommandHandler(AmendAgreementCommand)
export class AmendAgreementHandler implements ICommandHandler<AmendAgreementCommand> {
  constructor(
    @Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository,
    private readonly directory: OrganisationDirectory,
    private readonly changes: AgreementChanges,
  ) {}

  async execute({ principal, id, input }: AmendAgreementCommand): Promise<void> {
    // Who may amend is checked before the terms, so a stranger learns nothing from a 400.
    const existing = await this.repo.findById(id);
    if (!existing) throw AgreementException.notFound(id);
    authorise(principal, existing, 'amend');
    const terms = toTerms(input);
    await assertProposable(principal, terms, this.directory, new Date());
    await this.changes.apply(principal, id, 'amend', (a, now) => {
      authorise(principal, a, 'amend');
      a.amend(terms, actorOf(principal), now);
    });
  }
}
