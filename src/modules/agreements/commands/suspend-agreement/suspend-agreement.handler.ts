import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf, AgreementChanges } from '../../agreement-changes.js';
import { authorise } from '../../domain/agreement-access.js';
import { SuspendAgreementCommand } from './suspend-agreement.command.js';

/** Stops sharing under the agreement from the next request, on every instance. */
@CommandHandler(SuspendAgreementCommand)
export class SuspendAgreementHandler implements ICommandHandler<SuspendAgreementCommand> {
  constructor(private readonly changes: AgreementChanges) {}

  async execute({ principal, id, reason }: SuspendAgreementCommand): Promise<void> {
    await this.changes.apply(
      principal,
      id,
      'suspend',
      (a, now) => {
        authorise(principal, a, 'suspend');
        a.suspend(actorOf(principal), reason, now);
      },
      { reason },
    );
  }
}
