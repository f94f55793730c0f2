import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hasRole, logActor } from '@shared/auth/principal.js';
import { links, recordEvents } from '@shared/events/index.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { CaseRepository } from '../../domain/case.repository.port.js';
import { RequestTransferCommand } from './request-transfer.command.js';

/** POST /cases/{crn}/transfers: the managing organisation offers the case to another probation provider. */
@CommandHandler(RequestTransferCommand)
export class RequestTransferHandler implements ICommandHandler<RequestTransferCommand> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly orgs: OrganisationDirectory,
    private readonly log: AccessLogWriter,
  ) {}

  async execute({
    principal: p,
    crn,
    toOrg,
    reason,
  }: RequestTransferCommand): Promise<{ id: string; status: 'PENDING' }> {
    if (!hasRole(p, 'system', 'offender-manager'))
      throw new CaseException(
        CaseExceptionCode.NotManagingOrganisation,
        'Only the managing organisation may transfer a case.',
      );
    const target = await this.orgs.get(toOrg);
    if (!target || target.status !== 'ACTIVE' || (target.kind !== 'NPS' && target.kind !== 'CRC') || toOrg === p.org) {
      throw new CaseException(CaseExceptionCode.TransferInvalid, 'toOrg must be another active NPS region or CRC.', [
        { field: 'toOrg', message: 'must be another active NPS region or CRC' },
      ]);
    }
    const id = randomUUID();
    const intent = await this.cases.transaction(async (tx) => {
      const c = await this.cases.lock(tx, crn);
      if (!c) throw CaseException.notFound();
      const transfer = c.offerTransfer(p, id, toOrg, reason);
      await this.cases.saveTransfer(tx, transfer, p.sub);
      await this.cases.save(tx, c);
      const intent = await this.log.enqueue(tx, {
        actor: logActor(p),
        action: 'case.transfer.request',
        resource: { type: 'case-transfer', id },
        crn,
        reason,
        decision: 'ALLOW',
        reasons: [`transfer to ${toOrg}`],
        ownerOrg: p.org,
        recipientOrg: toOrg,
        requestId: p.requestId,
        jti: p.jti,
      });
      await recordEvents(tx, [{ type: 'case.transfer.requested', subject: crn, crn, link: links.case(crn) }]);
      return intent;
    });
    await this.log.integrate(intent);
    return { id, status: 'PENDING' as const };
  }
}
