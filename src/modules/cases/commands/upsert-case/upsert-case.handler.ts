import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hasRole, logActor } from '@shared/auth/principal.js';
import { links, recordEvents, type OutboxEvent } from '@shared/events/index.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { Case, type CaseChange } from '../../domain/case.js';
import { isAllocator, mayAllocateTo } from '../../domain/case-allocation.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { CaseRepository } from '../../domain/case.repository.port.js';
import { UpsertCaseCommand } from './upsert-case.command.js';

/**
 * PUT /cases/{crn}. A case's managing organisation's system replaces its record; an unused CRN
 * is created only by the allocating authority (an NPS region, see case-allocation.ts), for
 * itself or for a CRC of its region it allocates the case to. The rules on an existing CRN are
 * the Case aggregate's (Case.push): a CRC learns nothing of a CRN it does not manage, and a
 * change of manager is a transfer, never a PUT.
 */
@CommandHandler(UpsertCaseCommand)
export class UpsertCaseHandler implements ICommandHandler<UpsertCaseCommand> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly orgs: OrganisationDirectory,
    private readonly log: AccessLogWriter,
  ) {}

  async execute({
    principal: p,
    crn,
    input,
  }: UpsertCaseCommand): Promise<{ created: boolean; accessLogIndex: number | null }> {
    if (!hasRole(p, 'system') || (p.orgKind !== 'NPS' && p.orgKind !== 'CRC')) {
      throw new CaseException(
        CaseExceptionCode.NotManagingOrganisation,
        "Only the managing organisation's case-management system may push case records.",
      );
    }
    const allocator = isAllocator(p.orgKind);
    if (input.managingOrg !== p.org) {
      if (!allocator) {
        throw new CaseException(
          CaseExceptionCode.NotManagingOrganisation,
          'managingOrg must be your own organisation.',
          [{ field: 'managingOrg', message: 'must be the calling organisation' }],
        );
      }
      const [me, target] = await Promise.all([this.orgs.get(p.org), this.orgs.get(input.managingOrg)]);
      if (!me || !mayAllocateTo(me, target)) {
        throw new CaseException(
          CaseExceptionCode.AllocationInvalid,
          'managingOrg must be your own organisation or an active CRC of your region.',
          [{ field: 'managingOrg', message: 'must be the calling organisation or an active CRC of its region' }],
        );
      }
    }
    const { created, intent } = await this.cases.transaction(async (tx) => {
      const pushed = { crn, ...input, person: { ...input.person, pncId: input.person.pncId ?? null } };
      const existing = await this.cases.lock(tx, crn);
      const changes = Case.push(existing, p, pushed);
      const result = await this.cases.push(tx, pushed);
      // The entry is queued in this transaction: the write and its log intent commit or roll back together.
      const intent = await this.log.enqueue(tx, {
        actor: logActor(p),
        action: result === 'created' ? 'case.create' : 'case.update',
        resource: { type: 'case', id: crn },
        crn,
        purpose: null,
        reason: p.reason ?? null,
        decision: 'ALLOW',
        reasons: input.managingOrg === p.org ? ['managing organisation'] : [`allocated to ${input.managingOrg}`],
        ownerOrg: input.managingOrg,
        recipientOrg: null,
        requestId: p.requestId,
        jti: p.jti,
      });
      await recordEvents(tx, changeEvents(crn, changes));
      return { created: result === 'created', intent };
    });
    // Null when the committed entry could not be integrated at once: it stays queued and is integrated later.
    const receipt = await this.log.integrate(intent);
    return { created, accessLogIndex: receipt?.index ?? null };
  }
}

const EVENT_OF: Record<CaseChange, OutboxEvent['type']> = {
  updated: 'case.updated',
  rosh: 'case.rosh.changed',
  mappa: 'case.mappa.changed',
  'licence-conditions': 'case.licence-conditions.changed',
};

/** The thin events of a PUT: case.updated, plus one per watched attribute that changed. */
function changeEvents(crn: string, changes: CaseChange[]): OutboxEvent[] {
  return changes.map((c) => ({ type: EVENT_OF[c], subject: crn, crn, link: links.case(crn) }));
}
