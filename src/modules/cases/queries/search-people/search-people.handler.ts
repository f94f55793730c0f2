import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CaseAccess } from '../../case-access.service.js';
import { CaseException, CaseExceptionCode } from '../../domain/case.exception.js';
import { CaseRepository } from '../../domain/case.repository.port.js';
import { logListing, requireReason, type Listed } from '../listing-log.js';
import { SearchPeopleQuery, type PersonSearchResponse } from './search-people.query.js';

/** At most this many matching cases are decided per search (a search names a person, it does not browse). */
export const SEARCH_CANDIDATES = 50;

/** What a search gives of each person it names: nothing of the case beyond who manages it. */
const SEARCH_FIELDS = ['crn', 'managingOrg'];

/**
 * Finds the cases whose person matches, decides a summary read of each for the purpose exactly as
 * GET /cases/{crn}/summary would (the same facts, policy and agreements), and names only those
 * that read would answer: any other decision (a restricted case, one outside every relationship,
 * one no agreement covers) leaves the person out, as if unknown. Break-glass never widens a search: it is for
 * reading a named case in an emergency, not for finding people.
 */
@QueryHandler(SearchPeopleQuery)
export class SearchPeopleHandler implements IQueryHandler<SearchPeopleQuery, PersonSearchResponse> {
  constructor(
    private readonly cases: CaseRepository,
    private readonly access: CaseAccess,
  ) {}

  async execute({ principal: p, search, purpose }: SearchPeopleQuery): Promise<PersonSearchResponse> {
    requireReason(p);
    const actor = { ...(await this.access.actorFacts(p)), breakGlass: false };
    if (!this.access.canReadCases(actor))
      throw new CaseException(CaseExceptionCode.ReadForbidden, 'Your roles do not allow reading case data.');
    const at = new Date();
    const listed: Listed[] = [];
    const candidates = await this.cases.findPeople(search, SEARCH_CANDIDATES);
    const decided = candidates.length > 0;
    for (const record of candidates) {
      const decision = await this.access.decideOn(actor, record, purpose, 'summary', at);
      // Only a person whose summary read would succeed is named; anyone else is absent, as if unknown.
      if (decision.outcome !== 'allow') continue;
      listed.push({ record, decision, released: SEARCH_FIELDS, withheld: [] });
    }
    // Matching nobody looks up what deciding one hidden person would (see lookUpAsIfDeciding).
    if (!decided) await this.access.lookUpAsIfDeciding(actor, purpose, at);
    await logListing(
      this.access.log,
      p,
      { action: 'person.search', resource: { type: 'person-search', id: search.by }, purpose },
      listed,
    );
    return {
      purpose,
      searchedBy: search.by,
      results: listed.map((l) => ({
        crn: l.record.crn,
        managingOrg: l.record.managingOrg,
        maySeeSummary: true,
      })),
    };
  }
}
