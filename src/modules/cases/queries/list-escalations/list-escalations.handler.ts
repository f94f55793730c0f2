import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { logActor } from '@shared/auth/principal.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { CaseAccess } from '../../case-access.service.js';
import { CaseRepository } from '../../domain/case.repository.port.js';
import { ListEscalationsQuery, type EscalationResponse } from './list-escalations.query.js';

/** What a listed escalation gives of its case. */
const LISTED_FIELDS = ['crn', 'managingOrg', 'escalation'];

/**
 * GET /cases/escalations: CRC cases assessed at HIGH RoSH that await transfer. The managing CRC
 * sees its own; an NPS region sees those of CRCs in its region, except restricted ones. Only CRNs
 * and the reason, no content. Naming a case to the region's NPS is the transfer process itself
 * (the CRC's assessment raised it for the NPS to take), so it does not wait for an agreement, as
 * a summary read does; every case named is logged, one entry each, before the list leaves.
 */
@QueryHandler(ListEscalationsQuery)
export class ListEscalationsHandler implements IQueryHandler<ListEscalationsQuery, EscalationResponse[]> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly orgs: OrganisationDirectory,
    private readonly access: CaseAccess,
  ) {}

  async execute({ principal: p }: ListEscalationsQuery): Promise<EscalationResponse[]> {
    let managing: string[];
    if (p.orgKind === 'CRC') managing = [p.org];
    else {
      const me = await this.orgs.get(p.org);
      managing = (await this.orgs.list()).filter((o) => o.kind === 'CRC' && o.region === me?.region).map((o) => o.id);
    }
    const rows = await this.cases.listEscalations({ managingOrgs: managing, limit: 500 });
    // A restricted case exists only for its managing organisation, escalated or not: the NPS
    // would be answered 404 for it, so listing its CRN here would tell what the 404 hides.
    const listed = rows.filter((r) => !r.restricted || r.managingOrg === p.org);
    await Promise.all(
      listed.map((r) =>
        this.access.log.append({
          actor: logActor(p),
          action: 'escalation.list',
          resource: { type: 'escalation-list', id: p.org },
          crn: r.crn,
          purpose: null,
          reason: p.reason ?? null,
          decision: 'ALLOW',
          reasons: ['escalated for transfer to the NPS'],
          fieldsReleased: LISTED_FIELDS,
          recipientOrg: p.org,
          ownerOrg: r.managingOrg,
          requestId: p.requestId,
          jti: p.jti,
        }),
      ),
    );
    return listed.map((r) => ({
      crn: r.crn,
      managingOrg: r.managingOrg,
      raisedAt: r.escalation!.raisedAt,
      reason: r.escalation!.reason,
      assessmentId: r.escalation!.assessmentId,
      pendingTransfer: r.pendingTransfer ? { id: r.pendingTransfer.id, toOrg: r.pendingTransfer.toOrg } : null,
    }));
  }
}
