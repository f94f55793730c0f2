import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hasRole } from '@shared/auth/principal.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { CaseRepository } from '../../infrastructure/case.repository.js';
import { UpsertCaseCommand } from './upsert-case.command.js';

/**
 * PUT /cases/{crn} by the managing organisation's system. Creating a case for another
 * organisation, or changing the managing organisation (that is a transfer), is refused; the
 * same answer is given whether or not the CRN exists, so a non-manager learns nothing.
 */
@CommandHandler(UpsertCaseCommand)
export class UpsertCaseHandler implements ICommandHandler<UpsertCaseCommand> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly log: AccessLogWriter,
  ) {}

  async execute({ principal: p, crn, input }: UpsertCaseCommand): Promise<{ created: boolean; accessLogIndex: number | null }> {
    if (!hasRole(p, 'system') || (p.orgKind !== 'NPS' && p.orgKind !== 'CRC')) {
      throw new CaseException(CaseExceptionCode.NotManagingOrganisation, "Only the managing organisation's case-management system may push case records.");
    }
    if (input.managingOrg !== p.org) {
      throw new CaseException(CaseExceptionCode.NotManagingOrganisation, 'managingOrg must be your own organisation.', [{ field: 'managingOrg', message: 'must be the calling organisation' }]);
    }
    const { created, intent } = await this.cases.transaction(async (tx) => {
      const existing = await this.cases.load(crn, tx, true);
      if (existing && existing.managingOrg !== p.org) {
        throw new CaseException(CaseExceptionCode.NotManagingOrganisation, 'managingOrg must be your own organisation.', [{ field: 'managingOrg', message: 'must be the calling organisation' }]);
      }
      const result = await this.cases.upsert(tx, { crn, ...input, person: { ...input.person, pncId: input.person.pncId ?? null } });
      // The entry is queued in this transaction: the write and its log intent commit or roll back together.
      const intent = await this.log.enqueue(tx, {
        actor: { org: p.org, sub: p.sub, roles: p.roles },
        action: result === 'created' ? 'case.create' : 'case.update',
        resource: { type: 'case', id: crn },
        crn,
        purpose: null,
        reason: p.reason ?? null,
        decision: 'ALLOW',
        reasons: ['managing organisation'],
        ownerOrg: p.org,
        recipientOrg: null,
        requestId: p.requestId,
        jti: p.jti,
      });
      return { created: result === 'created', intent };
    });
    // Null when the committed entry could not be integrated at once: it stays queued and is integrated later.
    const receipt = await this.log.integrate(intent);
    return { created, accessLogIndex: receipt?.index ?? null };
  }
}
