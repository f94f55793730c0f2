import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { actorOf, AgreementChanges } from '../../agreement-changes.js';
import { authorise } from '../../domain/agreement-access.js';
import { ResumeAgreementCommand } from './resume-agreement.command.js';

/** Lifts a suspension; only the suspending organisation or the operator may (see agreement-access.ts). */
@CommandHandler(ResumeAgreementCommand)
export class ResumeAgreementHandler implements ICommandHandler<ResumeAgreementCommand> {
  constructor(private readonly changes: AgreementChanges) {}

  async execute({ principal, id, reason }: ResumeAgreementCommand): Promise<void> {
    await this.changes.apply(
      principal,
      id,
      'resume',
      (a, now) => {
        authorise(principal, a, 'resume');
        a.resume(actorOf(principal), reason, now);
      },
      { reason },
    );
  }
}
