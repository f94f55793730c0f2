import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AgreementChanges } from '../../agreement-changes.js';
import { authorise } from '../../domain/agreement-access.js';
import { SubmitAgreementCommand } from './submit-agreement.command.js';

/** DRAFT -> PENDING_SIGNATURES: the terms of this version are final and go out for signature. */
@CommandHandler(SubmitAgreementCommand)
export class SubmitAgreementHandler implements ICommandHandler<SubmitAgreementCommand> {
  constructor(private readonly changes: AgreementChanges) {}

  async execute({ principal, id }: SubmitAgreementCommand): Promise<void> {
    await this.changes.apply(principal, id, 'submit', (a, now) => {
      authorise(principal, a, 'submit');
      a.submit(now);
    });
  }
}
