import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf, AgreementChanges } from '../../agreement-changes.js';
import { authorise } from '../../domain/agreement-access.js';
import { TerminateAgreementCommand } from './terminate-agreement.command.js';

/** Ends the agreement for good; AgreementTerminatedEvent lets the exchange module refuse open requests under it. */
@CommandHandler(TerminateAgreementCommand)
export class TerminateAgreementHandler implements ICommandHandler<TerminateAgreementCommand> {
  constructor(private readonly changes: AgreementChanges) {}

  async execute({ principal, id, reason }: TerminateAgreementCommand): Promise<void> {
    await this.changes.apply(
      principal,
      id,
      'terminate',
      (a, now) => {
        authorise(principal, a, 'terminate');
        a.terminate(actorOf(principal), reason, now);
      },
      { reason },
    );
  }
}
