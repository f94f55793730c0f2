import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { hasRole } from '@shared/auth/principal.js';
import { links, recordEvents } from '@shared/events/index.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { CaseTransferredEvent } from '../../domain/case-transferred.event.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { CaseRepository } from '../../infrastructure/case.repository.js';
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
      const rows: { from_org: string; to_org: string; status: string }[] = await tx.query(
        `SELECT from_org, to_org, status FROM case_transfers WHERE id = $1 AND crn = $2 FOR UPDATE`,
        [transferId, crn],
      );
      const t = rows[0];
      if (!t || t.to_org !== p.org)
        throw new CaseException(
          CaseExceptionCode.TransferNotFound,
          'No such transfer is offered to your organisation.',
        );
      if (t.status !== 'PENDING')
        throw new CaseException(CaseExceptionCode.TransferNotPending, `The transfer is ${t.status}.`);
      await tx.query(
        `UPDATE case_transfers SET status = 'ACCEPTED', decided_at = now(), decided_by = $2 WHERE id = $1`,
        [transferId, p.sub],
      );
      await tx.query(
        `UPDATE cases SET managing_org = $2, pending_transfer = NULL, escalation = NULL, updated_at = now(), revision = revision + 1 WHERE crn = $1`,
        [crn, p.org],
      );
      const intent = await this.log.enqueue(tx, {
        actor: { org: p.org, sub: p.sub, roles: p.roles },
        action: 'case.transfer.accept',
        resource: { type: 'case-transfer', id: transferId },
        crn,
        reason: p.reason ?? null,
        decision: 'ALLOW',
        reasons: [`management moves from ${t.from_org} to ${p.org}`],
        ownerOrg: p.org,
        recipientOrg: p.org,
        requestId: p.requestId,
        jti: p.jti,
      });
      await recordEvents(tx, [{ type: 'case.transfer.accepted', subject: crn, crn, link: links.case(crn) }]);
      return { from: t.from_org, intent };
    });
    await this.log.integrate(intent);
    this.events.publish(new CaseTransferredEvent(crn, from, p.org, transferId));
    return { id: transferId, status: 'ACCEPTED' as const, managingOrg: p.org };
  }
}
