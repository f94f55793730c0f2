import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { actorOf } from '../../agreement-changes.js';
import { AgreementAudit } from '../../agreement-audit.js';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from '../../domain/agreement.repository.port.js';
import { Agreement } from '../../domain/agreement.js';
import { assertProposable } from './check-parties.js';
import { DraftAgreementCommand } from './draft-agreement.command.js';
import { toTerms } from './to-terms.js';

/** A new agreement, as version 1 in DRAFT, by a party's dsa-signatory or the operator's gateway-admin. */
@CommandHandler(DraftAgreementCommand)
export class DraftAgreementHandler implements ICommandHandler<DraftAgreementCommand> {
  constructor(
    @Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository,
    private readonly directory: OrganisationDirectory,
    private readonly audit: AgreementAudit,
  ) {}

  async execute({ principal, input, id }: DraftAgreementCommand): Promise<string> {
    const now = new Date();
    const terms = toTerms(input);
    await assertProposable(principal, terms, this.directory, now);
    const agreement = Agreement.draft({ id: id ?? randomUUID(), terms, by: actorOf(principal), now });
    const intent = await this.repo.transaction(async (tx) => {
      await this.repo.insert(tx, agreement);
      return this.audit.record(tx, principal, 'create', agreement);
    });
    await this.audit.integrate([intent]);
    return agreement.id;
  }
}
