import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { hasRole } from '@shared/auth/principal.js';
import { links, recordEvents, type OutboxEvent } from '@shared/events/index.js';
import { AccessLogWriter } from '@modules/access-log/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { isAllocator, mayAllocateTo } from '../../domain/case-allocation.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import type { CaseRecord } from '../../domain/case.types.js';
import { CaseRepository } from '../../infrastructure/case.repository.js';
import { UpsertCaseCommand } from './upsert-case.command.js';

/**
 * PUT /cases/{crn}. A case's managing organisation's system replaces its record; an unused CRN
 * is created only by the allocating authority (an NPS region, see case-allocation.ts), for
 * itself or for a CRC of its region it allocates the case to. Changing the managing
 * organisation of an existing case is a transfer, never a PUT.
 *
 * What each caller learns about a CRN it does not manage:
 * - any non-allocator (a CRC): 403, the same answer for a case managed elsewhere (restricted or
 *   not) and an unknown CRN, after the same lookup: its PUT probes nothing;
 * - an allocator: 409 for a CRN already held by another organisation, with no word of which or
 *   how. It cannot be otherwise (CRNs are unique, so creating one must fail when it is taken),
 *   which is why only the operator-registered allocating authority may create cases.
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
      const existing = await this.cases.load(crn, tx, true);
      if (existing && existing.managingOrg !== p.org) {
        if (!allocator) throw notYours();
        throw new CaseException(
          CaseExceptionCode.CrnAllocated,
          'This CRN is already held by another organisation; a change of manager is a transfer by its managing organisation.',
        );
      }
      if (!existing && !allocator) throw notYours();
      if (existing && input.managingOrg !== p.org) {
        throw new CaseException(
          CaseExceptionCode.ManagingOrgChange,
          'Changing the managing organisation of a case is a transfer (POST /cases/{crn}/transfers).',
          [{ field: 'managingOrg', message: 'must stay the managing organisation' }],
        );
      }
      const result = await this.cases.upsert(tx, {
        crn,
        ...input,
        person: { ...input.person, pncId: input.person.pncId ?? null },
      });
      // The entry is queued in this transaction: the write and its log intent commit or roll back together.
      const intent = await this.log.enqueue(tx, {
        actor: { org: p.org, sub: p.sub, roles: p.roles },
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
      await recordEvents(tx, caseChangeEvents(crn, existing, input));
      return { created: result === 'created', intent };
    });
    // Null when the committed entry could not be integrated at once: it stays queued and is integrated later.
    const receipt = await this.log.integrate(intent);
    return { created, accessLogIndex: receipt?.index ?? null };
  }
}

/** The thin events of a PUT: case.updated, plus one per watched attribute that changed (none on creation). */
function caseChangeEvents(crn: string, before: CaseRecord | null, after: UpsertCaseCommand['input']): OutboxEvent[] {
  const event = (type: OutboxEvent['type']): OutboxEvent => ({ type, subject: crn, crn, link: links.case(crn) });
  const events = [event('case.updated')];
  if (!before) return events;
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (before.rosh.overall !== after.rosh.overall) events.push(event('case.rosh.changed'));
  if (before.mappa?.level !== after.mappa?.level || before.mappa?.category !== after.mappa?.category)
    events.push(event('case.mappa.changed'));
  if (!same([...before.licenceConditions].sort(), [...after.licenceConditions].sort()))
    events.push(event('case.licence-conditions.changed'));
  return events;
}

/** A non-allocator's PUT of a CRN it does not manage: one answer whether the CRN exists or not. */
function notYours(): CaseException {
  return new CaseException(
    CaseExceptionCode.NotManagingOrganisation,
    'You may push only cases your organisation manages; cases are created by the allocating authority (the NPS).',
    [{ field: 'crn', message: 'is not a case your organisation manages' }],
  );
}
