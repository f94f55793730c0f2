import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { hasRole, logActor } from '@shared/auth/principal.js';
import { links, recordEvents } from '@shared/events/index.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { Case } from '../../domain/case.js';
import { CaseTransferredEvent } from '../../domain/case-transferred.event.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { CaseRepository } from '../../domain/case.repository.port.js';
import { AcceptTransferCommand } from './accept-transfer.command.js';

/**
 * POST /cases/{crn}/transfers/{id}/accept by the receiving organisation. Access follows the case
 * at once: every decision reads managing_org from the case row, so the next request of the old
 * manager is decided as an outsider's.
 */
@CommandHandler(AcceptTransferCommand)
export class AcceptTransferHandler implements ICommandHandler<AcceptTransferCommand> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly log: AccessLogWriter,
    private readonly events: EventBus,
  ) {}

  async execute({ principal: p, crn, transferId }: AcceptTransferCommand) {
    if (!hasRole(p, 'system', 'offender-manager'))
      throw new CaseException(
        CaseExceptionCode.NotManagingOrganisation,
        'Only the receiving organisation may accept a transfer.',
      );
    const { from, intent } = await this.cases.transaction(async (tx) => {
      // The case first, then its transfer: the order every change of a case locks in.
      const c = await this.cases.lock(tx, crn);
      const offered = c ? await this.cases.lockTransfer(tx, crn, transferId) : null;
      if (!c || !offered) throw Case.noSuchTransfer();
      const t = c.acceptTransfer(p, offered);
      await this.cases.saveTransfer(tx, t, p.sub);
      await this.cases.save(tx, c);
      const intent = await this.log.enqueue(tx, {
        actor: logActor(p),
        action: 'case.transfer.accept',
        resource: { type: 'case-transfer', id: transferId },
        crn,
        reason: p.reason ?? null,
        decision: 'ALLOW',
        reasons: [`management moves from ${t.fromOrg} to ${p.org}`],
        ownerOrg: p.org,
        recipientOrg: p.org,
        requestId: p.requestId,
        jti: p.jti,
      });
      await recordEvents(tx, [{ type: 'case.transfer.accepted', subject: crn, crn, link: links.case(crn) }]);
      return { from: t.fromOrg, intent };
    });
    await this.log.integrate(intent);
    this.events.publish(new CaseTransferredEvent(crn, from, p.org, transferId));
    return { id: transferId, status: 'ACCEPTED' as const, managingOrg: p.org };
  }
}
