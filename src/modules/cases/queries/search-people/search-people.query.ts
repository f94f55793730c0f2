import { Query } from '@nestjs/cqrs';
import type { Principal } from '@shared/auth/principal.js';
import type { Purpose } from '@shared/domain/vocabulary.js';
import type { PersonSearch } from '../../domain/person-search.js';

/** A person the caller may know of, and whether they may read the summary of their case for the purpose. */
export interface PersonSearchResult {
  crn: string;
  managingOrg: string;
  maySeeSummary: boolean;
}

export interface PersonSearchResponse {
  purpose: Purpose;
  searchedBy: PersonSearch['by'];
  results: PersonSearchResult[];
}

/**
 * POST /people/search and the find-a-person page. Releases no case data beyond the CRN and the
 * managing organisation; writes the listing's access-log entries before it answers.
 */
export class SearchPeopleQuery extends Query<PersonSearchResponse> {
  constructor(
    readonly principal: Principal,
    readonly search: PersonSearch,
    readonly purpose: Purpose,
  ) {
    super();
  }
}
