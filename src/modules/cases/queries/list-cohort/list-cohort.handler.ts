import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CaseAccess } from '../../case-access.service.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { CaseRepository } from '../../domain/case.repository.port.js';
import { project } from '../../domain/projection.js';
import { logListing, requireReason, type Listed } from '../listing-log.js';
import { ListCohortQuery, type CohortMember, type CohortResponse } from './list-cohort.query.js';

/** At most this many members are listed (a force's IOM cohort is a few hundred people at most). */
export const COHORT_LIMIT = 1000;

/** The summary fields a cohort listing shows when the decision releases them. */
const LISTED_FIELDS = ['rosh', 'assessedAt'] as const;

/**
 * The members of `force`'s IOM cohort the caller may know of. Each is decided as a summary read
 * for the purpose exactly as GET /cases/{crn}/summary would decide it; any decision but "allow"
 * (a restricted case, one outside every relationship such as another force's officers, one no
 * agreement covers) leaves the member out, so another force's cohort, an unknown force and a cohort with nobody the caller
 * may see all answer an empty list. Only the overall RoSH level and the assessment date leave,
 * and only where the decision releases `rosh` and `assessedAt`. Break-glass never widens a listing.
 */
@QueryHandler(ListCohortQuery)
export class ListCohortHandler implements IQueryHandler<ListCohortQuery, CohortResponse> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly access: CaseAccess,
  ) {}

  async execute({ principal: p, force, purpose }: ListCohortQuery): Promise<CohortResponse> {
    requireReason(p);
    const actor = { ...(await this.access.actorFacts(p)), breakGlass: false };
    if (!this.access.canReadCases(actor))
      throw new CaseException(CaseExceptionCode.ReadForbidden, 'Your roles do not allow reading case data.');
    const at = new Date();
    const listed: (Listed & { member: CohortMember })[] = [];
    const cohort = await this.cases.listIomCohort(force, COHORT_LIMIT);
    const decided = cohort.length > 0;
    for (const { record, assessment } of cohort) {
      const decision = await this.access.decideOn(actor, record, purpose, 'summary', at);
      // Only a member whose summary read would succeed is listed; anyone else is absent, as if unknown.
      if (decision.outcome !== 'allow') continue;
      const shown = LISTED_FIELDS.filter((f) => decision.released.includes(f));
      const withheld = LISTED_FIELDS.filter((f) => !shown.includes(f));
      const body = project('summary', record, assessment, new Set(shown));
      const member: CohortMember = {
        crn: record.crn,
        managingOrg: record.managingOrg,
        maySeeSummary: true,
        ...(body.rosh ? { roshLevel: (body.rosh as { overall: string }).overall } : {}),
        ...(shown.includes('assessedAt') ? { assessedAt: (body.assessedAt as string | undefined) ?? null } : {}),
        fieldsWithheld: [...withheld],
      };
      listed.push({ record, decision, released: ['crn', 'managingOrg', ...shown], withheld, member });
    }
    // Matching nobody looks up what deciding one hidden person would (see lookUpAsIfDeciding).
    if (!decided) await this.access.lookUpAsIfDeciding(actor, purpose, at);
    await logListing(
      this.access.log,
      p,
      { action: 'cohort.list', resource: { type: 'iom-cohort', id: force }, purpose },
      listed,
    );
    return { force, purpose, members: listed.map((l) => l.member) };
  }
}
