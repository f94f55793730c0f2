import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { CaseRepository } from '../../domain/case.repository.port.js';
import { ListEscalationsQuery, type EscalationResponse } from './list-escalations.query.js';

/**
 * GET /cases/escalations: CRC cases assessed at HIGH RoSH that await transfer. The managing CRC
 * sees its own; an NPS region sees those of CRCs in its region, except restricted ones. Only CRNs and the reason, no content.
 */
@QueryHandler(ListEscalationsQuery)
export class ListEscalationsHandler implements IQueryHandler<ListEscalationsQuery, EscalationResponse[]> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly orgs: OrganisationDirectory,
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
    return rows
      .filter((r) => !r.restricted || r.managingOrg === p.org)
      .map((r) => ({
        crn: r.crn,
        managingOrg: r.managingOrg,
        raisedAt: r.escalation!.raisedAt,
        reason: r.escalation!.reason,
        assessmentId: r.escalation!.assessmentId,
        pendingTransfer: r.pendingTransfer ? { id: r.pendingTransfer.id, toOrg: r.pendingTransfer.toOrg } : null,
      }));
  }
}
